/**
 * Every public endpoint answers every request (issue 13, fault 6): 4xx for anything malformed, oversized,
 * unsigned or unexpected, never a 500 and never a connection reset without an answer. The bot runs with
 * all three HTTP entry points (Telegram webhook, Feishu HTTP callbacks, WeChat official account) against
 * the emulators, and each endpoint gets the cases the issue names plus a seeded fuzz run.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startHarness, ENCRYPT_KEY, VERIFICATION_TOKEN, type Harness } from '../support/harness.ts';
import { WechatEmulator } from '../../src/sandbox/emulators/wechat/index.ts';
import { WECHAT_OA_PATH } from '../../adapters/wechat/official-account.ts';
import { FEISHU_CALLBACK_PATH } from '../../src/bootstrap.ts';
import { OA_APP_ID, OA_APP_SECRET, OA_TOKEN } from '../support/wechat.ts';
import { wechatSign } from '../../src/sandbox/emulators/wechat/index.ts';

const SECRET = 'hook-secret-42';

interface Answer {
  status: number;
  text: string;
}

/** One request on a fresh connection; resolves with the answer, rejects on a reset or a timeout without one. */
function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean } = {}): Promise<Answer> {
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: opts.method ?? 'POST',
      agent: false,
      headers: { connection: 'close', ...(body && !opts.chunked ? { 'content-length': String(body.length) } : {}), ...rawHeaders(opts.headers ?? {}) },
      timeout: 20_000,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 20 s')));
    req.on('error', reject);
    if (body && opts.chunked) {
      // write in pieces, as a slow or streaming client does
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}

/** Header values as the bytes a client puts on the wire: UTF-8 (what a non-ASCII signature becomes), no control characters. */
function rawHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v.replace(/[\u0000-\u001f\u007f]/g, ''), 'utf8').toString('latin1')]));
}

