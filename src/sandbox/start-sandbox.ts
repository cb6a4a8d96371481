/**
 * `npm start` without credentials: the sandbox world (emulators + the real bot) and the page on the
 * bot's own HTTP server, with a small JSON + server-sent-events API. "Reset" stops the world, deletes
 * its data folder and starts a fresh one on the same port.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AppConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { Route } from '../http/server.ts';
import { SandboxInputError, SandboxWorld } from './sandbox.ts';
import { sandboxState, OUTSIDER_OPEN_ID } from './state.ts';
import { installNetworkGuard, type NetworkGuard } from './network-guard.ts';
import { FeishuCallbackError } from './emulators/feishu/index.ts';

export interface RunningSandbox {
  port: number;
  url: string;
  guard: NetworkGuard;
  world(): SandboxWorld;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const MAX_BODY = 12 * 1024 * 1024;

/** The page's files: src/sandbox/page (found from the package root, so compiled code finds them too) and the view library from node_modules. */
function staticFiles(): Record<string, { file: string; type: string }> {
  let root = path.dirname(fileURLToPath(import.meta.url));
  while (!existsPackage(root)) {
    const up = path.dirname(root);
    if (up === root) throw new Error('sandbox: cannot find the package root (package.json) above ' + fileURLToPath(import.meta.url));
    root = up;
  }
  const page = path.join(root, 'src', 'sandbox', 'page');
  const require = createRequire(path.join(root, 'package.json'));
  const js = 'text/javascript; charset=utf-8';
  return {
    '/': { file: path.join(page, 'index.html'), type: 'text/html; charset=utf-8' },
    '/sandbox/app.js': { file: path.join(page, 'app.js'), type: js },
    '/sandbox/card-renderer.js': { file: path.join(page, 'card-renderer.js'), type: js },
    '/sandbox/chart.js': { file: path.join(page, 'chart.js'), type: js },
    '/sandbox/i18n.js': { file: path.join(page, 'i18n.js'), type: js },
    '/sandbox/style.css': { file: path.join(page, 'style.css'), type: 'text/css; charset=utf-8' },
    '/sandbox/vendor/preact.mjs': { file: require.resolve('preact'), type: js },
    '/sandbox/vendor/hooks.mjs': { file: require.resolve('preact/hooks'), type: js },
    '/sandbox/vendor/htm.mjs': { file: path.join(path.dirname(require.resolve('htm')), 'htm.mjs'), type: js },
  };
}

function existsPackage(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'complaint-bot';
  } catch {
    return false;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new SandboxInputError('request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new SandboxInputError('request body is not JSON');
  }
}

const language = z.enum(['zh', 'en']);
const schemas = {
  customer: z.object({ channel: z.enum(['telegram', 'wechat']), name: z.string().trim().min(1).max(64), language }),
  say: z.object({ customer: z.string().min(1), text: z.string().min(1).max(5000) }),
  photo: z.object({ customer: z.string().min(1), data: z.string().min(1), caption: z.string().max(1024).optional() }),
  press: z.object({ customer: z.string().min(1), messageId: z.coerce.number().int(), data: z.string().min(1).max(64) }),
  click: z.object({
    messageId: z.string().min(1),
    operator: z.string().min(1),
    value: z.record(z.string(), z.unknown()),
    formValue: z.record(z.string(), z.unknown()).optional(),
    name: z.string().optional(),
    tag: z.string().optional(),
  }),
  groupSay: z.object({ chatId: z.string().min(1), operator: z.string().min(1), text: z.string().trim().min(1).max(2000) }),
  time: z.object({ step: z.enum(['hour', 'workday', 'digest', 'month']) }),
};

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new SandboxInputError(result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return result.data;
}

