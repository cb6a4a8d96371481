/**
 * HTTP side of the emulator: the Open API routes the bot uses, the long-connection endpoint,
 * token checks, rate-limit injection and call recording.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { LongConnectionHub } from './long-connection.ts';
import { ApiError, isObject, type Store } from './store.ts';
import type { JsonObject, NetworkFault, RateLimitOptions, RateLimitRequest, RecordedCall } from './types.ts';

export interface HttpServerDeps {
  appId: string;
  appSecret: string;
  tenantKey: string;
  store: Store;
  hub: LongConnectionHub;
  now: () => number;
  /** Called once per request, after it was answered. */
  onCall: (call: Omit<RecordedCall, 'seq'>) => void;
  /** Returns options when this request must be rate limited (and consumes one injection). */
  takeRateLimit: (req: RateLimitRequest) => RateLimitOptions | undefined;
  /** Returns a fault when this request must fail at the network or server level (and consumes it). */
  takeFault: (req: RateLimitRequest) => NetworkFault | undefined;
}

interface ParsedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: Buffer;
  body: unknown;
  files: Map<string, { filename: string; contentType: string; bytes: Buffer }>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Handler = (req: ParsedRequest, params: Record<string, string>) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: string;
  regex: RegExp;
  keys: string[];
  auth: boolean;
  handler: Handler;
}

export function compilePathTemplate(pattern: string): { regex: RegExp; keys: string[] } {
  const keys: string[] = [];
  const src = pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        keys.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${src}/?$`), keys };
}

const ok = (data: unknown): Reply => ({ status: 200, body: { code: 0, msg: 'success', data } });

export class FeishuHttpServer {
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly routes: Route[] = [];
  private stopping = false;

  constructor(private readonly deps: HttpServerDeps) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        }
        res.end(JSON.stringify({ code: 1, msg: `feishu emulator internal error: ${(err as Error).message}` }));
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req, socket, head) => deps.hub.handleUpgrade(req, socket, head));
    this.defineRoutes();
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  get hostPort(): string {
    const a = this.server.address() as AddressInfo | null;
    if (!a) throw new Error('server not listening');
    return `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  /** Stop accepting requests and close every connection (including upgraded WebSockets). */
  async close(): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  // ---- routes ------------------------------------------------------------------------------------

  private route(method: string, pattern: string, auth: boolean, handler: Handler): void {
    const { regex, keys } = compilePathTemplate(pattern);
    this.routes.push({ method, pattern, regex, keys, auth, handler });
  }

  private defineRoutes(): void {
    const { store, appId, appSecret, tenantKey, hub } = this.deps;
    const shape = (m: Parameters<Store['apiShape']>[0]) => store.apiShape(m, appId, tenantKey);

    this.route('POST', '/open-apis/auth/v3/tenant_access_token/internal', false, (req) => {
      const b = isObject(req.body) ? req.body : {};
      if (typeof b['app_id'] !== 'string' || typeof b['app_secret'] !== 'string') {
        return { status: 400, body: { code: 10003, msg: 'invalid param' } };
      }
      if (b['app_id'] !== appId) return { status: 400, body: { code: 10003, msg: 'invalid param: app_id not found' } };
      if (b['app_secret'] !== appSecret) return { status: 400, body: { code: 10014, msg: 'app secret invalid' } };
      const { token, expire } = store.issueTenantToken();
      return { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: token, expire } };
    });

    this.route('POST', '/callback/ws/endpoint', false, (req) => {
      const b = isObject(req.body) ? req.body : {};
      if (b['AppID'] !== appId || b['AppSecret'] !== appSecret) {
        // 514 = ErrorCode.auth_failed in the SDK: it gives up instead of retrying forever.
        return { status: 200, body: { code: 514, msg: 'auth failed: invalid AppID or AppSecret', data: {} } };
      }
      return { status: 200, body: { code: 0, msg: 'ok', data: hub.issueEndpoint(this.hostPort) } };
    });

    this.route('POST', '/open-apis/im/v1/messages', true, (req) => ok(shape(store.createMessage(req.query, req.body))));

    this.route('GET', '/open-apis/im/v1/messages/:message_id', true, (_req, p) => {
      const m = store.getRaw(p['message_id']!);
      if (!m) throw new ApiError(400, 230001, `Your request contains an invalid request parameter, ext=invalid message_id`);
      return ok({ items: [shape(m)] });
    });

    this.route('PATCH', '/open-apis/im/v1/messages/:message_id', true, (req, p) => {
      store.patchMessage(p['message_id']!, req.body);
      return ok({});
    });

    this.route('DELETE', '/open-apis/im/v1/messages/:message_id', true, (_req, p) => {
      store.deleteMessage(p['message_id']!);
      return ok({});
    });

    this.route('POST', '/open-apis/im/v1/messages/:message_id/reply', true, (req, p) =>
      ok(shape(store.replyMessage(p['message_id']!, req.body))),
    );

    this.route('POST', '/open-apis/im/v1/images', true, (req) => {
      const b = isObject(req.body) ? req.body : {};
      const img = store.addImage(b['image_type'], req.files.get('image'));
      return ok({ image_key: img.imageKey });
    });

    this.route('POST', '/open-apis/im/v1/files', true, (req) => {
      const b = isObject(req.body) ? req.body : {};
      const f = store.addFile(b['file_type'], b['file_name'], req.files.get('file'));
      return ok({ file_key: f.fileKey });
    });

    this.route('POST', '/open-apis/interactive/v1/card/update', true, (req) => {
      store.delayedUpdate(req.body);
      return { status: 200, body: { code: 0, msg: 'success' } };
    });
  }

  // ---- request handling --------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = this.deps.now();
    const parsed = await this.parse(req);
    const fault = this.stopping ? undefined : this.deps.takeFault({ method: parsed.method, path: parsed.path, query: parsed.query });
    if (fault?.kind === 'hang') return; // never answered; the connection is cut when the emulator stops
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    const reply = fault ? { status: fault.status ?? 500, body: { code: 1, msg: 'emulated server error' } } : await this.dispatch(parsed);
    const logId = randomBytes(12).toString('hex');
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-tt-logid': logId,
      ...(reply.headers ?? {}),
    });
    res.end(JSON.stringify(reply.body));
    this.deps.onCall({
      method: parsed.method,
      path: parsed.path,
      query: parsed.query,
      headers: parsed.headers,
      body: parsed.body instanceof BadBody ? parsed.rawBody.toString('utf8') : parsed.body,
      at,
      status: reply.status,
      response: reply.body,
    });
  }

  private async dispatch(req: ParsedRequest): Promise<Reply> {
    if (this.stopping) return { status: 503, body: { code: 1, msg: 'feishu emulator is stopping' } };
    if (req.body instanceof BadBody) return { status: 400, body: { code: 9499, msg: `Bad Request: ${req.body.reason}` } };

    let route: Route | undefined;
    let params: Record<string, string> = {};
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.regex.exec(req.path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== req.method) continue;
      route = r;
      params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1] ?? '')]));
      break;
    }
    if (!route) {
      return pathMatched
        ? { status: 405, body: { code: 405, msg: `method ${req.method} not allowed on ${req.path}` } }
        : { status: 404, body: { code: 404, msg: `404 page not found (feishu emulator has no ${req.method} ${req.path})` } };
    }

    const limited = this.deps.takeRateLimit({ method: req.method, path: req.path, query: req.query });
    if (limited) {
      return {
        status: limited.httpStatus ?? 429,
        body: { code: 99991400, msg: 'request trigger frequency limit' },
        headers: {
          'x-ogw-ratelimit-limit': '50',
          'x-ogw-ratelimit-reset': String(limited.resetSeconds ?? 1),
        },
      };
    }

    if (route.auth) {
      const auth = req.headers['authorization'];
      const m = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
      if (!m) {
        return {
          status: 400,
          body: { code: 99991661, msg: 'Missing access token for authorization. Please make a request with token attached.' },
        };
      }
      if (!this.deps.store.isValidToken(m[1]!)) {
        return {
          status: 400,
          body: { code: 99991663, msg: 'Invalid access token for authorization (invalid tenant access token).' },
        };
      }
    }

    try {
      return await route.handler(req, params);
    } catch (err) {
      if (err instanceof ApiError) {
        return { status: err.httpStatus, body: { code: err.code, msg: err.message, ...err.extra } };
      }
      throw err;
    }
  }

  private async parse(req: http.IncomingMessage): Promise<ParsedRequest> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const files = new Map<string, { filename: string; contentType: string; bytes: Buffer }>();
    const ct = headers['content-type'] ?? '';
    let body: unknown;
    if (rawBody.length === 0) {
      body = undefined;
    } else if (ct.startsWith('multipart/form-data')) {
      try {
        const fields: JsonObject = {};
        for (const part of parseMultipart(rawBody, ct)) {
          // A part counts as a file when it has a filename or a non-text content type: the SDK sends a
          // Buffer as a part without filename but with `Content-Type: application/octet-stream`.
          const isFile = part.filename !== undefined || (part.contentType !== undefined && !part.contentType.startsWith('text/'));
          if (isFile) {
            const f = {
              filename: part.filename ?? '',
              contentType: part.contentType ?? 'application/octet-stream',
              bytes: part.data,
            };
            files.set(part.name, f);
            fields[part.name] = { filename: f.filename, contentType: f.contentType, size: f.bytes.length };
          } else {
            fields[part.name] = part.data.toString('utf8');
          }
        }
        body = fields;
      } catch (err) {
        body = new BadBody(`invalid multipart body: ${(err as Error).message}`);
      }
    } else {
      const text = rawBody.toString('utf8');
      try {
        body = JSON.parse(text);
      } catch {
        body = ct.includes('json') ? new BadBody('invalid JSON body') : text;
      }
    }
    return { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query, headers, rawBody, body, files };
  }
}

