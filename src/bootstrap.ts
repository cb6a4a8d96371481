/**
 * The composition root: config → store → use cases → adapters → delivery → HTTP server.
 * Only this file knows every piece. `main.ts` calls it with the process's environment; tests call it
 * with emulator addresses.
 */
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from './config/schema.ts';
import type { Env } from './config/env.ts';
import type { Logger } from './logger.ts';
import { openDatabase, type Database } from './store/database.ts';
import type { AppContext } from './app/shared/context.ts';
import { contextCalendars, slaFromConfig } from './app/shared/policy.ts';
import { syncDirectory } from './app/shared/sync-directory.ts';
import { findCalendarGaps, logCalendarGaps } from './app/sla/warn-about-calendar-gaps.ts';
import { handleCustomerMessage } from './app/customers/handle-customer-message.ts';
import { handleStaffAction } from './app/staff/handle-staff-action.ts';
import { handleStaffCommand } from './app/staff/handle-staff-command.ts';
import { loadComplaintView } from './app/complaints/complaint-view.ts';
import { enqueueCardRefresh } from './app/shared/outbox.ts';
import { recordInboundEvent } from './app/shared/record-inbound-event.ts';
import { OutboxWorker, type ChannelSender } from './delivery/outbox-worker.ts';
import { customerSender, feishuSender, telegramLimits, type CustomerPorts, type TELEGRAM_PER_CHAT } from './delivery/senders.ts';
import { closeHttpServer, startHttpServer, type Route } from './http/server.ts';
import { HttpRefusal } from './http/body.ts';
import { checkReadiness, type ReadinessProbe, type ReadinessReport } from './http/readiness.ts';
import { BotMetrics } from './metrics/bot-metrics.ts';
import { OutboxWakeup } from './delivery/outbox-wakeup.ts';
import { reportFailedDelivery } from './app/operations/report-failed-delivery.ts';
import { t, languageFromCode, type Language } from './i18n/index.ts';
import { renderComplaintCard } from '../cards/complaint-card.ts';
// Channels' SDKs (grammY, the Lark SDK, Wechaty) are imported when their channel is configured, not here.
import type { TelegramChannel } from '../adapters/telegram/telegram-channel.ts';
import type { FeishuClient } from '../adapters/feishu/feishu-client.ts';
import { createFeishuHttpHandler } from '../adapters/feishu/http-callbacks.ts';
import { createCardActionHandler } from '../adapters/feishu/card-action.ts';
import { JobScheduler } from './jobs/scheduler.ts';
import { botJobs } from './jobs/jobs.ts';
import { WechatChannel } from '../adapters/wechat/wechat-channel.ts';
import type { WechatTransport } from '../adapters/wechat/transport.ts';
import { OfficialAccountTransport, WECHAT_OA_PATH } from '../adapters/wechat/official-account.ts';
import { OfficialAccountApi } from '../adapters/wechat/oa-api.ts';
import { ApiTokenStore } from './store/api-token-store.ts';
import { PushInbox } from './store/push-inbox.ts';
import type { CustomerInbound } from './app/shared/inbound.ts';
import { rememberSignedRequest } from './app/shared/remember-signed-request.ts';
import { createStaffMessageHandler } from '../adapters/feishu/staff-message.ts';

export const FEISHU_CALLBACK_PATH = '/feishu/callback';

/**
 * Instances starting together contend for the migration lock and the same rows: a lock timeout, a
 * deadlock or a unique-key race is retried (with a growing pause), not fatal.
 */
