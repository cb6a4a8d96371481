/**
 * The sandbox composition: the three platform emulators and the real bot (startBot: grammY, the Lark SDK
 * and the official-account adapter talking HTTP/WebSocket to the emulators) in one process, on one
 * simulated clock, with its own PGlite folder. The page (src/sandbox/page) acts through the emulators
 * exactly as customers and staff act on the real platforms, and reads what they show.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AppConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { Language } from '../i18n/index.ts';
import { loadEnv } from '../config/load.ts';
import { startBot, type RunningBot } from '../bootstrap.ts';
import type { Route } from '../http/server.ts';
import { JobScheduler } from '../jobs/scheduler.ts';
import { botJobs } from '../jobs/jobs.ts';
import { nextSlotAt } from '../jobs/slots.ts';
import { SimulatedTicks } from '../jobs/simulated-ticks.ts';
import { isWorkingDay } from '../domain/calendar.ts';
import { WECHAT_OA_PATH } from '../../adapters/wechat/official-account.ts';
import { TelegramEmulator, DEFAULT_TOKEN } from './emulators/telegram/index.ts';
import { FeishuEmulator } from './emulators/feishu/index.ts';
import { WechatEmulator } from './emulators/wechat/index.ts';
import { SandboxClock } from './clock.ts';

/** Made-up credentials of the emulated platforms (shaped like real ones, valid nowhere else). */
const FEISHU_APP = { appId: 'cli_5a4db0c0ffee0001', appSecret: 'sandbox-feishu-secret' };
const WECHAT_APP = { appId: 'wx5a4db0c0ffee0001', appSecret: 'SandboxSecret0123456789abcdefABC', token: 'sandboxToken', aesKey: 'SandboxAesKey0123456789abcdefghijklmnopqrst' };

export type TimeStep = 'hour' | 'workday' | 'digest' | 'month';

export interface SandboxCustomer {
  id: string;
  channel: 'telegram' | 'wechat';
  name: string;
  language: Language;
  telegramId?: number;
  openId?: string;
}

/** What a person typed on a platform that keeps no copy the bot could read back (WeChat pushes, Feishu group messages). */
export interface TypedMessage {
  id: string;
  at: number;
  from: string;
  text: string;
  image?: boolean;
}

export interface SandboxOptions {
  config: AppConfig;
  log: Logger;
  /** the bot's HTTP port (0: any free port) */
  port: number;
  /** the sandbox's own data folder (PGlite, the clock, the customers) */
  dataDir: string;
  /** simulated start (default: now, or where the sandbox's clock stopped last time if later) */
  start?: Date;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** the page and its API, mounted on the bot's server */
  routes: Record<string, Route>;
}

interface SavedState {
  simulatedAt?: string;
  customers?: SandboxCustomer[];
}

export class SandboxWorld {
  /** bumped whenever something the page shows may have changed */
  version = 0;
  /** set while the clock is being moved (the page shows it and waits) */
  moving: TimeStep | null = null;
  readonly customers: SandboxCustomer[] = [];
  readonly typed = new Map<string, TypedMessage[]>();

  private constructor(
    readonly opts: SandboxOptions,
    readonly clock: SandboxClock,
    readonly telegram: TelegramEmulator,
    readonly feishu: FeishuEmulator,
    readonly wechat: WechatEmulator,
    readonly bot: RunningBot,
    readonly ticks: SimulatedTicks,
  ) {}

