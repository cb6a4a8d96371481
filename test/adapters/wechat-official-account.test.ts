/**
 * The official-account adapter inside the real bot (startBot), against the WeChat emulator: URL check,
 * signatures (good, forged, stale, replayed), safe mode, the 5-second acknowledgement, deduplication of
 * retried pushes, the access token's cache and refresh, and the 48-hour / 5-message window.
 * PGlite always; PostgreSQL too when TEST_DATABASE_URL is set.
 */
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresUrl, testDatabases } from '../support/databases.ts';
import { eventually, OA_AES_KEY, OA_APP_ID, OA_APP_SECRET, OA_TOKEN, startWechatHarness, type WechatHarness } from '../support/wechat.ts';
import { WechatEmulator, wechatSign, type EmulatedUser } from '../../src/sandbox/emulators/wechat/index.ts';
import { OfficialAccountTransport, WECHAT_OA_PATH } from '../../adapters/wechat/official-account.ts';
import { OfficialAccountApi } from '../../adapters/wechat/oa-api.ts';
import { ApiTokenStore } from '../../src/store/api-token-store.ts';
import { rememberSignedRequest } from '../../src/app/shared/remember-signed-request.ts';
import { enqueue, type CustomerNotice, type TextButton } from '../../src/app/shared/outbox.ts';
import { buttonForReply } from '../../src/app/customers/reply-buttons.ts';
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';
import type { Database } from '../../src/store/database.ts';
import { startHttpServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/logger.ts';
import { t } from '../../src/i18n/index.ts';

interface Kind {
  name: string;
  setup(): Promise<{ databaseUrl?: string; cleanup(): Promise<void> }>;
}
const kinds: Kind[] = [{ name: 'pglite', setup: async () => ({ cleanup: async () => {} }) }];
if (process.env.TEST_DATABASE_URL)
  kinds.push({
    name: 'postgresql',
    setup: async () => {
      const db = (await freshPostgresUrl())!;
      return { databaseUrl: db.url, cleanup: db.drop };
    },
  });

const LAST_NOTE = t('zh', 'wechat.lastMessage');

function harnessFor(kind: Kind, opts: Parameters<typeof startWechatHarness>[0] = {}) {
  const ref: { h: WechatHarness; cleanup: () => Promise<void> } = {} as never;
  beforeAll(async () => {
    const setup = await kind.setup();
    ref.cleanup = setup.cleanup;
    ref.h = await startWechatHarness({ ...opts, databaseUrl: setup.databaseUrl });
  });
  afterAll(async () => {
    await ref.h?.stop();
    await ref.cleanup?.();
  });
  return ref;
}

function helpers(ref: { h: WechatHarness }) {
  const db = () => ref.h.bot.ctx.db;
  const oa = () => ref.h.bot.wechat!.transport as OfficialAccountTransport;
  return {
    db,
    oa,
    rows: (openId: string) => db().outboxMessage.findMany({ where: { channel: 'wechat', target: openId }, orderBy: { id: 'asc' } }),
    /** Queues texts to a customer the way use cases do. */
    async send(openId: string, ...payloads: { text: string; buttons?: TextButton[][]; notice?: CustomerNotice }[]) {
      await db().$transaction(async (tx) => {
        for (const payload of payloads) await enqueue(tx, { channel: 'wechat', kind: 'text', target: openId, payload }, ref.h.clock.now());
      });
      ref.h.bot.ctx.outboxChanged();
    },
    /** A follower who has written once and been answered (one message of their window used). */
    async activeUser(): Promise<EmulatedUser> {
      const user = ref.h.wechat.user();
      expect(await user.say('你好')).toMatchObject({ status: 200, text: 'success' });
      await user.nextMessage();
      return user;
    },
    customSends: (text: string) =>
      ref.h.wechat.calls.filter((c) => c.path === '/cgi-bin/message/custom/send' && String((c.body as { text?: { content?: string } }).text?.content ?? '').split('\n')[0] === text),
  };
}

describe.each(kinds)('WeChat official account (plain mode) on $name', (kind) => {
  const ref = harnessFor(kind);
  const x = helpers(ref);

  it("answers WeChat's URL check with the echostr only when the signature is good and fresh", async () => {
    const { wechat } = ref.h;
    expect(await wechat.verifyUrl({ echostr: 'echo_4242' })).toEqual({ status: 200, text: 'echo_4242' });
    expect((await wechat.verifyUrl({ signature: 'f'.repeat(40) })).status).toBe(403);
    expect((await wechat.verifyUrl({ timestamp: wechat.nowSeconds() - 600 })).status).toBe(403);
    const put = await fetch(wechat.botUrl, { method: 'PUT' });
    expect(put.status).toBe(405);
  });

  it('takes a signed push, answers success, and replies through the customer-service API', async () => {
    const user = ref.h.wechat.user();
    expect(await user.say('/start')).toEqual(expect.objectContaining({ status: 200, text: 'success' }));
    const reply = await user.nextMessage();
    expect(reply.kind).toBe('custom');
    expect(reply.text).toContain(ref.h.bot.ctx.config.company.name);
    const customer = await x.db().customer.findUniqueOrThrow({ where: { platform_platformUserId: { platform: 'wechat', platformUserId: user.openId } } });
    expect(customer).toMatchObject({ chatId: user.openId, displayName: `微信用户 ${user.openId.slice(-4)}`, sentSinceInbound: 1 });
    const health = (await (await fetch(`http://127.0.0.1:${ref.h.bot.port}/healthz`)).json()) as { channels: Record<string, unknown> };
    expect(health.channels.wechat).toBe('official-account');
  });

  it('refuses forged, unsigned, stale and future pushes, and a signed URL replayed with another body; nothing is stored', async () => {
    const { wechat } = ref.h;
    const victim = wechat.user();
    const forged = [
      await victim.say('forged signature', { signature: 'a'.repeat(40) }),
      await victim.say('unsigned', { unsigned: true }),
      await victim.say('stale', { timestamp: wechat.nowSeconds() - 301 }),
      await victim.say('from the future', { timestamp: wechat.nowSeconds() + 301 }),
    ];
    expect(forged.map((r) => r.status)).toEqual([403, 403, 403, 403]);

    // A real push, captured: its URL replayed with a forged body (plain mode signs the URL only).
    const attacker = wechat.user();
    const good = await attacker.say('hello');
    expect(good.status).toBe(200);
    const forgedBody = String(good.request.body).replace(attacker.openId, victim.openId).replace('hello', '我要撤销投诉');
    const replay = await wechat.send(good.request, forgedBody);
    expect(replay.status).toBe(403);
    await x.oa().settled();
    expect(await x.db().customer.count({ where: { platformUserId: victim.openId } })).toBe(0);
    expect(await x.rows(victim.openId)).toEqual([]);
    expect(wechat.messagesTo(victim.openId)).toEqual([]);
  });

  it("handles a push WeChat retries (same MsgId) once, and an identical replay once", async () => {
    const user = ref.h.wechat.user();
    const msgId = ref.h.wechat.nextMsgId();
    const first = await user.say('同一条消息', { msgId });
    const retry = await user.say('同一条消息', { msgId }); // WeChat's retry: new timestamp and nonce, same MsgId
    const replay = await ref.h.wechat.send(first.request); // the very same request again
    expect([first, retry, replay].map((r) => [r.status, r.text])).toEqual([
      [200, 'success'],
      [200, 'success'],
      [200, 'success'],
    ]);
    await x.oa().settled();
    expect(await x.rows(user.openId)).toHaveLength(1);
    expect(await x.db().inboundEvent.count({ where: { platform: 'wechat', eventId: msgId } })).toBe(1);
  });

  it('answers garbage, wrong and huge bodies with 4xx and keeps running', async () => {
    const { wechat } = ref.h;
    const user = wechat.user();
    const bad = [
      await wechat.send(wechat.buildPush({ FromUserName: user.openId }, { rawBody: 'definitely not xml' })),
      await wechat.send(wechat.buildPush({ FromUserName: user.openId }, { rawBody: '<xml><MsgType>text</Msg' })),
      await wechat.send(wechat.buildPush({ FromUserName: user.openId }, { rawBody: '<!DOCTYPE x [<!ENTITY a "b">]><xml/>' })),
    ];
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400]);
    const huge = await wechat.send(wechat.buildPush({ FromUserName: user.openId }, { rawBody: `<xml><Content>${'x'.repeat(1024 * 1024)}</Content></xml>` }));
    expect(huge.status).toBe(413);
    // fields WeChat would never send: no MsgType, a FromUserName that is no openid → acknowledged, nothing done
    const odd = await wechat.push({ FromUserName: '../../etc', MsgType: 'text', Content: 'x', MsgId: '1' });
    expect(odd).toMatchObject({ status: 200, text: 'success' });
    await x.oa().settled();
    expect(await x.db().customer.count({ where: { platformUserId: { in: [user.openId, '../../etc'] } } })).toBe(0);
    const health = await fetch(`http://127.0.0.1:${ref.h.bot.port}/healthz`);
    expect(health.status).toBe(200);
    expect((await user.say('/start')).status).toBe(200);
    await user.nextMessage();
  });

  it('treats photos as evidence, other media as unsupported, and following the account as /start', async () => {
    const user = ref.h.wechat.user();
    expect((await user.follow()).status).toBe(200);
    expect((await user.nextMessage()).text).toContain(ref.h.bot.ctx.config.company.name);
    expect((await user.sendImage('media_photo_1')).status).toBe(200);
    expect((await user.nextMessage()).text).toBeTruthy();
    const conversation = await x.db().conversation.findUniqueOrThrow({ where: { platform_userId: { platform: 'wechat', userId: user.openId } } });
    expect(JSON.stringify(conversation.data)).toContain('media_photo_1');
    ref.h.wechat.noteUserMessage(user.openId);
    const voice = await ref.h.wechat.push({ ToUserName: 'gh_1', FromUserName: user.openId, CreateTime: ref.h.wechat.nowSeconds(), MsgType: 'voice', MediaId: 'voice_1', Format: 'amr', MsgId: ref.h.wechat.nextMsgId() });
    expect(voice.status).toBe(200);
    const refusal = (await user.nextMessage()).text!;
    expect(refusal.startsWith(`${t('zh', 'customer.input.unsupported')}\n\n`)).toBe(true); // then the question still waiting (the offer to file the photo)
    expect(refusal).toContain(t('zh', 'customer.file.offerPhoto', {}, 'wechat'));
  });

  it('caches the access token, and fetches a new one when WeChat says it is invalid (40001) or expired (42001)', async () => {
    const { wechat } = ref.h;
    const user = await x.activeUser();
    await x.send(user.openId, { text: 'one' }, { text: 'two' });
    await user.nextMessage();
    await user.nextMessage();
    const issued = wechat.tokensIssued;
    expect(issued).toBe(1);

    wechat.revokeTokens();
    await x.send(user.openId, { text: 'after revoke' });
    expect((await user.nextMessage()).text).toBe('after revoke');
    expect(wechat.tokensIssued).toBe(issued + 1);
    expect(x.customSends('after revoke').map((c) => c.response.errcode)).toEqual([40001, 0]);

    wechat.expireTokens();
    const user2 = await x.activeUser();
    await x.send(user2.openId, { text: 'after expiry' });
    expect((await user2.nextMessage()).text).toBe('after expiry');
    expect(wechat.tokensIssued).toBe(issued + 2);
  });

  it('refreshes the token before it expires, and a restarted bot reuses the stored one', async () => {
    const { wechat } = ref.h;
    const user = await x.activeUser();
    const before = wechat.tokensIssued;
    ref.h.clock.advance((7200 - 200) * 1000); // inside the 5-minute margin
    await x.send(user.openId, { text: 'fresh token' });
    expect((await user.nextMessage()).text).toBe('fresh token');
    expect(wechat.tokensIssued).toBe(before + 1);
    expect(x.customSends('fresh token').map((c) => c.response.errcode)).toEqual([0]);

    await ref.h.restart();
    const again = await x.activeUser();
    await x.send(again.openId, { text: 'after restart' });
    expect((await again.nextMessage()).text).toBe('after restart');
    expect(wechat.tokensIssued).toBe(before + 1);
  });

  it('sends 5 messages in the window, asks to write back in the 5th, holds the 6th until the customer writes', async () => {
    const user = await x.activeUser(); // the reply used message 1 of 5
    await x.send(user.openId, { text: 'm2' }, { text: 'm3' }, { text: 'm4' }, { text: 'm5' }, { text: 'm6' });
    const got = [await user.nextMessage(), await user.nextMessage(), await user.nextMessage(), await user.nextMessage()];
    expect(got.map((m) => m.text!.split('\n')[0])).toEqual(['m2', 'm3', 'm4', 'm5']);
    expect(got.slice(0, 3).some((m) => m.text!.includes(LAST_NOTE))).toBe(false);
    expect(got[3]!.text).toBe(`m5\n\n${LAST_NOTE}`);
    const held = await eventually(async () => (await x.rows(user.openId)).find((r) => (r.payload as { text: string }).text === 'm6' && r.status === 'held'), 'm6 held');
    expect(held.lastError).toMatch(/window/);
    expect(x.customSends('m6')).toEqual([]);
    expect(ref.h.wechat.windowOf(user.openId).sent).toBe(5);

    await user.say('我还在');
    expect((await user.nextMessage()).text).toBe('m6');
    await user.nextMessage(); // the answer to 我还在
  });

  it('holds a message when WeChat answers 45015 (its 48 hours are over), and sends it when the customer writes', async () => {
    const user = await x.activeUser();
    ref.h.wechat.expireWindow(user.openId);
    await x.send(user.openId, { text: 'late news' });
    await eventually(async () => (await x.rows(user.openId)).some((r) => r.status === 'held'), 'the row held');
    expect(x.customSends('late news').map((c) => c.response.errcode)).toEqual([45015]);
    const customer = await x.db().customer.findUniqueOrThrow({ where: { platform_platformUserId: { platform: 'wechat', platformUserId: user.openId } } });
    expect(customer.sentSinceInbound).toBe(5); // the window is closed on our side too: no more calls until the customer writes

    await x.send(user.openId, { text: 'later still' });
    await eventually(async () => (await x.rows(user.openId)).filter((r) => r.status === 'held').length === 2, 'both held');
    expect(x.customSends('later still')).toEqual([]);

    await user.say('回来了');
    expect((await user.nextMessage()).text).toBe('late news');
    expect((await user.nextMessage()).text).toBe('later still');
  });

  it('after 48 hours holds messages without calling WeChat, including notices when no template is configured', async () => {
    const user = await x.activeUser();
    ref.h.clock.advance(49 * 3_600_000);
    await x.send(user.openId, { text: 'two days later' }, { text: 'resolved!', notice: { kind: 'resolution', vars: { number: 'TS-1' } } });
    await eventually(async () => (await x.rows(user.openId)).filter((r) => r.status === 'held').length === 2, 'both held');
    expect(x.customSends('two days later')).toEqual([]);
    expect(ref.h.wechat.calls.some((c) => c.path === '/cgi-bin/message/template/send')).toBe(false);
    await user.say('hi again');
    expect((await user.nextMessage()).text).toBe('two days later');
    expect((await user.nextMessage()).text).toBe('resolved!');
  });

  it('shows buttons as a numbered list and takes the number as the button, also after a restart', async () => {
    const user = await x.activeUser();
    await x.send(user.openId, { text: '请选择：', buttons: [[{ label: '甲', data: 'pick:a' }, { label: '乙', data: 'pick:b' }], [{ label: '丙', data: 'pick:c' }]] });
    expect((await user.nextMessage()).text).toBe(`请选择：\n\n1. 甲\n2. 乙\n3. 丙\n${t('zh', 'wechat.replyWithNumber', { max: 3 })}`);
    await ref.h.restart();
    expect(await buttonForReply(x.db(), 'wechat', user.openId, '3')).toBe('pick:c');
  });
});

