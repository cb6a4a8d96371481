/**
 * The outbox under platform faults (issue 13, faults 1–3): the real Telegram and Feishu adapters against
 * the emulators with injected 429s, 5xx, hung requests and reset connections, on a real database.
 * Every scenario checks per-chat order, that nothing is lost or doubled, and that a faulty platform or
 * chat does not hold back another; the suite prints, per fault: messages expected / delivered / doubled /
 * out of order. One file per database (delivery-pglite / delivery-postgresql.test.ts), so the two run side
 * by side.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TelegramEmulator, DEFAULT_TOKEN } from '../../src/sandbox/emulators/telegram/index.ts';
import { FeishuEmulator } from '../../src/sandbox/emulators/feishu/index.ts';
import { TelegramChannel } from '../../adapters/telegram/telegram-channel.ts';
import { FeishuClient } from '../../adapters/feishu/feishu-client.ts';
import { OutboxWorker, type ChannelSender } from '../../src/delivery/outbox-worker.ts';
import { customerSender, feishuSender, telegramLimits } from '../../src/delivery/senders.ts';
import { openDatabase, type Database } from '../../src/store/database.ts';
import { createLogger } from '../../src/logger.ts';
import { exampleConfig } from '../support/context.ts';
import { freshPostgresUrl, type TestDatabaseKind } from '../support/databases.ts';
import { APP_ID, APP_SECRET } from '../support/harness.ts';
import { tally, type FaultFigures } from './figures.ts';

const log = createLogger((process.env.FAULT_LOG as 'warn') ?? 'silent');

const figures: FaultFigures[] = [];

export function deliveryUnderFaults(kind: TestDatabaseKind): void {
  describe(`delivery under faults on ${kind.name}`, () => {
    let db: Database;
    let tg: TelegramEmulator;
    let fs: FeishuEmulator;
    let telegram: TelegramChannel;
    /** The production deadline (15 s): a busy test machine never makes an accepted send look failed. */
    let patientTelegram: TelegramChannel;
    let feishu: FeishuClient;
    let chats: number[];

    beforeAll(async () => {
      db = await kind.open();
      tg = new TelegramEmulator();
      await tg.start();
      fs = new FeishuEmulator({ appId: APP_ID, appSecret: APP_SECRET });
      await fs.start();
      telegram = new TelegramChannel({ token: DEFAULT_TOKEN, apiRoot: tg.apiRoot, log, callTimeoutMs: 4000, onMessage: async () => {}, errorText: () => '' });
      patientTelegram = new TelegramChannel({ token: DEFAULT_TOKEN, apiRoot: tg.apiRoot, log, onMessage: async () => {}, errorText: () => '' });
      feishu = new FeishuClient({ appId: APP_ID, appSecret: APP_SECRET, domain: fs.domain, timeoutMs: 4000 });
      chats = Array.from({ length: 4 }, (_, i) => tg.createUser({ first_name: `C${i}` }).id);
    }, 60_000);
    afterAll(async () => {
      await tg?.stop();
      await fs?.stop();
      await db?.close();
      if (figures.length) {
        console.log(`\nfault suite (${kind.name}): messages expected / delivered / doubled / out of order`);
        for (const f of figures.splice(0)) console.log(`  ${f.fault.padEnd(44)} ${String(f.expected).padStart(4)} / ${String(f.delivered).padStart(4)} / ${f.doubled} / ${f.outOfOrder}`);
      }
    });

    function worker(senders: Record<string, ChannelSender>, extra: Partial<ConstructorParameters<typeof OutboxWorker>[0]> = {}) {
      return new OutboxWorker({ db: db.prisma, senders, log, pollMs: 100, ...extra });
    }

    async function queue(channel: 'telegram' | 'feishu', targets: string[], perTarget: number, tag: string): Promise<Map<string, string[]>> {
      const expected = new Map<string, string[]>();
      for (let i = 0; i < perTarget; i++)
        for (const target of targets) {
          const text = `${tag} ${target} #${i}`;
          expected.set(target, [...(expected.get(target) ?? []), text]);
          await db.prisma.outboxMessage.create({ data: { channel, kind: 'text', target, payload: { text } } });
        }
      return expected;
    }

    const telegramReceived = (tag: string) => {
      const map = new Map<string, string[]>();
      for (const c of tg.calls) {
        if (c.method !== 'sendMessage' || c.error || !String(c.params.text).startsWith(`${tag} `)) continue;
        const chat = String(c.params.chat_id);
        map.set(chat, [...(map.get(chat) ?? []), String(c.params.text)]);
      }
      return map;
    };
    const feishuReceived = (tag: string, targets: string[]) =>
      new Map(targets.map((t) => [t, fs.messagesIn(t).map((m) => (m.text as string | undefined) ?? JSON.parse(String(m.content)).text as string).filter((x) => x?.startsWith(`${tag} `))]));

    /** A short deadline only where the fault is a request that never answers. */
    const telegramSender = (shortDeadline = false) => customerSender(shortDeadline ? telegram : patientTelegram, telegramLimits());
    const feishuSenderFor = () => feishuSender(feishu, db.prisma, exampleConfig());

    it.each([
      ['429 retry_after 1', (t: TelegramEmulator) => t.failNext('sendMessage', { error_code: 429, retry_after: 1 })],
      ['5xx', (t: TelegramEmulator) => t.failNext('sendMessage', { error_code: 502, times: 2 })],
      ['hung request (timeout)', (t: TelegramEmulator) => t.netFaultNext('sendMessage', 'hang', 2)],
      ['connection reset', (t: TelegramEmulator) => t.netFaultNext('sendMessage', 'reset', 2)],
    ])('Telegram %s: every chat gets its messages once and in order', async (name, inject) => {
      const tag = `tg-${name.replace(/\W+/g, '-')}`;
      const targets = chats.map(String);
      const expected = await queue('telegram', targets, 3, tag);
      inject(tg);
      const w = worker({ telegram: telegramSender(name.startsWith('hung')) }, { maxAttempts: 20 });
      w.start();
      try {
        await vi.waitFor(async () => expect(await db.prisma.outboxMessage.count({ where: { status: { not: 'sent' }, payload: { path: ['text'], string_starts_with: tag } } })).toBe(0), { timeout: 30_000, interval: 100 });
      } finally {
        await w.stop();
      }
      const f = tally(`telegram: ${name}`, expected, telegramReceived(tag));
      if (process.env.DBG) console.log(JSON.stringify(tg.calls.filter((c) => c.method === 'sendMessage').map((c) => [c.at % 100000, c.params.text, c.error?.error_code])), JSON.stringify(await db.prisma.outboxMessage.findMany({ orderBy: { id: 'asc' } })));
      figures.push(f);
      expect(f).toMatchObject({ delivered: f.expected, doubled: 0, outOfOrder: 0 });
    }, 60_000);

    it.each([
      ['429 x-ogw-ratelimit-reset 2', (e: FeishuEmulator) => e.rateLimitNext('/open-apis/im/v1/messages', 1, { resetSeconds: 2 })],
      ['5xx', (e: FeishuEmulator) => e.faultNext('/open-apis/im/v1/messages', { kind: 'error', status: 503 }, 2)],
      ['hung request (timeout)', (e: FeishuEmulator) => e.faultNext('/open-apis/im/v1/messages', { kind: 'hang' }, 2)],
      ['connection reset', (e: FeishuEmulator) => e.faultNext('/open-apis/im/v1/messages', { kind: 'reset' }, 2)],
    ])('Feishu %s: every group gets its messages once and in order', async (name, inject) => {
      const tag = `fs-${name.replace(/\W+/g, '-')}`;
      const targets = ['oc_g1', 'oc_g2', 'oc_g3'];
      const expected = await queue('feishu', targets, 3, tag);
      inject(fs);
      const w = worker({ feishu: feishuSenderFor() }, { maxAttempts: 20 });
      w.start();
      try {
        await vi.waitFor(async () => expect(await db.prisma.outboxMessage.count({ where: { status: { not: 'sent' }, payload: { path: ['text'], string_starts_with: tag } } })).toBe(0), { timeout: 30_000, interval: 100 });
      } finally {
        await w.stop();
      }
      const f = tally(`feishu: ${name}`, expected, feishuReceived(tag, targets));
      figures.push(f);
      expect(f).toMatchObject({ delivered: f.expected, doubled: 0, outOfOrder: 0 });
      if (name.startsWith('429')) {
        // honoured exactly: the refused request is tried again no sooner than the reset
        const creates = fs.callsTo((c) => c.path === '/open-apis/im/v1/messages' && c.method === 'POST');
        const refused = creates.find((c) => c.status === 429)!;
        const retry = creates.find((c) => c.at > refused.at && JSON.stringify(c.body) === JSON.stringify(refused.body))!;
        expect(retry.at - refused.at).toBeGreaterThanOrEqual(2000);
      }
    }, 60_000);

    it('a Feishu that never answers does not hold back Telegram (isolation)', async () => {
      const tag = 'iso';
      fs.faultNext('/open-apis/im/v1/messages', { kind: 'hang' }, 1_000_000);
      const cards = await queue('feishu', ['oc_slow1', 'oc_slow2'], 2, tag);
      const expected = await queue('telegram', chats.map(String), 2, tag);
      // the production deadline (15 s): Telegram must not wait for it
      const patient = feishuSender(new FeishuClient({ appId: APP_ID, appSecret: APP_SECRET, domain: fs.domain }), db.prisma, exampleConfig());
      const w = worker({ telegram: telegramSender(), feishu: patient }, { maxAttempts: 50 });
      w.start();
      try {
        // every Telegram message is out while every Feishu request is still hanging (none has timed out yet)
        await vi.waitFor(() => expect(tally('', expected, telegramReceived(tag)).delivered).toBe(8), { timeout: 30_000, interval: 50 });
        expect(await db.prisma.outboxMessage.count({ where: { channel: 'feishu', payload: { path: ['text'], string_starts_with: tag }, OR: [{ status: 'sent' }, { lastError: { not: null } }] } })).toBe(0);
        figures.push(tally('telegram while Feishu hangs', expected, telegramReceived(tag)));
        fs.clearFaults();
        await vi.waitFor(async () => expect(await db.prisma.outboxMessage.count({ where: { status: { not: 'sent' }, payload: { path: ['text'], string_starts_with: tag } } })).toBe(0), { timeout: 30_000, interval: 100 });
      } finally {
        fs.clearFaults();
        await w.stop();
      }
      const f = tally('feishu after a hang (outage) ends', cards, feishuReceived(tag, ['oc_slow1', 'oc_slow2']));
      figures.push(f);
      expect(f).toMatchObject({ delivered: 4, doubled: 0, outOfOrder: 0 });
    }, 60_000);

    it('a chat refused with 429 waits alone: other chats go on, its own messages keep their order', async () => {
      const tag = 'lane';
      const [slow, ...others] = chats.map(String);
      tg.failNext('sendMessage', { error_code: 429, retry_after: 2 });
      const expected = await queue('telegram', [slow!], 3, tag);
      const w = worker({ telegram: telegramSender() });
      w.start();
      let rest = new Map<string, string[]>();
      try {
        await vi.waitFor(() => expect(tg.calls.some((c) => c.error?.error_code === 429 && String(c.params.chat_id) === slow)).toBe(true), { timeout: 10_000, interval: 20 });
        rest = await queue('telegram', others, 1, tag);
        w.kick();
        await vi.waitFor(() => expect(tally('', rest, telegramReceived(tag)).delivered).toBe(others.length), { timeout: 10_000, interval: 50 });
        // the refused chat has received nothing yet (its first message waits 2 s), and nothing overtook it
        expect(telegramReceived(tag).get(slow!) ?? []).toEqual([]);
        await vi.waitFor(() => expect(tally('', expected, telegramReceived(tag)).delivered).toBe(3), { timeout: 20_000, interval: 100 });
      } finally {
        await w.stop();
      }
      const f = tally('telegram: 429 on one chat, others go on', new Map([...expected, ...rest]), telegramReceived(tag));
      figures.push(f);
      expect(f).toMatchObject({ delivered: f.expected, doubled: 0, outOfOrder: 0 });
    }, 60_000);
  });
}

