import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  BotCommand,
  BotCommandScope,
  CallbackQuery,
  Chat,
  InlineKeyboardButton,
  Message,
  ReplyKeyboardMarkup,
  Update,
  User,
  UserFromGetMe,
} from 'grammy/types';
import { Params, parseBody, readBody } from './body.ts';
import { makeError, notFound, TelegramApiError, unauthorized, type TelegramErrorBody } from './errors.ts';
import { TINY_PNG } from './files.ts';
import { detectEntities, formatText } from './formatting.ts';
import { BotApi, commandsKey } from './methods.ts';
import type {
  BotCall,
  CallbackAnswer,
  EmulatorStats,
  FailNextOptions,
  NextBotCallOptions,
  TelegramEmulatorOptions,
  UserDocumentOptions,
  UserMessageOptions,
  UserPhotoOptions,
  WaitForCallOptions,
} from './types.ts';
import { UpdateHub, type NewUpdate, type WebhookDelivery } from './updates.ts';
import { World, type GroupChat, type NewGroupOptions, type NewUserOptions } from './world.ts';

export const DEFAULT_TOKEN = '123456789:AAE-emulated-token-for-tests';

const DEFAULT_TIMEOUT_MS = 5000;

interface InjectedFailure {
  error: TelegramApiError;
  remaining: number;
}

interface CallWaiter {
  matches(call: BotCall): boolean;
  /** Consuming waiters (nextBotCall) take a call away from later consuming waiters. */
  consumes: boolean;
  resolve(call: BotCall): void;
  reject(error: Error): void;
}

/**
 * An in-process Telegram Bot API server for tests and sandboxes.
 *
 * Point a bot at it with `new Bot(emu.token, { client: { apiRoot: emu.apiRoot } })`, then act as
 * users (`createUser`, `sendText`, `clickButton`, …) and observe what the bot does (`calls`,
 * `nextBotCall`, `messagesIn`, `callbackAnswers`).
 */
export class TelegramEmulator {
  readonly token: string;
  readonly bot: UserFromGetMe;
  /** Every Bot API call except getUpdates, in the order they were answered. */
  readonly calls: BotCall[] = [];
  /** Every successful answerCallbackQuery. */
  readonly callbackAnswers: CallbackAnswer[] = [];
  readonly stats: EmulatorStats = { getUpdates: 0, requests: 0, byMethod: {} };

  private readonly options: TelegramEmulatorOptions;
  private readonly now: () => number;
  private readonly world: World;
  private readonly hub: UpdateHub;
  private readonly api: BotApi;
  private readonly failures = new Map<string, InjectedFailure[]>();
  /** How many injected network faults (netFaultNext) requests have met so far. */
  netFaultsTaken = 0;
  private readonly netFaults = new Map<string, { kind: 'hang' | 'reset'; remaining: number }[]>();
  private readonly consumed = new Set<number>();
  private readonly waiters = new Set<CallWaiter>();
  private readonly listeners = new Set<(call: BotCall) => void>();
  private server: Server | undefined;
  private root: string | undefined;
  private stopped = false;