async function retryStartupStep<T>(name: string, step: () => Promise<T>, log: Logger, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const contended = /advisory lock|lock timeout|timed out|deadlock|could not serialize|P2002|P2028|P2034|Unique constraint|Transaction already closed/i.test(message);
      if (!contended || attempt >= attempts) throw error;
      const wait = Math.min(500 * 2 ** attempt, 10_000);
      log.warn({ step: name, attempt, retryInMs: wait, err: message.slice(0, 300) }, 'start-up step met another instance; retrying');
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

export interface RunningBot {
  ctx: AppContext;
  database: Database;
  port: number;
  telegram?: TelegramChannel;
  feishu?: FeishuClient;
  wechat?: WechatChannel;
  outbox: OutboxWorker;
  stop(): Promise<void>;
}

export interface StartOptions {
  env: Env;
  config: AppConfig;
  log: Logger;
  now?: () => Date;
  /** Overrides the PGlite folder (tests use 'memory://'). */
  pgliteDir?: string;
  outboxPollMs?: number;
  /** How often an instance that does not poll Telegram tries to take over (default 5 s). */
  telegramLockRetryMs?: number;
  /** Scheduled jobs (SLA sweep, digest, summaries); default on. Tests that do not exercise them turn them off. */
  jobs?: boolean;
  /** More HTTP routes on the bot's server (the sandbox page and its API). */
  routes?: Record<string, Route>;
  /** How long stop() lets HTTP requests in flight finish before cutting them (default 5 s). */
  drainMs?: number;
  /**
   * Telegram's per-chat sending rate (default TELEGRAM_PER_CHAT: a burst of 10, then 1 a second). The
   * end-to-end tests raise it: their emulator has no such limit, and a conversation of thirty answers would
   * otherwise spend twenty seconds waiting on it; the limiter itself is tested on its own.
   */
  telegramPerChat?: typeof TELEGRAM_PER_CHAT;
}

export async function startBot(opts: StartOptions): Promise<RunningBot> {
  const { env, config, log } = opts;
  // PORT first: a busy port is reported before any database is opened or migrated. Routes are added as
  // the channels start; until the bot is up, health answers 503 "starting".
  const routes: Record<string, Route> = { ...opts.routes };
  let health: (() => Promise<{ ok: boolean } & Record<string, unknown>>) | undefined;
  let ready: (() => Promise<ReadinessReport>) | undefined;
  let scrape: (() => Promise<{ contentType: string; body: string }>) | undefined;
  const server: Server = await startHttpServer({
    port: env.PORT,
    routes,
    log,
    health: async () => (health ? health() : { ok: false, starting: true }),
    ready: async () => (ready ? ready() : { ok: false, starting: true }),
    metrics: async () => {
      if (!scrape) throw new HttpRefusal(503, 'starting');
      return scrape();
    },
  });
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: opts.pgliteDir ?? path.join(env.DATA_DIR, 'pglite') });
  const applied = await retryStartupStep('migrations', () => database.migrate(), log);
  log.info({ database: database.kind, applied }, applied.length ? 'database migrated' : 'database schema up to date');

  let outbox: OutboxWorker | undefined;
  const now = opts.now ?? (() => new Date());
  // Prometheus series of this bot (its own registry: tests start several bots in one process).
  const metrics = new BotMetrics(database.prisma, { log, now });
  const ctx: AppContext = {
    db: database.prisma,
    config,
    ...contextCalendars(config),
    sla: slaFromConfig(config),
    now,
    log,
    outboxChanged: () => outbox?.kick(),
    metrics,
  };
  await retryStartupStep('directory sync', () => syncDirectory(ctx), log);
  logCalendarGaps(ctx, findCalendarGaps(ctx));

  const senders: Record<string, ChannelSender> = {};
  const stops: (() => Promise<void> | void)[] = [];
  const off: string[] = [];
  // What /readyz asks: the database and every enabled channel (each adapter's ready()).
  const probes: Record<string, ReadinessProbe> = {
    database: {
      ready: async () => {
        await database.prisma.$queryRaw`SELECT 1`;
        return { ok: true, detail: database.kind };
      },
    },
  };
  // Filled in as the customer channels start; the Feishu sender fetches customers' photos through them.
  const customerPorts: CustomerPorts = {};

  let telegram: TelegramChannel | undefined;
  if (env.TELEGRAM_BOT_TOKEN) {
    const { TelegramChannel } = await import('../adapters/telegram/telegram-channel.ts');
    telegram = new TelegramChannel({
      token: env.TELEGRAM_BOT_TOKEN,
      apiRoot: env.TELEGRAM_API_ROOT,
      webhook: env.TELEGRAM_WEBHOOK_URL && env.TELEGRAM_WEBHOOK_SECRET ? { url: env.TELEGRAM_WEBHOOK_URL, secret: env.TELEGRAM_WEBHOOK_SECRET } : undefined,
      log: log.child({ channel: 'telegram' }),
      // Several instances may share PostgreSQL: one polls at a time (PGlite: this one).
      ...(env.DATABASE_URL ? { pollingLock: { url: env.DATABASE_URL, ...(opts.telegramLockRetryMs ? { retryMs: opts.telegramLockRetryMs } : {}) } } : {}),
      onMessage: (inbound) => {
        metrics.inbound('telegram', 'message');
        return handleCustomerMessage(ctx, inbound);
      },
      errorText: (inbound) => t(languageFromCode(inbound.languageCode) ?? config.defaultLanguage, 'customer.error'),
    });
    senders.telegram = customerSender(telegram, telegramLimits(opts.telegramPerChat));
    customerPorts.telegram = telegram;
    probes.telegram = telegram;
    if (telegram.webhookPath) routes[telegram.webhookPath] = (req, res) => telegram!.handleWebhook(req, res);
  } else off.push('Telegram is off: set TELEGRAM_BOT_TOKEN (and optionally TELEGRAM_WEBHOOK_URL + TELEGRAM_WEBHOOK_SECRET) to turn it on');

  let feishu: FeishuClient | undefined;
  if (env.FEISHU_APP_ID && env.FEISHU_APP_SECRET) {
    const { FeishuClient } = await import('../adapters/feishu/feishu-client.ts');
    feishu = new FeishuClient({ appId: env.FEISHU_APP_ID, appSecret: env.FEISHU_APP_SECRET, domain: env.FEISHU_DOMAIN, log: log.child({ channel: 'feishu' }) });
    senders.feishu = feishuSender(feishu, database.prisma, config, { customers: customerPorts });
    const lang: Language = config.defaultLanguage;
    const answerCardAction = createCardActionHandler({
      handle: (input) => handleStaffAction(ctx, input),
      renderCard: async (id, messageId) => {
        const view = await loadComplaintView(database.prisma, config, id, { messageId });
        return view ? renderComplaintCard(view) : null;
      },
      refreshLater: async (id) => {
        await database.prisma.$transaction((tx) => enqueueCardRefresh(tx, id, ctx.now()));
        ctx.outboxChanged();
      },
      texts: { badRequest: t(lang, 'staff.toast.badRequest'), error: t(lang, 'staff.toast.error'), processing: t(lang, 'staff.toast.processing') },
      log: log.child({ channel: 'feishu' }),
      observe: (seconds, outcome) => metrics.cardAnswer(seconds, outcome),
    });
    const onCardAction: typeof answerCardAction = (raw) => {
      metrics.inbound('feishu', 'card_action');
      return answerCardAction(raw);
    };
    const handleStaffMessage = createStaffMessageHandler({ handle: (input) => handleStaffCommand(ctx, input), log: log.child({ channel: 'feishu' }) });
    const onMessage: typeof handleStaffMessage = (event) => {
      metrics.inbound('feishu', 'message');
      return handleStaffMessage(event);
    };
    if (env.FEISHU_EVENT_MODE === 'http') {
      routes[FEISHU_CALLBACK_PATH] = createFeishuHttpHandler({
        encryptKey: env.FEISHU_ENCRYPT_KEY!,
        verificationToken: env.FEISHU_VERIFICATION_TOKEN,
        rememberNonce: (nonce, at) => database.prisma.$transaction((tx) => recordInboundEvent(tx, 'feishu-nonce', nonce, at)),
        onCardAction,
        onMessage,
        log: log.child({ channel: 'feishu' }),
        now: ctx.now,
      });
      log.info({ path: FEISHU_CALLBACK_PATH }, 'Feishu: card callbacks over HTTP');
      probes.feishu = { ready: () => ({ ok: true, detail: 'http callbacks' }) };
    } else {
      const { FeishuLongConnection } = await import('../adapters/feishu/long-connection.ts');
      const ws = new FeishuLongConnection({ appId: env.FEISHU_APP_ID, appSecret: env.FEISHU_APP_SECRET, domain: env.FEISHU_DOMAIN, onCardAction, onMessage, log: log.child({ channel: 'feishu' }) });
      await ws.start();
      probes.feishu = ws;
      stops.push(() => ws.stop());
    }
  } else off.push('Feishu is off: set FEISHU_APP_ID and FEISHU_APP_SECRET (FEISHU_EVENT_MODE=http also needs FEISHU_ENCRYPT_KEY) to turn it on');

  // WeChat: the official account (own adapter, verified pushes) or any Wechaty puppet; one of the two.
  let wechat: WechatChannel | undefined;
  let wechatTransport: WechatTransport | undefined;
  const wechatLog = log.child({ channel: 'wechat' });
  if (env.WECHAT_OA_APP_ID && env.WECHAT_OA_APP_SECRET && env.WECHAT_OA_TOKEN) {
    const api = new OfficialAccountApi({
      appId: env.WECHAT_OA_APP_ID,
      appSecret: env.WECHAT_OA_APP_SECRET,
      apiBase: env.WECHAT_API_BASE,
      tokens: new ApiTokenStore(database.prisma, database.kind === 'postgresql'),
      now: ctx.now,
      log: wechatLog,
    });
    const oa = new OfficialAccountTransport({
      appId: env.WECHAT_OA_APP_ID,
      token: env.WECHAT_OA_TOKEN,
      aesKey: env.WECHAT_OA_AES_KEY,
      api,
      checkNonce: (key, bodyHash, at) => rememberSignedRequest(database.prisma, 'wechat-oa', key, bodyHash, at),
      inbox: new PushInbox<CustomerInbound>(database.prisma, 'wechat-oa'),
      displayName: (openId) => t(config.defaultLanguage, 'wechat.displayName', { tail: openId.slice(-4) }),
      now: ctx.now,
      log: wechatLog,
    });
    routes[WECHAT_OA_PATH] = (req, res) => oa.handle(req, res);
    probes.wechat = api;
    wechatTransport = oa;
  } else if (env.WECHATY_PUPPET) {
    const { WechatyTransport } = await import('../adapters/wechat/wechaty-transport.ts');
    const wechaty = new WechatyTransport({ puppet: env.WECHATY_PUPPET, token: env.WECHATY_PUPPET_TOKEN, sessionName: path.join(env.DATA_DIR, 'wechaty'), log: wechatLog });
    probes.wechat = wechaty;
    wechatTransport = wechaty;
  } else
    off.push(
      'WeChat is off: set WECHAT_OA_APP_ID, WECHAT_OA_APP_SECRET and WECHAT_OA_TOKEN (plus WECHAT_OA_AES_KEY for safe mode) for an official account, or WECHATY_PUPPET (and WECHATY_PUPPET_TOKEN) for a Wechaty puppet',
    );
  if (wechatTransport) {
    wechat = new WechatChannel({
      transport: wechatTransport,
      db: database.prisma,
      config,
      log: wechatLog,
      now: ctx.now,
      onMessage: (inbound) => {
        metrics.inbound('wechat', 'message');
        return handleCustomerMessage(ctx, inbound);
      },
      errorText: () => t(config.defaultLanguage, 'customer.error'),
      outboxChanged: () => ctx.outboxChanged(),
    });
    senders.wechat = wechat.sender();
    customerPorts.wechat = wechat;
    await wechat.start();
    stops.push(() => wechat!.stop());
  }

  outbox = new OutboxWorker({
    db: database.prisma,
    senders,
    log: log.child({ part: 'outbox' }),
    now: ctx.now,
    pollMs: opts.outboxPollMs ?? 5000,
    metrics,
    // A message that failed for good is reported once into the operations chat (/failed lists and retries).
    onFailed: async (row, reason) => void (await reportFailedDelivery(ctx, row.id, reason)),
  });
  outbox.start();
  // Other instances' rows wake this worker too (PostgreSQL NOTIFY); on PGlite the in-process kick is enough.
  const wakeup = env.DATABASE_URL ? new OutboxWakeup({ url: env.DATABASE_URL, onWake: () => outbox?.kick(), log: log.child({ part: 'outbox' }) }) : undefined;
  await wakeup?.start();

  // Scheduled jobs (src/jobs): every slot runs once across instances; a slot missed while down is made up now.
  if (opts.jobs ?? true) {
    const scheduler = new JobScheduler(ctx, botJobs(ctx));
    await scheduler.start();
    stops.push(() => scheduler.stop());
  }

  // Alive: answers without touching the database (a liveness probe must not restart a bot whose database is down).
  health = async () => ({ ok: true, database: database.kind, channels: { telegram: Boolean(telegram), feishu: Boolean(feishu), wechat: wechat?.transport.kind ?? false } });
  ready = () => checkReadiness(probes);
  scrape = () => metrics.scrape();

  const port = (server.address() as AddressInfo).port;

  // Telegram starts last: its first updates may arrive at once.
  if (telegram) await telegram.start();
  for (const line of off) log.warn(line);
  log.info({ port, database: database.kind }, `complaint-bot is running; GET http://localhost:${port}/healthz`);

  let stopped = false;
  return {
    ctx,
    database,
    port,
    telegram,
    feishu,
    wechat,
    outbox,
    /**
     * Graceful stop: take no new work (no new HTTP requests, no new Telegram updates), let what was taken
     * finish and be committed (requests answered, updates handled), deliver and mark what the outbox has in
     * flight, then close the database. The process's deadline (SHUTDOWN_TIMEOUT) is main.ts's.
     */
    async stop() {
      if (stopped) return;
      stopped = true;
      // no new requests; those in flight finish first (they may still need the database and the channels)
      await closeHttpServer(server, opts.drainMs ?? 5_000);
      await telegram?.stop();
      for (const s of stops) await s();
      await outbox!.stop();
      await wakeup?.stop();
      await database.close();
    },
  };
}