describe.each(kinds)('WeChat official account (safe mode, templates) on $name', (kind) => {
  const ref = harnessFor(kind, {
    safeMode: true,
    templates: ['tpl_resolution', 'tpl_rating'],
    config: (base) => ({ ...base, wechat: { templates: { resolution: 'tpl_resolution', rating: { id: 'tpl_rating', data: { thing1: '{number}', thing2: '{options}' } } } } }),
  });
  const x = helpers(ref);

  it('takes encrypted pushes and answers them', async () => {
    const user = ref.h.wechat.user();
    const res = await user.say('/start');
    expect(res).toMatchObject({ status: 200, text: 'success' });
    expect(new URL(res.request.url).searchParams.get('encrypt_type')).toBe('aes');
    expect(String(res.request.body)).not.toContain('/start');
    expect((await user.nextMessage()).text).toContain(ref.h.bot.ctx.config.company.name);
  });

  it('refuses plain pushes, a wrong msg_signature, a body sealed for another appid, and undecryptable content', async () => {
    const { wechat } = ref.h;
    const user = wechat.user();
    const plain = await user.say('plain', { encrypt: false });
    const badSig = await user.say('bad msg_signature', { msgSignature: '0'.repeat(40) });
    const otherApp = await user.say('other app', { sealAppId: 'wx9999999999999999' });
    const timestamp = wechat.nowSeconds();
    const nonce = '12345';
    const garbage = await wechat.send(
      wechat.buildPush({ FromUserName: user.openId }, { timestamp, nonce, msgSignature: wechatSign([OA_TOKEN, String(timestamp), nonce, 'QUJDRA==']), rawBody: '<xml><Encrypt><![CDATA[QUJDRA==]]></Encrypt></xml>' }),
    );
    expect([plain.status, badSig.status, otherApp.status, garbage.status]).toEqual([400, 403, 403, 400]);
    await x.oa().settled();
    expect(await x.db().customer.count({ where: { platformUserId: user.openId } })).toBe(0);
  });

  it('sends the resolution notice and the rating request as template messages, even with the window closed', async () => {
    const user = await x.activeUser();
    ref.h.clock.advance(49 * 3_600_000);
    await x.send(user.openId, { text: '您的投诉 TS-20261123-0001 已处理完毕。', notice: { kind: 'resolution', vars: { number: 'TS-20261123-0001', resolution: '已退款' } } });
    const resolution = await user.nextMessage();
    expect(resolution).toMatchObject({ kind: 'template', templateId: 'tpl_resolution' });
    expect(resolution.data).toMatchObject({ first: t('zh', 'wechat.template.resolution'), keyword1: 'TS-20261123-0001', remark: '您的投诉 TS-20261123-0001 已处理完毕。' });

    const buttons = [[1, 2, 3, 4, 5].map((n) => ({ label: `${n} 分`, data: `rate:77:${n}` }))];
    await x.send(user.openId, { text: '请评分', buttons, notice: { kind: 'rating', vars: { number: 'TS-20261123-0001' } } });
    const rating = await user.nextMessage();
    expect(rating).toMatchObject({ kind: 'template', templateId: 'tpl_rating', data: { thing1: 'TS-20261123-0001', thing2: '1. 1 分\n2. 2 分\n3. 3 分\n4. 4 分\n5. 5 分' } });
    expect(await buttonForReply(x.db(), 'wechat', user.openId, '4')).toBe('rate:77:4');
    await eventually(async () => (await x.rows(user.openId)).every((r) => r.status === 'sent'), 'every row sent');
    expect(x.customSends('请评分')).toEqual([]);
  });

  it('sends a notice as a text when WeChat refuses its template for good (a config mistake)', async () => {
    const user = await x.activeUser();
    ref.h.wechat.failNext('/cgi-bin/message/template/send', 40037, 'invalid template_id');
    await x.send(user.openId, { text: '您的投诉已处理完毕：已退款', notice: { kind: 'resolution', vars: { number: 'TS-20261123-0002' } } });
    expect(await user.nextMessage()).toMatchObject({ kind: 'custom', text: '您的投诉已处理完毕：已退款' });
  });
});