/** A small seeded generator, so a failing fuzz case can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]! };
}

const WEIRD_STRINGS = ['签名', 'é', '\u0000', '🙂🙂🙂', 'a'.repeat(5000), '%ff%fe', '../../etc/passwd', '<xml>', '{"a":', 'null', '-1', '1e309', ' ', '\r\n'];

function fuzzBodies(rand: ReturnType<typeof prng>): Buffer[] {
  const bodies: Buffer[] = [];
  for (let i = 0; i < 12; i++) {
    const n = rand.int(2000);
    const b = Buffer.alloc(n);
    for (let j = 0; j < n; j++) b[j] = rand.int(256);
    bodies.push(b);
  }
  const values: unknown[] = [null, 0, -1, 1.5, true, 'text', [], [1, 2], {}, { update_id: 'x' }, { update_id: 1, message: null }, { update_id: 2, message: { text: 5 } }, { encrypt: 5 }, { encrypt: null }, { encrypt: ['a'] }, { type: 'url_verification' }, { schema: '2.0', header: null }, { header: { event_type: 'card.action.trigger' }, event: 'x' }];
  for (const v of values) bodies.push(Buffer.from(JSON.stringify(v)));
  bodies.push(Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)));
  bodies.push(Buffer.from('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)));
  bodies.push(Buffer.from('<xml>' + '<a>'.repeat(20_000) + '</a>'.repeat(20_000) + '</xml>'));
  bodies.push(Buffer.from(`<xml><MsgType>${rand.pick(WEIRD_STRINGS)}</MsgType></xml>`));
  for (const s of WEIRD_STRINGS) bodies.push(Buffer.from(s));
  return bodies;
}

describe('every public endpoint answers every request', () => {
  let h: Harness;
  let wechat: WechatEmulator;
  let base: string;

  beforeAll(async () => {
    wechat = new WechatEmulator({ appId: OA_APP_ID, appSecret: OA_APP_SECRET, token: OA_TOKEN });
    await wechat.start();
    const port = await freePort();
    h = await startHarness({
      env: {
        PORT: String(port),
        TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        FEISHU_EVENT_MODE: 'http',
        FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
        FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
        WECHAT_OA_APP_ID: OA_APP_ID,
        WECHAT_OA_APP_SECRET: OA_APP_SECRET,
        WECHAT_OA_TOKEN: OA_TOKEN,
        WECHAT_API_BASE: wechat.apiBase,
      },
    });
    base = `http://127.0.0.1:${h.bot.port}`;
    wechat.botUrl = `${base}${WECHAT_OA_PATH}`;
  });
  afterAll(async () => {
    await h?.stop();
    await wechat?.stop();
  });

  const alive = async () => expect((await request(`${base}/healthz`, { method: 'GET' })).status).toBe(200);

  it('a 10 MB body to /feishu/callback gets a 413, written before the connection closes', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    const answer = await request(`${base}${FEISHU_CALLBACK_PATH}`, { headers: { 'content-type': 'application/json' }, body: big });
    expect(answer.status).toBe(413);
    const streamed = await request(`${base}${FEISHU_CALLBACK_PATH}`, { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: big, chunked: true });
    expect(streamed.status).toBe(413);
    await alive();
  });

  it('10 MB bodies to the Telegram webhook and the WeChat push URL get a 413 too', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x61);
    expect((await request(`${base}/telegram/hook`, { headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: big })).status).toBe(413);
    const push = wechat.buildPush({ ToUserName: 'gh_x', FromUserName: 'o_big', CreateTime: 1, MsgType: 'text', Content: 'x', MsgId: '1' });
    expect((await request(push.url, { headers: { 'content-type': 'text/xml' }, body: big, chunked: true })).status).toBe(413);
    await alive();
  });

  it('the Telegram webhook: garbage JSON with the right secret is a 4xx; null and a message without chat are acknowledged', async () => {
    const hook = `${base}/telegram/hook`;
    const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET };
    const garbage = await request(hook, { headers, body: '{not json' });
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(garbage.status).toBeLessThan(500);
    expect((await request(hook, { headers, body: 'null' })).status).toBe(200);
    const noChat = { update_id: 424242, message: { message_id: 1, date: 0, from: { id: 5, is_bot: false, first_name: 'X' }, text: 'hello' } };
    expect((await request(hook, { headers, body: JSON.stringify(noChat) })).status).toBe(200);
    const wrongTypes = { update_id: 424243, message: { message_id: 'x', date: 'y', chat: { id: 'not-a-number', type: 5 }, text: { deep: [] } } };
    expect((await request(hook, { headers, body: JSON.stringify(wrongTypes) })).status).toBe(200);
    expect((await request(hook, { headers: { ...headers, 'x-telegram-bot-api-secret-token': '签名' }, body: '{}' })).status).toBe(401);
    await alive();
  });

  it('a WeChat push whose signature holds non-ASCII characters gets a 4xx', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const good = wechatSign([OA_TOKEN, ts, '123']);
    // same length in characters as a real signature, more bytes
    const forged = `${good.slice(0, 38)}签名`;
    for (const signature of [forged, '签'.repeat(40), 'é'.repeat(40)]) {
      const url = `${base}${WECHAT_OA_PATH}?signature=${encodeURIComponent(signature)}&timestamp=${ts}&nonce=123`;
      const post = await request(url, { headers: { 'content-type': 'text/xml' }, body: '<xml><MsgType>text</MsgType></xml>' });
      expect(post.status).toBeGreaterThanOrEqual(400);
      expect(post.status).toBeLessThan(500);
      const get = await request(`${url}&echostr=abc`, { method: 'GET' });
      expect(get.status).toBeGreaterThanOrEqual(400);
      expect(get.status).toBeLessThan(500);
    }
    await alive();
  });

  it('fuzz: random bytes, wrong types, nested and huge bodies, odd headers and methods: always an answer below 500', async () => {
    const rand = prng(13);
    const ts = () => String(Math.floor(Date.now() / 1000));
    const targets: { name: string; url: () => string; headers: () => Record<string, string> }[] = [
      { name: 'telegram (signed)', url: () => `${base}/telegram/hook`, headers: () => ({ 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }) },
      { name: 'telegram (unsigned)', url: () => `${base}/telegram/hook`, headers: () => ({ 'content-type': rand.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']) }) },
      { name: 'feishu (odd headers)', url: () => `${base}${FEISHU_CALLBACK_PATH}`, headers: () => ({ 'content-type': 'application/json', 'x-lark-request-timestamp': rand.pick([ts(), '签名', '-1', '99999999999999999999']), 'x-lark-request-nonce': rand.pick(WEIRD_STRINGS.slice(0, 6)), 'x-lark-signature': rand.pick(['签名'.repeat(32), 'a'.repeat(64), 'é']) }) },
      { name: 'feishu (unsigned)', url: () => `${base}${FEISHU_CALLBACK_PATH}`, headers: () => ({ 'content-type': 'application/json' }) },
      {
        name: 'wechat (signed)',
        url: () => {
          const t = ts();
          const nonce = String(rand.int(1e9));
          return `${base}${WECHAT_OA_PATH}?signature=${wechatSign([OA_TOKEN, t, nonce])}&timestamp=${t}&nonce=${nonce}`;
        },
        headers: () => ({ 'content-type': 'text/xml' }),
      },
      { name: 'wechat (odd query)', url: () => `${base}${WECHAT_OA_PATH}?signature=${encodeURIComponent(rand.pick(WEIRD_STRINGS))}&timestamp=${encodeURIComponent(rand.pick(WEIRD_STRINGS))}&nonce=${encodeURIComponent(rand.pick(WEIRD_STRINGS))}&msg_signature=%E7%AD%BE`, headers: () => ({ 'content-type': 'text/xml' }) },
      { name: 'healthz', url: () => `${base}/healthz`, headers: () => ({}) },
      { name: 'unknown path', url: () => `${base}/${encodeURIComponent(rand.pick(WEIRD_STRINGS))}`, headers: () => ({}) },
    ];
    const failures: string[] = [];
    for (const target of targets) {
      const bodies = fuzzBodies(rand);
      for (const [i, body] of bodies.entries()) {
        const method = i % 9 === 8 ? rand.pick(['PUT', 'DELETE', 'PATCH', 'GET']) : 'POST';
        try {
          const answer = await request(target.url(), { method, headers: target.headers(), body: method === 'GET' ? undefined : body });
          if (answer.status >= 500 || answer.status < 200) failures.push(`${target.name} #${i} ${method}: ${answer.status} ${answer.text.slice(0, 80)}`);
        } catch (error) {
          failures.push(`${target.name} #${i} ${method}: no answer (${(error as Error).message})`);
        }
      }
    }
    expect(failures).toEqual([]);
    await alive();
  }, 120_000);

  it('a client that sends headers and then nothing gets an answer, and others are served meanwhile', async () => {
    const slow = request(`${base}${FEISHU_CALLBACK_PATH}`, { headers: { 'content-type': 'application/json', 'content-length': '100' } });
    await alive();
    const answer = await slow;
    expect(answer.status).toBe(408);
  }, 30_000);
});
