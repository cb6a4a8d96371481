/**
 * Per-chat order for inbound events on the platforms without grammY's runner (issue 13): a customer who
 * writes three times while the first message is still being handled is handled 1, 2, 3; another customer
 * (or another Feishu group, another complaint's card) is not held behind; after a crash the pushes kept in
 * the WeChat inbox are handed out in the order they were sent. Real transports (the official-account
 * adapter over HTTP, the SDK's long connection, the HTTP callback handler) against the emulators.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KeyedQueue, QueueClosed } from '../../src/app/shared/keyed-queue.ts';
import { testDatabases } from '../support/databases.ts';
import { OA_APP_ID, OA_APP_SECRET, OA_TOKEN } from '../support/wechat.ts';
import { APP_ID, APP_SECRET, ENCRYPT_KEY, VERIFICATION_TOKEN } from '../support/harness.ts';
import { WechatEmulator } from '../../src/sandbox/emulators/wechat/index.ts';
import { FeishuEmulator } from '../../src/sandbox/emulators/feishu/index.ts';
import { OfficialAccountTransport, WECHAT_OA_PATH, type KeptPush } from '../../adapters/wechat/official-account.ts';
import { OfficialAccountApi } from '../../adapters/wechat/oa-api.ts';
import { FeishuLongConnection } from '../../adapters/feishu/long-connection.ts';
import { createFeishuHttpHandler } from '../../adapters/feishu/http-callbacks.ts';
import { createCardActionHandler } from '../../adapters/feishu/card-action.ts';
import { cardValue } from '../../cards/actions.ts';
import { ApiTokenStore } from '../../src/store/api-token-store.ts';
import { PushInbox } from '../../src/store/push-inbox.ts';
import { rememberSignedRequest } from '../../src/app/shared/remember-signed-request.ts';
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';
import type { Database } from '../../src/store/database.ts';
import { startHttpServer } from '../../src/http/server.ts';
import { WechatyTransport } from '../../adapters/wechat/wechaty-transport.ts';
import type { PuppetMock } from 'wechaty-puppet-mock';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/logger.ts';

const log = createLogger('silent');
const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));

/** A handler whose calls are recorded as they start and finish; a call can be held until released. */
function recorder<T>(label: (item: T) => string) {
  const started: string[] = [];
  const finished: string[] = [];
  const gates = new Map<string, () => void>();
  const held = new Set<string>();
  return {
    started,
    finished,
    hold: (name: string) => held.add(name),
    release: (name: string) => gates.get(name)?.(),
    handle: async (item: T) => {
      const name = label(item);
      started.push(name);
      if (held.has(name)) await new Promise<void>((resolve) => gates.set(name, resolve));
      await tick(5);
      finished.push(name);
    },
  };
}