describe.each(testDatabases())('WeChat official account acknowledgement on $name', (kind) => {
  let server: Server;
  let wechat: WechatEmulator;
  let transport: OfficialAccountTransport;
  let database: Database;
  beforeAll(async () => {
    database = await kind.open();
    const log = createLogger('silent');
    wechat = new WechatEmulator({ appId: OA_APP_ID, appSecret: OA_APP_SECRET, token: OA_TOKEN, aesKey: OA_AES_KEY });
    await wechat.start();
    const api = new OfficialAccountApi({ appId: OA_APP_ID, appSecret: OA_APP_SECRET, apiBase: wechat.apiBase, tokens: new ApiTokenStore(database.prisma, kind.name === 'postgresql'), now: () => new Date(), log });
    transport = new OfficialAccountTransport({
      appId: OA_APP_ID,
      token: OA_TOKEN,
      aesKey: OA_AES_KEY,
      api,
      checkNonce: (key, hash, at) => rememberSignedRequest(database.prisma, 'wechat-oa', key, hash, at),
      displayName: (id) => id,
      now: () => new Date(),
      log,
    });
    server = await startHttpServer({ port: 0, routes: { [WECHAT_OA_PATH]: (req, res) => transport.handle(req, res) }, health: async () => ({ ok: true }), log });
    wechat.botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WECHAT_OA_PATH}`;
  });
  afterAll(async () => {
    await transport?.stop();
    await new Promise((r) => server?.close(r));
    await wechat?.stop();
    await database?.close();
  });

  it('answers 503 before it is started, so WeChat retries instead of losing the message', async () => {
    expect((await wechat.user().say('too early')).status).toBe(503);
  });

  it('acknowledges a push before the slow handling of it completes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const received: CustomerInbound[] = [];
    let finished = false;
    await transport.start(async (inbound) => {
      received.push(inbound);
      await gate;
      finished = true;
    });
    const user = wechat.user();
    const res = await user.say('慢慢处理');
    expect(res).toMatchObject({ status: 200, text: 'success' });
    expect(finished).toBe(false);
    expect(received).toEqual([expect.objectContaining({ platform: 'wechat', userId: user.openId, chatId: user.openId, text: '慢慢处理' })]);
    release();
    await transport.settled();
    expect(finished).toBe(true);
  });

  it('tells a new signed request from a retry (same body) and a forgery (same URL, other body)', async () => {
    const key = `1:2:${'a'.repeat(40)}`;
    const hash = (s: string) => createHash('sha256').update(s).digest('hex');
    const check = (body: string) => rememberSignedRequest(database.prisma, 'wechat-oa', key, hash(body), new Date());
    expect(await check('a')).toBe('new');
    expect(await check('a')).toBe('retry');
    expect(await check('b')).toBe('forged');
    expect(await check('a')).toBe('retry');
  });
});