  static async start(opts: SandboxOptions): Promise<SandboxWorld> {
    mkdirSync(opts.dataDir, { recursive: true });
    const saved = readState(opts.dataDir);
    const savedAt = saved.simulatedAt ? new Date(saved.simulatedAt) : undefined;
    const start = opts.start ?? new Date();
    const clock = new SandboxClock(savedAt && savedAt > start ? savedAt : start);

    const telegram = new TelegramEmulator({ now: clock.nowMs });
    await telegram.start();
    const feishu = new FeishuEmulator({ ...FEISHU_APP, now: clock.nowMs });
    await feishu.start();
    const wechat = new WechatEmulator({ ...WECHAT_APP, now: clock.now });
    await wechat.start();

    const env = loadEnv({
      PORT: String(opts.port),
      DATA_DIR: opts.dataDir,
      LOG_LEVEL: opts.logLevel ?? 'info',
      TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      FEISHU_APP_ID: FEISHU_APP.appId,
      FEISHU_APP_SECRET: FEISHU_APP.appSecret,
      FEISHU_DOMAIN: feishu.domain,
      WECHAT_OA_APP_ID: WECHAT_APP.appId,
      WECHAT_OA_APP_SECRET: WECHAT_APP.appSecret,
      WECHAT_OA_TOKEN: WECHAT_APP.token,
      WECHAT_OA_AES_KEY: WECHAT_APP.aesKey,
      WECHAT_API_BASE: wechat.apiBase,
    });
    let bot: RunningBot;
    try {
      bot = await startBot({ env, config: opts.config, log: opts.log, now: clock.now, jobs: false, outboxPollMs: 250, routes: opts.routes, pgliteDir: path.join(opts.dataDir, 'pglite') });
    } catch (error) {
      await Promise.all([telegram.stop(), feishu.stop(), wechat.stop()]);
      throw error;
    }
    wechat.botUrl = `http://127.0.0.1:${bot.port}${WECHAT_OA_PATH}`;

    // The production scheduler and jobs, fired by simulated time instead of node-cron.
    const scheduler = new JobScheduler(bot.ctx, botJobs(bot.ctx));
    await scheduler.catchUp();
    const ticks = new SimulatedTicks(scheduler, clock, { timeZone: bot.ctx.calendar.timeZone, settle: () => settleOutbox(bot), onError: (error) => opts.log.error({ err: error }, 'sandbox: running the scheduled slots failed') });
    ticks.start();

    const world = new SandboxWorld(opts, clock, telegram, feishu, wechat, bot, ticks);
    if (saved.customers?.length) for (const c of saved.customers) await world.addCustomer(c.channel, c.name, c.language, { restore: c });
    else {
      const lang = opts.config.defaultLanguage;
      await world.addCustomer('telegram', lang === 'zh' ? '张伟' : 'Alex Chen', lang);
      await world.addCustomer('wechat', lang === 'zh' ? '李娜' : 'Lina Li', lang);
    }
    world.save();
    return world;
  }

  get port(): number {
    return this.bot.port;
  }

  changed(): void {
    this.version += 1;
  }

  save(): void {
    const state: SavedState = { simulatedAt: this.clock.now().toISOString(), customers: this.customers };
    writeFileSync(path.join(this.opts.dataDir, 'sandbox.json'), JSON.stringify(state, null, 2));
  }

  async addCustomer(channel: 'telegram' | 'wechat', name: string, language: Language, opts: { restore?: SandboxCustomer } = {}): Promise<SandboxCustomer> {
    let customer: SandboxCustomer;
    if (channel === 'telegram') {
      const [first, ...rest] = name.split(' ');
      const user = this.telegram.createUser({ first_name: first || name, ...(rest.length ? { last_name: rest.join(' ') } : {}), language_code: language });
      customer = { id: `tg-${user.id}`, channel, name, language, telegramId: user.id };
    } else {
      const openId = opts.restore?.openId ?? `o${randomBytes(14).toString('base64url').slice(0, 27)}`;
      customer = { id: `wx-${openId}`, channel, name, language, openId };
      this.wechat.user(openId);
    }
    this.customers.push(customer);
    if (!opts.restore) {
      this.save();
      // Following the official account is how a WeChat conversation starts; the bot greets like /start.
      if (channel === 'wechat') await this.wechatSay(customer, null);
      // WeChat tells the bot no language: the customer picks theirs in the chat, as a real one would.
      if (channel === 'wechat' && language !== this.opts.config.defaultLanguage) await this.wechatPickLanguage(customer, language);
    }
    this.changed();
    return customer;
  }

  customer(id: string): SandboxCustomer {
    const c = this.customers.find((x) => x.id === id);
    if (!c) throw new SandboxInputError(`no customer ${id}`);
    return c;
  }

  /** A WeChat customer writes `text` (null: follows the account); the push goes signed and encrypted to the bot. */
  async wechatSay(customer: SandboxCustomer, text: string | null, image?: boolean): Promise<void> {
    const user = this.wechat.user(customer.openId!);
    const log = this.typed.get(customer.id) ?? [];
    this.typed.set(customer.id, log);
    if (text !== null || image) log.push({ id: randomBytes(6).toString('hex'), at: this.clock.nowMs(), from: customer.id, text: text ?? '', ...(image ? { image: true } : {}) });
    this.changed();
    const following = text === null && !image;
    const greeted = following ? this.wechat.waitForMessage((m) => m.openId === customer.openId, 15_000) : undefined;
    const result = following ? await user.follow() : image ? await user.sendImage() : await user.say(text!);
    if (result.status !== 200) throw new Error(`the bot answered the WeChat push with ${result.status}: ${result.text}`);
    // the greeting is part of adding a customer (and at start comes before the line with the address)
    await greeted?.catch(() => undefined);
  }