  constructor(options: TelegramEmulatorOptions = {}) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.token = options.token ?? DEFAULT_TOKEN;
    const botId = Number(/^(\d+):[\w-]+$/.exec(this.token)?.[1]);
    if (!Number.isSafeInteger(botId)) throw new Error(`Invalid bot token "${this.token}": expected "<digits>:<secret>"`);
    this.bot = {
      first_name: 'Emulated Bot',
      username: 'emulated_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
      ...options.botInfo,
      id: botId,
      is_bot: true,
    };
    this.world = new World(this.bot);
    this.hub = new UpdateHub(
      { maxAttempts: 4, backoffMs: 100, timeoutMs: 10_000, ...options.webhook },
      async (method, params) => {
        await this.invoke(method, new Params({ fields: params, parts: new Map(), fromForm: false }), {
          via: 'webhook-reply',
          signal: new AbortController().signal,
        });
      },
      options.firstUpdateId,
    );
    this.api = new BotApi({
      world: this.world,
      hub: this.hub,
      recordCallbackAnswer: (answer) => this.callbackAnswers.push(answer),
      now: this.now,
    });
  }

  // ================================================================== lifecycle

  /** Base URL for grammY's `client.apiRoot`, e.g. http://127.0.0.1:40123. Only valid after start(). */
  get apiRoot(): string {
    if (!this.root) throw new Error('TelegramEmulator: call start() first');
    return this.root;
  }

  /** Starts listening and resolves with `apiRoot`. */
  async start(): Promise<string> {
    if (this.server) return this.apiRoot;
    if (this.stopped) throw new Error('TelegramEmulator: a stopped emulator cannot be restarted; create a new one');
    const server = createServer((req, res) => void this.handle(req, res));
    // A long poll may outlast Node's request timeout; a long keep-alive keeps clients from
    // reusing a socket the server is just closing (ECONNRESET). stop() closes idle sockets anyway.
    server.keepAliveTimeout = 65_000;
    server.requestTimeout = 0;
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.root = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return this.root;
  }

  /**
   * Answers pending long polls with an empty result, stops webhook delivery, rejects pending
   * waits and closes the server and all its connections.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.hub.close();
    for (const waiter of [...this.waiters]) waiter.reject(new Error('TelegramEmulator stopped'));
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Connections still busy (e.g. a slow upload) are cut after a grace period.
      setTimeout(() => server.closeAllConnections(), 1000).unref();
    });
  }

  // ================================================================== error injection

  /**
   * Makes the next call(s) of `method` fail with Telegram's error shape. `method` is
   * case-insensitive; '*' matches any method except getUpdates. Failures queue up in order.
   */
  failNext(method: string, opts: FailNextOptions): void {
    const key = method.toLowerCase();
    const queue = this.failures.get(key) ?? [];
    queue.push({
      error: makeError(opts.error_code, {
        description: opts.description,
        retryAfter: opts.retry_after,
        migrateToChatId: opts.migrate_to_chat_id,
      }),
      remaining: opts.times ?? 1,
    });
    this.failures.set(key, queue);
  }

  clearFailures(): void {
    this.failures.clear();
    this.netFaults.clear();
  }

  /**
   * Makes the next call(s) of `method` fail at the network level: 'hang' never answers (until the
   * emulator stops), 'reset' destroys the connection without an answer. The call is not applied.
   */
  netFaultNext(method: string, kind: 'hang' | 'reset', times = 1): void {
    const key = method.toLowerCase();
    const queue = this.netFaults.get(key) ?? [];
    queue.push({ kind, remaining: times });
    this.netFaults.set(key, queue);
  }

  private takeNetFault(method: string): 'hang' | 'reset' | undefined {
    const keys = method === 'getupdates' ? [method] : [method, '*'];
    for (const key of keys) {
      const queue = this.netFaults.get(key);
      const head = queue?.[0];
      if (!queue || !head) continue;
      head.remaining -= 1;
      if (head.remaining <= 0) queue.shift();
      return head.kind;
    }
    return undefined;
  }

  // ================================================================== acting as users

  createUser(opts: NewUserOptions = {}): User {
    return this.world.addUser(opts);
  }

  createGroup(opts: NewGroupOptions): GroupChat {
    return this.world.addGroup(opts);
  }

  /** The user blocks (or unblocks) the bot: sends to their private chat then fail with 403. */
  setBlocked(user: { id: number }, blocked = true): void {
    this.world.setBlocked(user.id, blocked);
  }

  /**
   * The user writes `text` (commands, mentions, hashtags and URLs get entities). Returns the stored
   * message. In groups the bot only receives it if privacy mode lets it through (see botInfo).
   */
  sendText(user: { id: number }, text: string, opts: UserMessageOptions = {}): Message {
    const entities = detectEntities(text);
    return this.userMessage(user, opts, entities.length ? { text, entities } : { text });
  }

  /** Like sendText, but `markup` is parsed with parse_mode (handy for formatted or forwarded text). */
  sendFormattedText(
    user: { id: number },
    markup: string,
    parseMode: 'HTML' | 'MarkdownV2' | 'Markdown',
    opts: UserMessageOptions = {},
  ): Message {
    const { text, entities } = formatText(markup, parseMode, undefined);
    return this.userMessage(user, opts, entities.length ? { text, entities } : { text });
  }

  sendPhoto(user: { id: number }, opts: UserPhotoOptions = {}): Message {
    const data = opts.data ?? TINY_PNG;
    const size = opts.width !== undefined && opts.height !== undefined ? { width: opts.width, height: opts.height } : undefined;
    const photo = this.world.files.addPhoto(data, size);
    return this.userMessage(user, opts, { photo, ...this.userCaption(opts.caption) });
  }

  sendDocument(user: { id: number }, opts: UserDocumentOptions): Message {
    const data = opts.data ?? Buffer.from(`Emulated file ${opts.file_name}\n`);
    const document = this.world.files.addDocument(data, { file_name: opts.file_name, mime_type: opts.mime_type });
    return this.userMessage(user, opts, { document, ...this.userCaption(opts.caption) });
  }

  /**
   * The user presses the inline button with `callbackData` on the current version of `message`.
   * Throws if the message no longer shows such a button (set `force` to press it anyway, as a
   * client with a stale message could). Returns the callback query id.
   */
  clickButton(
    user: { id: number },
    message: Pick<Message, 'message_id' | 'chat'>,
    callbackData: string,
    opts: { force?: boolean } = {},
  ): string {
    const current = this.currentMessage(message);
    const buttons = callbackButtons(current);
    if (!opts.force && !buttons.some((b) => b.callback_data === callbackData)) {
      throw new Error(
        `clickButton: message ${current.message_id} in chat ${current.chat.id} has no button with callback_data ` +
          `${JSON.stringify(callbackData)}; it has ${JSON.stringify(buttons.map((b) => b.callback_data))}`,
      );
    }
    const from = this.requireUser(user.id);
    const query: CallbackQuery = {
      id: this.world.newCallbackQueryId(),
      from,
      message: current,
      chat_instance: String(Math.abs(current.chat.id) * 7919 + this.bot.id),
      data: callbackData,
    };
    this.world.saveCallbackQuery(query);
    this.hub.push({ callback_query: query });
    return query.id;
  }

  /** Presses the callback button whose label is `text`. */
  clickButtonByText(user: { id: number }, message: Pick<Message, 'message_id' | 'chat'>, text: string): string {
    const current = this.currentMessage(message);
    const button = callbackButtons(current).find((b) => b.text === text);
    if (!button) {
      throw new Error(
        `clickButtonByText: message ${current.message_id} has no callback button labelled ${JSON.stringify(text)}`,
      );
    }
    return this.clickButton(user, current, button.callback_data);
  }

  /** Queues any update as is (e.g. my_chat_member); the server assigns update_id. */
  injectUpdate(update: NewUpdate): Update {
    return this.hub.push(update);
  }

  // ================================================================== observing the bot

  /** The bot's messages in a chat, as they are now (after edits, without deleted ones). */
  messagesIn(chatId: number): Message[] {
    return this.world.messagesIn(chatId, this.bot.id);
  }

  /** All messages in a chat, from users and the bot. */
  chatHistory(chatId: number): Message[] {
    return this.world.messagesIn(chatId);
  }

  message(chatId: number, messageId: number): Message | undefined {
    return this.world.message(chatId, messageId);
  }

  /** The reply keyboard the bot currently shows in a chat, if any. */
  replyKeyboard(chatId: number): ReplyKeyboardMarkup | undefined {
    return this.world.replyKeyboard(chatId);
  }

  /** Commands set with setMyCommands for a scope (default scope) and language. */
  commands(scope: BotCommandScope = { type: 'default' }, languageCode = ''): BotCommand[] {
    return this.world.getCommands(commandsKey(scope, languageCode));
  }

  get webhookDeliveries(): readonly WebhookDelivery[] {
    return this.hub.deliveries;
  }

  get pendingUpdateCount(): number {
    return this.hub.pendingCount;
  }

  /** A stored file (sent by a user or uploaded by the bot) by its file_id, e.g. for the sandbox page to show. */
  file(fileId: string): { data: Buffer; mime_type?: string; file_name?: string } | undefined {
    const file = this.world.files.get(fileId);
    return file ? { data: file.data, mime_type: file.mime_type, file_name: file.file_name } : undefined;
  }

  /** URL to download a file by its `file_path` from getFile. */
  fileUrl(filePath: string): string {
    return `${this.apiRoot}/file/bot${this.token}/${filePath}`;
  }

  /** Calls `listener` for every recorded call; returns an unsubscribe function. */
  onCall(listener: (call: BotCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with the earliest recorded call matching `method` (one name or several) and the
   * options that no earlier nextBotCall returned; waits for it if there is none yet. Each call is
   * returned once, so `sendText(...)` followed by `await nextBotCall('sendMessage')` never races,
   * even if the bot answered before nextBotCall was called. Failed calls (e.g. injected 429s)
   * are returned too; check `call.error`. `skipCalls()` consumes everything recorded so far.
   */
  nextBotCall(method?: string | string[], opts: NextBotCallOptions = {}): Promise<BotCall> {
    const methods = method === undefined ? undefined : (Array.isArray(method) ? method : [method]).map((m) => m.toLowerCase());
    const after = opts.onlyNew ? this.calls.length : 0;
    const matches = (call: BotCall): boolean =>
      call.seq > after &&
      !this.consumed.has(call.seq) &&
      (methods === undefined || methods.includes(call.method.toLowerCase())) &&
      (opts.chatId === undefined || String(call.params.chat_id) === String(opts.chatId)) &&
      (opts.predicate === undefined || opts.predicate(call));
    const description = [
      methods ? methods.join('|') : 'any method',
      opts.chatId !== undefined ? `chatId=${opts.chatId}` : '',
      opts.predicate ? 'predicate' : '',
    ]
      .filter(Boolean)
      .join(', ');
    return this.waitFor(`nextBotCall(${description})`, matches, true, opts.timeoutMs);
  }

  /**
   * Resolves with the first call at index ≥ `fromIndex` (default 0, i.e. also past calls) matching
   * `predicate`, without consuming it. A number as second argument is the timeout in ms.
   */
  waitForCall(predicate: (call: BotCall) => boolean, opts: WaitForCallOptions | number = {}): Promise<BotCall> {
    const { fromIndex = 0, timeoutMs } = typeof opts === 'number' ? { timeoutMs: opts } : opts;
    return this.waitFor('waitForCall', (call) => call.seq > fromIndex && predicate(call), false, timeoutMs);
  }

  /** Waits for the bot to answer the callback query with this id. */
  async waitForCallbackAnswer(callbackQueryId: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CallbackAnswer> {
    const existing = this.callbackAnswers.find((a) => a.callback_query_id === callbackQueryId);
    if (existing) return existing;
    await this.waitForCall(
      (c) => c.method === 'answerCallbackQuery' && !c.error && c.params.callback_query_id === callbackQueryId,
      { timeoutMs },
    );
    return this.callbackAnswers.find((a) => a.callback_query_id === callbackQueryId)!;
  }

  /** Marks every call recorded so far as consumed for nextBotCall. */
  skipCalls(): void {
    for (const call of this.calls) this.consumed.add(call.seq);
  }

  // ================================================================== internals

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort();
    });
    try {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (fileMatch && (req.method === 'GET' || req.method === 'HEAD')) {
        this.serveFile(fileMatch[1]!, decodeURIComponent(fileMatch[2]!), res);
        return;
      }
      const methodMatch = /^\/bot([^/]+)\/([A-Za-z0-9_]*)\/?$/.exec(url.pathname);
      if (!methodMatch || (req.method !== 'GET' && req.method !== 'POST')) throw notFound();
      this.stats.requests += 1;
      if (methodMatch[1] !== this.token) throw unauthorized();
      const netFault = this.takeNetFault(methodMatch[2]!.toLowerCase());
      if (netFault) this.netFaultsTaken += 1;
      if (netFault === 'hang') return;
      if (netFault === 'reset') {
        req.socket.destroy();
        return;
      }
      const body = parseBody(req.headers['content-type'], await readBody(req, this.options.maxBodyBytes ?? 50 * 2 ** 20));
      const params = new Params(body, Object.fromEntries(url.searchParams));
      const result = await this.invoke(methodMatch[2]!, params, { via: 'http', signal: aborter.signal });
      this.send(res, 200, { ok: true, result });
    } catch (err) {
      const error = err instanceof TelegramApiError ? err : internalError(err);
      this.send(res, error.errorCode, error.toBody());
    }
  }

  private async invoke(
    method: string,
    params: Params,
    ctx: { via: BotCall['via']; signal: AbortSignal },
  ): Promise<unknown> {
    const entry = this.api.handlers.get(method.toLowerCase());
    if (!entry) throw notFound();
    const isPoll = entry.name === 'getUpdates';
    this.stats.byMethod[entry.name] = (this.stats.byMethod[entry.name] ?? 0) + 1;
    if (isPoll) this.stats.getUpdates += 1;
    const record = (outcome: { result: unknown } | { error: TelegramErrorBody }): void => {
      if (isPoll) return;
      this.record({ seq: this.calls.length + 1, method: entry.name, params: params.toRecord(), ...outcome, at: this.now(), via: ctx.via });
    };
    const injected = this.takeFailure(entry.name);
    if (injected) {
      record({ error: injected.toBody() });
      throw injected;
    }
    try {
      const result = await entry.handler({ params, signal: ctx.signal });
      record({ result: structuredClone(result) });
      return result;
    } catch (err) {
      const error = err instanceof TelegramApiError ? err : internalError(err);
      record({ error: error.toBody() });
      throw error;
    }
  }

  private takeFailure(method: string): TelegramApiError | undefined {
    const keys = method === 'getUpdates' ? [method.toLowerCase()] : [method.toLowerCase(), '*'];
    for (const key of keys) {
      const queue = this.failures.get(key);
      const head = queue?.[0];
      if (!queue || !head) continue;
      head.remaining -= 1;
      if (head.remaining <= 0) queue.shift();
      return head.error;
    }
    return undefined;
  }

  private record(call: BotCall): void {
    this.calls.push(call);
    for (const listener of this.listeners) {
      try {
        listener(call);
      } catch {
        // A faulty listener must not break the bot's request.
      }
    }
    let taken = false;
    for (const waiter of [...this.waiters]) {
      if (waiter.consumes && taken) continue;
      if (!waiter.matches(call)) continue;
      if (waiter.consumes) {
        this.consumed.add(call.seq);
        taken = true;
      }
      waiter.resolve(call);
    }
  }

  private waitFor(
    description: string,
    matches: (call: BotCall) => boolean,
    consumes: boolean,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<BotCall> {
    const existing = this.calls.find(matches);
    if (existing) {
      if (consumes) this.consumed.add(existing.seq);
      return Promise.resolve(existing);
    }
    if (this.stopped) return Promise.reject(new Error(`${description}: TelegramEmulator stopped`));
    return new Promise<BotCall>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiter.reject(
          new Error(`${description} timed out after ${timeoutMs} ms. Last calls:\n${formatCalls(this.calls.slice(-10))}`),
        );
      }, timeoutMs);
      const waiter: CallWaiter = {
        matches,
        consumes,
        resolve: (call) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(call);
        },
        reject: (error) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  private serveFile(token: string, filePath: string, res: ServerResponse): void {
    if (token !== this.token) {
      this.send(res, 401, unauthorized().toBody());
      return;
    }
    const file = this.world.files.getByPath(filePath);
    if (!file) {
      this.send(res, 404, notFound().toBody());
      return;
    }
    if (this.stopped) res.shouldKeepAlive = false;
    res.writeHead(200, {
      'content-type': file.mime_type ?? 'application/octet-stream',
      'content-length': file.data.length,
    });
    res.end(file.data);
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    // Long polls answered by stop() must not keep their keep-alive connection (and stop()) waiting.
    if (this.stopped) res.shouldKeepAlive = false;
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  private requireUser(id: number): User {
    const user = this.world.user(id);
    if (!user) throw new Error(`Unknown user ${id}: create users with emu.createUser()`);
    return user;
  }

  private currentMessage(message: Pick<Message, 'message_id' | 'chat'>): Message {
    const current = this.world.message(message.chat.id, message.message_id);
    if (!current) throw new Error(`Message ${message.message_id} in chat ${message.chat.id} does not exist (deleted?)`);
    return current;
  }

  private userCaption(caption: string | undefined): Partial<Message> {
    if (!caption) return {};
    const entities = detectEntities(caption);
    return entities.length ? { caption, caption_entities: entities } : { caption };
  }

  private userMessage(user: { id: number }, opts: UserMessageOptions, content: Partial<Message>): Message {
    const from = this.requireUser(user.id);
    const chat: Chat | undefined = this.world.chat(opts.chat?.id ?? from.id);
    if (!chat) throw new Error(`Unknown chat ${opts.chat?.id}: create groups with emu.createGroup()`);
    if (chat.type === 'channel') throw new Error('Users cannot write in channels through the emulator');
    // Writing to the bot means the user has unblocked it.
    if (chat.type === 'private') this.world.setBlocked(from.id, false);
    const message: Message & Update.NonChannel = {
      ...content,
      message_id: this.world.nextMessageId(chat.id),
      from,
      chat,
      date: Math.floor(this.now() / 1000),
    };
    if (opts.replyTo) {
      const target = this.world.message(chat.id, opts.replyTo.message_id);
      if (!target) throw new Error(`Cannot reply: message ${opts.replyTo.message_id} not found in chat ${chat.id}`);
      message.reply_to_message = { ...target, reply_to_message: undefined };
    }
    this.world.saveMessage(message);
    if (this.botSees(message)) this.hub.push({ message });
    return structuredClone(message);
  }

  /**
   * Privacy mode: unless getMe says can_read_all_group_messages, a bot in a group only receives
   * commands (not those addressed to other bots), mentions of itself and replies to its messages.
   */
  private botSees(message: Message): boolean {
    if (message.chat.type === 'private' || this.bot.can_read_all_group_messages) return true;
    if (message.reply_to_message?.from?.id === this.bot.id) return true;
    const text = (message.text ?? message.caption ?? '').toLowerCase();
    const username = `@${this.bot.username.toLowerCase()}`;
    return (message.entities ?? message.caption_entities ?? []).some((entity) => {
      const part = text.slice(entity.offset, entity.offset + entity.length);
      if (entity.type === 'bot_command') return !part.includes('@') || part.endsWith(username);
      return entity.type === 'mention' && part === username;
    });
  }
}

function callbackButtons(message: Message): InlineKeyboardButton.CallbackButton[] {
  return (message.reply_markup?.inline_keyboard ?? [])
    .flat()
    .filter((b): b is InlineKeyboardButton.CallbackButton => 'callback_data' in b);
}

function internalError(err: unknown): TelegramApiError {
  const message = err instanceof Error ? err.message : String(err);
  return new TelegramApiError(500, `Internal Server Error: ${message}`);
}

function formatCalls(calls: BotCall[]): string {
  if (calls.length === 0) return '  (no calls recorded)';
  return calls
    .map((call) => {
      const { chat_id, text, callback_query_id } = call.params;
      const details = [
        chat_id !== undefined ? `chat_id=${String(chat_id)}` : '',
        typeof text === 'string' ? `text=${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)}` : '',
        callback_query_id !== undefined ? `callback_query_id=${String(callback_query_id)}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      const outcome = call.error ? `error ${call.error.error_code} ${call.error.description}` : 'ok';
      return `  #${call.seq} ${call.method} ${details} -> ${outcome}`;
    })
    .join('\n');
}
