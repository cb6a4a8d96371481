import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeishuCallbackError, FeishuEmulator, decryptPayload, randomChatId, randomOpenId } from '../../../src/sandbox/emulators/feishu/index.ts';

const APP_ID = 'cli_a1b2c3d4e5f60718';
const APP_SECRET = 'secret-for-tests';
const ENCRYPT_KEY = 'encrypt-key-for-tests';
const VERIFICATION_TOKEN = 'verification-token-for-tests';

// The SDK logs through this (note: LoggerLevel.fatal is 0, which the SDK treats as "unset" → info).
const noop = (): void => undefined;
const QUIET = {
  loggerLevel: lark.LoggerLevel.error,
  logger: { error: noop, warn: noop, info: noop, debug: noop, trace: noop },
};

// A 1x1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function card2(title: string, buttonValue: Record<string, unknown> = { action: 'ack' }) {
  return {
    schema: '2.0',
    config: { update_multi: true },
    header: { title: { tag: 'plain_text', content: title }, template: 'blue' },
    body: {
      elements: [
        { tag: 'markdown', content: `**${title}**` },
        {
          tag: 'button',
          text: { tag: 'plain_text', content: 'OK' },
          behaviors: [{ type: 'callback', value: buttonValue }],
        },
      ],
    },
  };
}

/** Minimal shape of what the SDK hands a `card.action.trigger` handler (header and event flattened). */
interface CardTriggerData {
  event_type: string;
  token: string;
  operator: { open_id: string; user_id?: string; tenant_key: string };
  action: { value: Record<string, unknown>; tag: string; form_value?: Record<string, unknown>; name?: string };
  context: { open_message_id: string; open_chat_id: string };
}

/** What we read from the AxiosError the SDK throws for HTTP 4xx (axios is not our direct dependency). */
interface HttpError {
  name: string;
  isAxiosError: boolean;
  response?: { status: number; data: { code: number; msg: string }; headers: Record<string, string> };
}

function axiosErr(e: unknown): HttpError {
  expect(e).toMatchObject({ name: 'AxiosError', isAxiosError: true });
  return e as HttpError;
}