/** A TCP proxy in front of PostgreSQL that can drop every connection and refuse new ones for a while. */
class CuttableProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private down = false;
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}
  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      if (this.down) return void client.destroy();
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as net.AddressInfo).port;
  }
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }
  restore(): void {
    this.down = false;
  }
  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** PostgreSQL only: the connection drops between a send and its mark. */
export function databaseGoneBetweenSendAndMark(): void {
  describe('the database goes away between a send and its mark (PostgreSQL)', () => {
    it('the mark is retried until the database is back; the message is never sent again', async () => {
      const fresh = (await freshPostgresUrl())!;
      const url = new URL(fresh.url);
      const proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port || 5432) });
      await proxy.start();
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      const db = await openDatabase({ url: url.toString() });
      await db.migrate();
      const tg = new TelegramEmulator();
      await tg.start();
      const user = tg.createUser({ first_name: 'Dup' });
      const telegram = new TelegramChannel({ token: DEFAULT_TOKEN, apiRoot: tg.apiRoot, log, callTimeoutMs: 1000, onMessage: async () => {}, errorText: () => '' });
      const real = customerSender(telegram);
      let cutOnce = true;
      // The fault: right after Telegram accepted the message, the database connection drops for 3 s.
      const sender: ChannelSender = {
        async send(row) {
          await real.send(row);
          if (cutOnce) {
            cutOnce = false;
            proxy.cut();
            setTimeout(() => proxy.restore(), 3000);
          }
        },
      };
      const expected = new Map([[String(user.id), ['db-gone #0', 'db-gone #1']]]);
      for (const text of expected.get(String(user.id))!) await db.prisma.outboxMessage.create({ data: { channel: 'telegram', kind: 'text', target: String(user.id), payload: { text } } });
      // a short lease: before the fix, the unmarked row was sent again when it ran out
      const w = new OutboxWorker({ db: db.prisma, senders: { telegram: sender }, log, pollMs: 100, leaseMs: 1500, claimLeaseMs: 1000 });
      w.start();
      try {
        await vi.waitFor(async () => expect(await db.prisma.outboxMessage.count({ where: { status: 'sent' } })).toBe(2), { timeout: 30_000, interval: 200 });
        await new Promise((resolve) => setTimeout(resolve, 2500)); // past the lease: a resend would show now
      } finally {
        await w.stop();
      }
      const received = new Map([[String(user.id), tg.calls.filter((c) => c.method === 'sendMessage' && !c.error).map((c) => String(c.params.text))]]);
      const f = tally('database gone between send and mark', expected, received);
      console.log(`\nfault suite (postgresql): ${f.fault}: ${f.expected} / ${f.delivered} / ${f.doubled} / ${f.outOfOrder}`);
      await db.close();
      await proxy.stop();
      await tg.stop();
      await fresh.drop();
      expect(f).toMatchObject({ delivered: 2, doubled: 0, outOfOrder: 0 });
    }, 60_000);
  });
}