describe('KeyedQueue', () => {
  it('runs one key in order (by explicit order among waiting tasks), other keys at once, within the limit, and drains on close', async () => {
    const q = new KeyedQueue({ concurrency: 2 });
    const log: string[] = [];
    let releaseA!: () => void;
    const a1 = q.run('a', () => new Promise<void>((r) => (releaseA = r)).then(() => void log.push('a1')), '1');
    const a3 = q.run('a', async () => void log.push('a3'), '3');
    const a2 = q.run('a', async () => void log.push('a2'), '2');
    const b = q.run('b', async () => void log.push('b'));
    const c = q.run('c', async () => void log.push('c'));
    await Promise.all([b, c]);
    expect(log).toEqual(['b', 'c']);
    const closed = q.close();
    await expect(q.run('d', async () => 1)).rejects.toBeInstanceOf(QueueClosed);
    releaseA();
    await Promise.all([a1, a2, a3, closed]);
    expect(log).toEqual(['b', 'c', 'a1', 'a2', 'a3']);
    expect(q.size).toBe(0);
  });

  it('a failing task rejects its own promise only; the key goes on', async () => {
    const q = new KeyedQueue();
    const failed = q.run('a', async () => {
      throw new Error('boom');
    });
    const next = q.run('a', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});

describe.each(testDatabases())('WeChat official account: one customer in order on $name', (kind) => {
  let server: Server;
  let wechat: WechatEmulator;
  let database: Database;
  let transport: OfficialAccountTransport | undefined;
  const make = (inbox?: PushInbox<KeptPush>) => {
    const api = new OfficialAccountApi({ appId: OA_APP_ID, appSecret: OA_APP_SECRET, apiBase: wechat.apiBase, tokens: new ApiTokenStore(database.prisma, kind.name === 'postgresql'), now: () => new Date(), log });
    transport = new OfficialAccountTransport({
      appId: OA_APP_ID,
      token: OA_TOKEN,
      api,
      checkNonce: (key, hash, at) => rememberSignedRequest(database.prisma, 'wechat-oa', key, hash, at),
      displayName: (id) => id,
      now: () => new Date(),
      log,
      ...(inbox ? { inbox } : {}),
    });
    return transport;
  };
  beforeAll(async () => {
    database = await kind.open();
    wechat = new WechatEmulator({ appId: OA_APP_ID, appSecret: OA_APP_SECRET, token: OA_TOKEN });
    await wechat.start();
    server = await startHttpServer({ port: 0, routes: { [WECHAT_OA_PATH]: async (req, res) => {
        if (transport) await transport.handle(req, res);
        else res.writeHead(503).end();
      } }, health: async () => ({ ok: true }), log });
    wechat.botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WECHAT_OA_PATH}`;
  });
  afterEach(async () => {
    await transport?.stop();
    transport = undefined;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await wechat?.stop();
    await database?.close();
  });

  it('three messages sent quickly while the first is slow are handled 1, 2, 3; another customer is not held behind', async () => {
    const r = recorder<CustomerInbound>((i) => `${i.userId === a.openId ? 'A' : 'B'}:${i.text}`);
    const a = wechat.user();
    const b = wechat.user();
    await make(new PushInbox<KeptPush>(database.prisma, 'wechat-oa')).start(r.handle);
    r.hold('A:1');
    expect((await a.say('1')).text).toBe('success');
    await vi.waitFor(() => expect(r.started).toEqual(['A:1']));
    // 3 is pushed before 2 (WeChat pushes concurrently): the MsgId puts them back in order.
    const base = BigInt(wechat.nextMsgId()) + 1000n;
    expect((await a.say('3', { msgId: String(base + 2n) })).text).toBe('success');
    expect((await a.say('2', { msgId: String(base + 1n) })).text).toBe('success');
    expect((await b.say('x')).text).toBe('success');
    await vi.waitFor(() => expect(r.finished).toContain('B:x'));
    await tick(100);
    expect(r.started).toEqual(['A:1', 'B:x']);
    r.release('A:1');
    await transport!.settled();
    expect(r.finished.filter((n) => n.startsWith('A'))).toEqual(['A:1', 'A:2', 'A:3']);
    expect(await database.prisma.inboxPush.count({ where: { platform: 'wechat-oa', handledAt: null } })).toBe(0);
  });

  it('pushes kept before a crash are handed out in the order sent (CreateTime, MsgId), one at a time per customer', async () => {
    const inbox = new PushInbox<KeptPush>(database.prisma, 'wechat-oa');
    const push = (user: string, text: string, createTime: number, msgId: number): KeptPush => ({
      platform: 'wechat',
      eventId: `m${msgId}`,
      userId: user,
      chatId: user,
      displayName: user,
      text,
      sentOrder: `${String(createTime).padStart(15, '0')}:${String(msgId).padStart(30, '0')}`,
    });
    const t0 = Date.now() - 5000;
    // received (kept) in another order than sent, as concurrent pushes may be
    await inbox.keep('m903', push('oC', '3', 1_700_000_001, 903), new Date(t0));
    await inbox.keep('m901', push('oC', '1', 1_700_000_000, 901), new Date(t0 + 1));
    await inbox.keep('m902', push('oC', '2', 1_700_000_001, 902), new Date(t0 + 2));
    await inbox.keep('m950', push('oD', 'y', 1_700_000_000, 950), new Date(t0 + 3));
    const r = recorder<CustomerInbound>((i) => `${i.userId}:${i.text}`);
    r.hold('oC:1');
    await make(inbox).start(r.handle);
    await vi.waitFor(() => expect(r.finished).toContain('oD:y'));
    expect(r.started.filter((n) => n.startsWith('oC'))).toEqual(['oC:1']);
    r.release('oC:1');
    await transport!.settled();
    expect(r.finished.filter((n) => n.startsWith('oC'))).toEqual(['oC:1', 'oC:2', 'oC:3']);
  });
  it('at start every kept push is handed out, not a first batch of 100 (the rest would come a minute later, after newer ones)', async () => {
    const inbox = new PushInbox<KeptPush>(database.prisma, 'wechat-oa');
    const t0 = Date.now() - 5000;
    for (let i = 0; i < 120; i++)
      await inbox.keep(`e${i}`, { platform: 'wechat', eventId: `e${i}`, userId: 'oE', chatId: 'oE', displayName: 'oE', text: String(i), sentOrder: `${String(1_700_000_000 + i).padStart(15, '0')}:` }, new Date(t0 + i));
    const r = recorder<CustomerInbound>((i) => i.text!);
    await make(inbox).start(r.handle);
    await transport!.settled();
    expect(r.finished).toEqual(Array.from({ length: 120 }, (_, i) => String(i)));
  });
});

describe('WeChat (Wechaty): one person in order', () => {
  it('three messages while the first is slow are handled 1, 2, 3; another person is not held behind; stop finishes them', async () => {
    const transport = new WechatyTransport({ puppet: 'wechaty-puppet-mock', sessionName: path.join(mkdtempSync(path.join(tmpdir(), 'cb-wechaty-')), 'wechaty'), log });
    const names = new Map<string, string>();
    const r = recorder<CustomerInbound>((i) => `${names.get(i.userId)}:${i.text}`);
    await transport.start(r.handle);
    await transport.started;
    const mocker = (transport.wechaty.puppet as PuppetMock).mocker;
    const loggedIn = new Promise((resolve) => transport.wechaty.once('login', resolve));
    const me = mocker.createContact({ name: 'bot' });
    mocker.login(me);
    await loggedIn;
    const a = mocker.createContact({ name: 'A' });
    const b = mocker.createContact({ name: 'B' });
    names.set(a.id, 'A').set(b.id, 'B');
    r.hold('A:1');
    a.say('1').to(me);
    await vi.waitFor(() => expect(r.started).toEqual(['A:1']));
    a.say('2').to(me);
    a.say('3').to(me);
    b.say('x').to(me);
    await vi.waitFor(() => expect(r.finished).toContain('B:x'));
    await tick(100);
    expect(r.started.filter((n) => n.startsWith('A'))).toEqual(['A:1']);
    const stopping = transport.stop();
    await tick(50);
    r.release('A:1');
    await stopping;
    expect(r.finished.filter((n) => n.startsWith('A'))).toEqual(['A:1', 'A:2', 'A:3']);
  });
});

describe('Feishu: one group in order, other groups and complaints not held behind', () => {
  let feishu: FeishuEmulator;
  let server: Server;
  let ws: FeishuLongConnection | undefined;
  const r = recorder<Record<string, unknown>>((e) => {
    const m = e.message as { chat_id: string; content: string };
    return `${m.chat_id}:${(JSON.parse(m.content) as { text: string }).text}`;
  });
  const message = (chatId: string, text: string) => ({
    sender: { sender_id: { open_id: 'ou_staff_1' }, sender_type: 'user' },
    message: { message_id: `om_${Math.random().toString(16).slice(2)}`, chat_id: chatId, chat_type: 'group', message_type: 'text', content: JSON.stringify({ text }) },
  });
  beforeAll(async () => {
    feishu = new FeishuEmulator({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, callbackTimeoutMs: 10_000 });
    await feishu.start();
    const onCardAction = async () => ({});
    server = await startHttpServer({
      port: 0,
      routes: { '/feishu/callback': createFeishuHttpHandler({ encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, rememberNonce: async () => true, onCardAction, onMessage: r.handle, log }) },
      health: async () => ({ ok: true }),
      log,
    });
    feishu.setCallbackUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/feishu/callback`);
    ws = new FeishuLongConnection({ appId: APP_ID, appSecret: APP_SECRET, domain: feishu.domain, onCardAction, onMessage: r.handle, log });
    await ws.start();
    await feishu.waitForWsClient();
  });
  afterAll(async () => {
    await ws?.stop();
    await new Promise((res) => server?.close(res));
    await feishu?.stop();
  });

  it.each(['ws', 'http'] as const)('a group’s messages over %s are handled in arrival order while the first is slow; another group goes ahead', async (via) => {
    const g = `oc_group_${via}`;
    const other = `oc_other_${via}`;
    r.hold(`${g}:1`);
    const first = feishu.pushEvent('im.message.receive_v1', message(g, '1'), { via, timeoutMs: 10_000 });
    await vi.waitFor(() => expect(r.started).toContain(`${g}:1`));
    const rest = [];
    for (const text of ['2', '3']) {
      rest.push(feishu.pushEvent('im.message.receive_v1', message(g, text), { via, timeoutMs: 10_000 }));
      await tick(30); // arrival order
    }
    expect((await feishu.pushEvent('im.message.receive_v1', message(other, 'x'), { via, timeoutMs: 10_000 })).status).toBe(200);
    expect(r.finished).toContain(`${other}:x`);
    expect(r.started.filter((n) => n.startsWith(g))).toEqual([`${g}:1`]);
    r.release(`${g}:1`);
    const answers = await Promise.all([first, ...rest]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(r.finished.filter((n) => n.startsWith(g))).toEqual([`${g}:1`, `${g}:2`, `${g}:3`]);
  });

  it('stop() finishes the messages taken before closing the connection', async () => {
    const g = 'oc_group_stop';
    r.hold(`${g}:1`);
    const answer = feishu.pushEvent('im.message.receive_v1', message(g, '1'), { via: 'ws', timeoutMs: 10_000 });
    await vi.waitFor(() => expect(r.started).toContain(`${g}:1`));
    const stopping = ws!.stop();
    await tick(50);
    expect(r.finished).not.toContain(`${g}:1`);
    r.release(`${g}:1`);
    await stopping;
    ws = undefined;
    expect(r.finished).toContain(`${g}:1`);
    expect((await answer).status).toBe(200);
  });

  it('clicks on one complaint are handled one at a time in arrival order; another complaint is not held behind', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const onCardAction = createCardActionHandler({
      handle: async (input) => {
        const name = `${input.complaintId}:${input.action.kind}`;
        started.push(name);
        if (name === '7:accept') await gate;
        finished.push(name);
        return { toast: { type: 'success', text: 'ok' } } as never;
      },
      renderCard: async () => null,
      refreshLater: async () => {},
      texts: { badRequest: 'bad', error: 'error', processing: 'processing' },
      log,
    });
    const click = (complaintId: number, action: 'accept' | 'resolve') =>
      onCardAction({ event_id: `e${Math.random()}`, operator: { open_id: 'ou_staff_1' }, action: { value: cardValue(action, complaintId) }, context: { open_message_id: `om_${complaintId}` } });
    const a = click(7, 'accept');
    await tick(20);
    const b = click(7, 'resolve');
    const c = click(8, 'accept');
    expect(await c).toMatchObject({ toast: { type: 'success' } });
    expect(started).toEqual(['7:accept', '8:accept']);
    release();
    await Promise.all([a, b]);
    expect(finished).toEqual(['8:accept', '7:accept', '7:resolve']);
  });
});