/** Starts the sandbox on `port` and logs, as its last line, the address to open. */
export async function runSandbox(opts: { config: AppConfig; log: Logger; port: number; dataDir: string; logLevel?: 'debug' | 'info' | 'warn' | 'error' }): Promise<{ stop(): Promise<void> }> {
  const sandbox = await startSandbox(opts);
  opts.log.info(
    { dataDir: opts.dataDir },
    `sandbox: no platform credentials are set, so Telegram, WeChat and Feishu are emulated on this machine and nothing leaves it. Open ${sandbox.url}`,
  );
  return sandbox;
}

export async function startSandbox(opts: { config: AppConfig; log: Logger; port: number; dataDir: string; start?: Date; logLevel?: 'debug' | 'info' | 'warn' | 'error' }): Promise<RunningSandbox> {
  const log = opts.log.child({ part: 'sandbox' });
  const guard = installNetworkGuard((what) => log.error({ request: what }, 'sandbox: refused a request that would have left this machine'));
  let world: SandboxWorld | undefined;
  let restarting: Promise<void> | undefined;
  const files = staticFiles();
  const sse = new Set<ServerResponse>();
  let lastVersion = -1;

  const current = async (): Promise<SandboxWorld> => {
    if (restarting) await restarting;
    if (!world) throw new SandboxInputError('the sandbox is not running');
    return world;
  };
  const api = (method: 'GET' | 'POST', handle: (w: SandboxWorld, body: unknown, req: IncomingMessage, res: ServerResponse) => Promise<unknown>): Route => {
    return async (req, res) => {
      if (req.method !== method) return send(res, 405, { error: `use ${method}` });
      try {
        const body = method === 'POST' ? await readJson(req) : undefined;
        const w = await current();
        const result = await handle(w, body, req, res);
        w.changed();
        if (!res.headersSent) send(res, 200, result ?? { ok: true });
      } catch (error) {
        if (error instanceof SandboxInputError) return send(res, 400, { error: error.message });
        if (error instanceof FeishuCallbackError) return send(res, 502, { error: error.message });
        log.error({ err: error, path: req.url }, 'sandbox request failed');
        send(res, 500, { error: error instanceof Error ? error.message : String(error) });
      }
    };
  };

  const routes: Record<string, Route> = {};
  for (const [route, f] of Object.entries(files)) {
    routes[route] = async (req, res) => {
      res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-cache' });
      res.end(readFileSync(f.file));
    };
  }
  routes['/favicon.ico'] = async (_req, res) => void res.writeHead(204).end();
  routes['/sandbox/api/state'] = api('GET', (w) => sandboxState(w));
  routes['/sandbox/api/events'] = async (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`event: change\ndata: ${world?.version ?? 0}\n\n`);
    sse.add(res);
    req.on('close', () => sse.delete(res));
  };
  routes['/sandbox/api/file'] = api('GET', async (w, _body, req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const tg = q.get('telegram');
    const fs = q.get('feishu');
    const file = tg ? w.telegram.file(tg) : fs ? (() => { const i = w.feishu.image(fs); return i ? { data: i.bytes, mime_type: i.contentType } : undefined; })() : undefined;
    if (!file) throw new SandboxInputError('no such file');
    res.writeHead(200, { 'content-type': file.mime_type ?? 'application/octet-stream', 'cache-control': 'max-age=3600' });
    res.end(file.data);
  });
  routes['/sandbox/api/customers'] = api('POST', async (w, body) => {
    const b = parse(schemas.customer, body);
    return w.addCustomer(b.channel, b.name, b.language);
  });
  routes['/sandbox/api/customer/say'] = api('POST', async (w, body) => {
    const b = parse(schemas.say, body);
    const c = w.customer(b.customer);
    if (c.channel === 'telegram') w.telegram.sendText({ id: c.telegramId! }, b.text);
    else await w.wechatSay(c, b.text);
  });
  routes['/sandbox/api/customer/photo'] = api('POST', async (w, body) => {
    const b = parse(schemas.photo, body);
    const c = w.customer(b.customer);
    const data = Buffer.from(b.data.replace(/^data:[^,]*,/, ''), 'base64');
    if (data.length === 0) throw new SandboxInputError('the photo is empty');
    if (c.channel === 'telegram') w.telegram.sendPhoto({ id: c.telegramId! }, { data, ...(b.caption ? { caption: b.caption } : {}) });
    else await w.wechatSay(c, null, true);
  });
  routes['/sandbox/api/customer/press'] = api('POST', async (w, body) => {
    const b = parse(schemas.press, body);
    const c = w.customer(b.customer);
    if (c.channel !== 'telegram') throw new SandboxInputError('only Telegram has buttons');
    try {
      w.telegram.clickButton({ id: c.telegramId! }, { message_id: b.messageId, chat: { id: c.telegramId!, type: 'private', first_name: c.name } }, b.data);
    } catch (error) {
      throw new SandboxInputError(error instanceof Error ? error.message : String(error));
    }
  });
  routes['/sandbox/api/feishu/click'] = api('POST', async (w, body) => {
    const b = parse(schemas.click, body);
    if (!w.feishu.hasMessage(b.messageId)) throw new SandboxInputError(`no message ${b.messageId}`);
    const answer = await w.feishu.clickButton({
      messageId: b.messageId,
      operator: { open_id: b.operator },
      value: b.value as Record<string, never>,
      ...(b.formValue ? { formValue: b.formValue } : {}),
      ...(b.name ? { name: b.name } : {}),
      ...(b.tag ? { tag: b.tag } : {}),
    });
    return { toast: answer.toast ?? null };
  });
  routes['/sandbox/api/feishu/say'] = api('POST', async (w, body) => {
    const b = parse(schemas.groupSay, body);
    await w.feishuSay(b.chatId, b.operator, b.text);
  });
  routes['/sandbox/api/time'] = api('POST', async (w, body) => {
    const b = parse(schemas.time, body);
    const moved = await w.advance(b.step);
    return { now: moved.now.getTime(), slots: moved.slots };
  });
  routes['/sandbox/api/reset'] = api('POST', async (_w, _body, _req, res) => {
    send(res, 202, { ok: true });
    res.once('finish', () => reset().catch((error: unknown) => log.error({ err: error }, 'sandbox: reset failed; restart the process')));
  });

  const boot = async () => {
    world = await SandboxWorld.start({ ...opts, port: world?.port ?? opts.port, routes, log: opts.log });
  };
  const reset = async () => {
    if (restarting) return restarting;
    restarting = (async () => {
      for (const res of sse) res.end();
      sse.clear();
      await world?.wipe();
      await boot();
      log.info({ url: `http://localhost:${world!.port}` }, 'sandbox reset: an empty database');
    })().finally(() => (restarting = undefined));
    return restarting;
  };

  await boot();
  const pump = setInterval(() => {
    const v = world?.version ?? 0;
    if (v === lastVersion || !world) return;
    lastVersion = v;
    for (const res of sse) res.write(`event: change\ndata: ${v}\n\n`);
  }, 150);
  // Every message the bot sends or any user makes changes what the page shows.
  let lastSignature = '';
  const watch = setInterval(() => {
    if (!world) return;
    const signature = [world.telegram.calls.length, world.feishu.calls.length, world.feishu.cardCallbacks.length, world.wechat.calls.length, world.wechat.messages.length].join();
    if (signature !== lastSignature) {
      lastSignature = signature;
      world.changed();
    }
  }, 150);
  const heartbeat = setInterval(() => {
    for (const res of sse) res.write(': keep-alive\n\n');
  }, 15_000);
  for (const t of [pump, watch, heartbeat]) t.unref();

  return {
    get port() {
      return world!.port;
    },
    get url() {
      return `http://localhost:${world!.port}`;
    },
    guard,
    world: () => world!,
    reset,
    async stop() {
      clearInterval(pump);
      clearInterval(watch);
      clearInterval(heartbeat);
      for (const res of sse) res.end();
      await restarting;
      await world?.stop();
      guard.uninstall();
    },
  };
}

export { OUTSIDER_OPEN_ID };