class BadBody {
  constructor(readonly reason: string) {}
  toJSON(): string {
    return `<unparseable body: ${this.reason}>`;
  }
}

interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Minimal multipart/form-data parser that keeps file bytes intact. */
export function parseMultipart(raw: Buffer, contentType: string): MultipartPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2]?.trim();
  if (!boundary) throw new Error('missing boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = raw.indexOf(delimiter);
  if (pos < 0) throw new Error('boundary not found');
  for (;;) {
    pos += delimiter.length;
    if (raw.subarray(pos, pos + 2).toString() === '--') break; // closing delimiter
    if (raw.subarray(pos, pos + 2).toString() === '\r\n') pos += 2;
    const next = raw.indexOf(delimiter, pos);
    if (next < 0) throw new Error('unterminated part');
    let end = next;
    if (raw[end - 2] === 0x0d && raw[end - 1] === 0x0a) end -= 2;
    const chunk = raw.subarray(pos, end);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd < 0) throw new Error('part without headers');
    const headers: Record<string, string> = {};
    for (const line of chunk.subarray(0, headerEnd).toString('utf8').split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const disposition = headers['content-disposition'] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new Error('part without name');
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const part: MultipartPart = { name, data: Buffer.from(chunk.subarray(headerEnd + 4)) };
    if (filename !== undefined) part.filename = filename;
    if (headers['content-type'] !== undefined) part.contentType = headers['content-type'];
    parts.push(part);
    pos = next;
  }
  return parts;
}