  private async wechatPickLanguage(customer: SandboxCustomer, language: Language): Promise<void> {
    const label = language === 'en' ? 'English' : '中文';
    const options = this.wechat.waitForMessage((m) => m.openId === customer.openId && new RegExp(`\\d+\\.\\s*${label}`).test(m.text ?? ''), 15_000);
    await this.wechatSay(customer, '/lang');
    const number = new RegExp(`(\\d+)\\.\\s*${label}`).exec((await options).text ?? '')?.[1];
    if (number) await this.wechatSay(customer, number);
  }

  /** A staff member types in a Feishu group: the `im.message.receive_v1` event Feishu would push (the bot is @mentioned, as in a real group). */
  async feishuSay(chatId: string, openId: string, text: string): Promise<void> {
    const log = this.typed.get(chatId) ?? [];
    this.typed.set(chatId, log);
    const messageId = `om_${randomBytes(12).toString('hex')}`;
    log.push({ id: messageId, at: this.clock.nowMs(), from: openId, text });
    this.changed();
    await this.feishu.pushEvent('im.message.receive_v1', {
      sender: { sender_id: { open_id: openId }, sender_type: 'user', tenant_key: this.feishu.tenantKey },
      message: {
        message_id: messageId,
        root_id: '',
        parent_id: '',
        create_time: String(this.clock.nowMs()),
        chat_id: chatId,
        chat_type: 'group',
        message_type: 'text',
        content: JSON.stringify({ text: `@_user_1 ${text}` }),
        mentions: [{ key: '@_user_1', id: { open_id: 'ou_sandbox_bot' }, name: 'complaint-bot', tenant_key: this.feishu.tenantKey }],
      },
    });
  }

  /** Where each time control moves the clock. */
  targetOf(step: TimeStep, from: Date = this.clock.now()): Date {
    const { calendar, config } = this.bot.ctx;
    const tz = calendar.timeZone;
    switch (step) {
      case 'hour':
        return new Date(from.getTime() + 3600_000);
      case 'workday': {
        let d = DateTime.fromJSDate(from).setZone(tz).plus({ days: 1 });
        while (!isWorkingDay(d.toJSDate(), calendar)) d = d.plus({ days: 1 });
        return d.toJSDate();
      }
      case 'digest':
        return nextSlotAt({ kind: 'weekly', weekday: config.jobs.weeklyDigest.weekday, at: config.jobs.weeklyDigest.at }, from, tz);
      case 'month':
        return nextSlotAt({ kind: 'monthly', dayOfMonth: config.jobs.monthlySummary.dayOfMonth, at: config.jobs.monthlySummary.at }, from, tz);
    }
  }

  /** Moves simulated time, running every scheduled slot on the way as the scheduler would. */
  async advance(step: TimeStep): Promise<{ now: Date; slots: number }> {
    if (this.moving) throw new SandboxInputError('the clock is already moving');
    this.moving = step;
    this.changed();
    try {
      const started = Date.now();
      const slots = await this.ticks.advanceTo(this.targetOf(step));
      this.opts.log.info({ step, slots, ms: Date.now() - started, now: this.clock.now() }, 'sandbox: the clock moved; the scheduler ran every slot on the way');
      this.save();
      return { now: this.clock.now(), slots };
    } finally {
      this.moving = null;
      this.changed();
    }
  }

  async stop(): Promise<void> {
    await this.ticks.stop();
    this.save();
    await this.bot.stop();
    await Promise.all([this.telegram.stop(), this.feishu.stop(), this.wechat.stop()]);
  }

  /** Stops and deletes everything the sandbox stored: the next start is a fresh installation. */
  async wipe(): Promise<void> {
    await this.stop();
    rmSync(this.opts.dataDir, { recursive: true, force: true });
  }
}

/** Bad input from the page: answered with 400. */
export class SandboxInputError extends Error {}

/**
 * Delivers what the slot queued before simulated time moves on: passes until none claims a row and the
 * background loop has nothing in flight either (a row it holds — waiting on a group's rate limit, say —
 * cannot be claimed by a pass, and would otherwise still be on its way when the time step answers).
 */
async function settleOutbox(bot: RunningBot): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await bot.outbox.settled();
    if ((await bot.outbox.runOnce()) === 0 && bot.outbox.busy === 0) return;
  }
}

function readState(dataDir: string): SavedState {
  const file = path.join(dataDir, 'sandbox.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SavedState;
  } catch {
    return {};
  }
}