describe('FeishuEmulator', () => {
  let emu: FeishuEmulator;
  let client: lark.Client;
  const cleanups: Array<() => unknown> = [];

  beforeEach(async () => {
    emu = new FeishuEmulator({
      appId: APP_ID,
      appSecret: APP_SECRET,
      encryptKey: ENCRYPT_KEY,
      verificationToken: VERIFICATION_TOKEN,
    });
    await emu.start();
    client = new lark.Client({
      appId: APP_ID,
      appSecret: APP_SECRET,
      domain: emu.domain,
      cache: new lark.DefaultCache(),
      ...QUIET,
    });
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await emu.stop();
  });

  it('serves token, card send, patch, thread reply and image upload to the real SDK', async () => {
    const chatId = randomChatId();
    const sent = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card2('New complaint')), uuid: 'u-1' },
    });
    expect(sent.code).toBe(0);
    const messageId = sent.data!.message_id!;
    expect(messageId).toMatch(/^om_/);
    expect(sent.data!.chat_id).toBe(chatId);
    expect(sent.data!.msg_type).toBe('interactive');

    // token was fetched once and used as Bearer
    const tokenCall = await emu.waitForCall({ method: 'POST', path: '/open-apis/auth/v3/tenant_access_token/internal' });
    expect(tokenCall.body).toEqual({ app_id: APP_ID, app_secret: APP_SECRET });
    const token = (tokenCall.response as { tenant_access_token: string }).tenant_access_token;
    const sendCall = await emu.waitForCall((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages');
    expect(sendCall.headers['authorization']).toBe(`Bearer ${token}`);
    expect(sendCall.query).toEqual({ receive_id_type: 'chat_id' });

    // same uuid -> same message
    const again = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card2('dup')), uuid: 'u-1' },
    });
    expect(again.data!.message_id).toBe(messageId);
    expect(emu.messagesIn(chatId)).toHaveLength(1);

    // patch
    const patched = await client.im.message.patch({
      path: { message_id: messageId },
      data: { content: JSON.stringify(card2('Complaint #1 — in progress')) },
    });
    expect(patched.code).toBe(0);
    const stored = emu.message(messageId);
    expect((stored.card!['header'] as { title: { content: string } }).title.content).toBe('Complaint #1 — in progress');
    expect(stored.history.map((h) => h.via)).toEqual(['create', 'patch']);

    // reply in thread
    const reply = await client.im.message.reply({
      path: { message_id: messageId },
      data: { msg_type: 'text', content: JSON.stringify({ text: 'assigned to Alice' }), reply_in_thread: true },
    });
    expect(reply.data!.root_id).toBe(messageId);
    expect(reply.data!.parent_id).toBe(messageId);
    expect(reply.data!.thread_id).toMatch(/^omt_/);
    const thread = emu.threadOf(messageId);
    expect(thread.map((m) => m.text)).toEqual(['assigned to Alice']);
    expect(emu.messagesIn(chatId)).toHaveLength(1); // thread replies stay out of the main chat
    expect(emu.messagesIn(chatId, { includeThreadReplies: true })).toHaveLength(2);
    expect(emu.message(messageId).threadId).toBe(reply.data!.thread_id);

    // image upload, then send it
    const img = await client.im.image.create({ data: { image_type: 'message', image: PNG } });
    const imageKey = img!.image_key!;
    expect(imageKey).toMatch(/^img_/);
    expect(emu.image(imageKey)!.bytes.equals(PNG)).toBe(true);
    const toUser = randomOpenId();
    const imgMsg = await client.im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: toUser, msg_type: 'image', content: JSON.stringify({ image_key: imageKey }) },
    });
    expect(imgMsg.data!.chat_id).toBe(emu.p2pChatOf(toUser));

    // Feishu-style errors come back as AxiosErrors with the body
    const err = await client.im.message
      .patch({ path: { message_id: 'om_doesnotexist' }, data: { content: JSON.stringify(card2('x')) } })
      .catch((e: unknown) => e);
    expect(axiosErr(err).response?.status).toBe(400);
    expect(axiosErr(err).response?.data.code).toBe(230001);
  });

  it('injects 429 rate limits and rejects revoked tokens', async () => {
    const chatId = randomChatId();
    const send = () =>
      client.im.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: 'hi' }) },
      });
    emu.rateLimitNext('/open-apis/im/v1/messages', 1);
    const err = axiosErr(await send().catch((e: unknown) => e));
    expect(err.response?.status).toBe(429);
    expect(err.response?.data.code).toBe(99991400);
    expect(err.response?.headers['x-ogw-ratelimit-reset']).toBe('1');
    expect((await send()).code).toBe(0); // only the next one was limited
    expect(emu.callsTo({ path: '/open-apis/im/v1/messages', status: 429 })).toHaveLength(1);

    emu.revokeTokens();
    const err2 = axiosErr(await send().catch((e: unknown) => e));
    expect(err2.response?.status).toBe(400);
    expect(err2.response?.data.code).toBe(99991663);

    const missing = await emu.postRaw(`${emu.domain}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(JSON.parse(missing.text).code).toBe(99991661);

    await expect(emu.waitForCall({ path: '/open-apis/im/v1/nothing' }, 50)).rejects.toThrow(/Recent calls/);
  });

  it('delivers card callbacks over the long connection to a real WSClient', async () => {
    const seen: CardTriggerData[] = [];
    const dispatcher = new lark.EventDispatcher({ ...QUIET }).register({
      'card.action.trigger': async (data: CardTriggerData) => {
        seen.push(data);
        return {
          toast: { type: 'success', content: 'ok' },
          card: { type: 'raw', data: card2(`Closed by ${data.operator.open_id}`, { action: 'reopen' }) },
        };
      },
    });
    const ws = new lark.WSClient({ appId: APP_ID, appSecret: APP_SECRET, domain: emu.domain, ...QUIET });
    cleanups.push(() => ws.close({ force: true }));
    await ws.start({ eventDispatcher: dispatcher });
    await emu.waitForWsClient();
    expect(emu.callsTo({ path: '/callback/ws/endpoint' })).toHaveLength(1);

    const chatId = randomChatId();
    const sent = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card2('Complaint #7', { action: 'close', id: 7 })) },
    });
    const messageId = sent.data!.message_id!;
    const operator = { open_id: randomOpenId(), user_id: 'u_42' };

    const answer = await emu.clickButton({
      messageId,
      operator,
      value: { action: 'close', id: 7 },
      formValue: { reason: 'resolved' },
    });
    expect(answer).toEqual({
      toast: { type: 'success', content: 'ok' },
      card: { type: 'raw', data: card2(`Closed by ${operator.open_id}`, { action: 'reopen' }) },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.event_type).toBe('card.action.trigger');
    expect(seen[0]!.action.value).toEqual({ action: 'close', id: 7 });
    expect(seen[0]!.action.form_value).toEqual({ reason: 'resolved' });
    expect(seen[0]!.operator).toMatchObject({ open_id: operator.open_id, user_id: 'u_42' });
    expect(seen[0]!.context).toEqual({ open_message_id: messageId, open_chat_id: chatId });
    expect(seen[0]!.token).toMatch(/^c-/);

    // the card was replaced in place
    const stored = emu.message(messageId);
    expect(stored.card).toEqual(card2(`Closed by ${operator.open_id}`, { action: 'reopen' }));
    expect(stored.history.map((h) => h.via)).toEqual(['create', 'callback']);
    expect(emu.cardCallbacks).toHaveLength(1);

    // delayed update with the callback token (no SDK wrapper: client.request)
    const upd = await client.request<{ code: number }>({
      method: 'POST',
      url: '/open-apis/interactive/v1/card/update',
      data: { token: seen[0]!.token, card: card2('Delayed') },
    });
    expect(upd.code).toBe(0);
    expect(emu.message(messageId).history.at(-1)!.via).toBe('delayed_update');
  });

  it('hands each long-connection event to exactly one of several clients and reports handler failures', async () => {
    const hits: string[] = [];
    const clients = ['a', 'b'].map((name) => {
      const d = new lark.EventDispatcher({ ...QUIET }).register({
        'card.action.trigger': async (data: CardTriggerData) => {
          hits.push(name);
          if (data.action.value['fail']) throw new Error('boom');
          return { toast: { type: 'info', content: name } };
        },
      });
      const ws = new lark.WSClient({ appId: APP_ID, appSecret: APP_SECRET, domain: emu.domain, ...QUIET });
      cleanups.push(() => ws.close({ force: true }));
      return { ws, d };
    });
    for (const c of clients) await c.ws.start({ eventDispatcher: c.d });
    await emu.waitForWsClient(5000, 2);
    expect(emu.wsClients.filter((c) => c.ready)).toHaveLength(2);

    const sent = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: randomChatId(), msg_type: 'interactive', content: JSON.stringify(card2('x')) },
    });
    const messageId = sent.data!.message_id!;
    const operator = { open_id: randomOpenId() };
    const a1 = await emu.clickButton({ messageId, operator, value: { n: 1 } });
    const a2 = await emu.clickButton({ messageId, operator, value: { n: 2 } });
    expect(hits.sort()).toEqual(['a', 'b']);
    expect([a1.toast!.content, a2.toast!.content].sort()).toEqual(['a', 'b']);
    expect(emu.message(messageId).history).toHaveLength(1); // toast only: card untouched

    await expect(emu.clickButton({ messageId, operator, value: { fail: true } })).rejects.toBeInstanceOf(FeishuCallbackError);
  });

  it('POSTs encrypted, signed card callbacks that the SDK adapter verifies', async () => {
    const seen: CardTriggerData[] = [];
    const dispatcher = new lark.EventDispatcher({
      encryptKey: ENCRYPT_KEY,
      verificationToken: VERIFICATION_TOKEN,
      ...QUIET,
    }).register({
      'card.action.trigger': async (data: CardTriggerData) => {
        seen.push(data);
        return { toast: { type: 'success', content: 'via http' }, card: { type: 'raw', data: card2('Done') } };
      },
    });
    const adapter = lark.adaptDefault('/cb', dispatcher);
    const app = http.createServer((req, res) => {
      adapter(req, res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          app.closeAllConnections();
          app.close(() => r());
        }),
    );
    const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/cb`;
    emu.setCallbackUrl(url);

    const sent = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: randomChatId(), msg_type: 'interactive', content: JSON.stringify(card2('Complaint #9')) },
    });
    const messageId = sent.data!.message_id!;
    const operator = { open_id: randomOpenId() };

    const answer = await emu.clickButton({ messageId, operator, value: { action: 'done' }, via: 'http' });
    expect(answer.toast).toEqual({ type: 'success', content: 'via http' });
    expect(emu.message(messageId).card).toEqual(card2('Done'));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.action.value).toEqual({ action: 'done' });

    // the raw request is really encrypted and signed
    const event = emu.buildCardActionEvent({ messageId, operator, value: { action: 'raw' } });
    const signed = emu.buildSignedCallback(event);
    expect(signed.headers['x-lark-signature']).toMatch(/^[0-9a-f]{64}$/);
    const { encrypt } = JSON.parse(signed.body) as { encrypt: string };
    expect(JSON.parse(decryptPayload(encrypt, ENCRYPT_KEY))).toEqual(event);
    const ok = await emu.postRaw(url, signed);
    expect(JSON.parse(ok.text)).toMatchObject({ toast: { content: 'via http' } });
    expect(seen).toHaveLength(2);

    // forged with another key: the SDK refuses (answers an empty body) and the handler never runs
    const forged = emu.buildSignedCallback(event, { encryptKey: 'not-the-key' });
    const res = await emu.postRaw(url, forged);
    expect(res.text).toBe('');
    expect(seen).toHaveLength(2);

    // tampered signature
    const tampered = emu.buildSignedCallback(event, { timestamp: '1700000000', nonce: 'n' });
    tampered.headers['x-lark-request-nonce'] = 'other';
    expect((await emu.postRaw(url, tampered)).text).toBe('');
    expect(seen).toHaveLength(2);
  });

  it('reassembles fragmented frames, survives a dropped connection, and stops an unclosed WSClient', async () => {
    const small = new FeishuEmulator({ appId: APP_ID, appSecret: APP_SECRET, wsMaxFramePayload: 64 });
    cleanups.push(() => small.stop());
    await small.start();
    const c = new lark.Client({ appId: APP_ID, appSecret: APP_SECRET, domain: small.domain, cache: new lark.DefaultCache(), ...QUIET });
    const d = new lark.EventDispatcher({ ...QUIET }).register({
      'card.action.trigger': async (data: CardTriggerData) => ({ toast: { type: 'info', content: String(data.action.value['n']) } }),
    });
    let gaveUp!: () => void;
    const gaveUpP = new Promise<void>((r) => (gaveUp = r));
    // deliberately never closed: stop() must make it give up on its own
    const ws = new lark.WSClient({ appId: APP_ID, appSecret: APP_SECRET, domain: small.domain, ...QUIET, onError: () => gaveUp() });
    await ws.start({ eventDispatcher: d });
    await small.waitForWsClient();
    const sent = await c.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: randomChatId(), msg_type: 'interactive', content: JSON.stringify(card2('fragments')) },
    });
    const messageId = sent.data!.message_id!;
    const operator = { open_id: randomOpenId() };
    const answer = await small.clickButton({ messageId, operator, value: { n: 1, padding: 'x'.repeat(500) } });
    expect(answer.toast!.content).toBe('1');

    await small.dropConnections();
    await small.waitForWsClient(5000); // the SDK reconnects (ReconnectNonce 1 s)
    expect(small.callsTo({ path: '/callback/ws/endpoint' }).length).toBeGreaterThanOrEqual(2);
    expect((await small.clickButton({ messageId, operator, value: { n: 2 } })).toast!.content).toBe('2');

    await small.stop();
    await gaveUpP; // one failed reconnect attempt, then onError: nothing keeps the process alive
  });
});
