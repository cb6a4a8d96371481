import type {
  BotCommand,
  CallbackQuery,
  Chat,
  Message,
  ReplyKeyboardMarkup,
  User,
  UserFromGetMe,
} from 'grammy/types';
import { FileStore } from './files.ts';

export type GroupChat = Chat.GroupChat | Chat.SupergroupChat;

export interface NewUserOptions {
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: true;
}

export interface NewGroupOptions {
  title: string;
  /** Defaults to 'supergroup', what most groups are today. */
  type?: 'group' | 'supergroup';
  /** Public username, so that the bot can address it as `@username`. Supergroups only. */
  username?: string;
}

interface CallbackEntry {
  query: CallbackQuery;
  answered: boolean;
}

/**
 * The state of the emulated Telegram: users, chats, the messages in them, files,
 * callback queries and bot settings. Every read returns a copy, so callers cannot
 * change stored state by accident; edits replace stored messages.
 */
export class World {
  readonly files = new FileStore();
  private readonly users = new Map<number, User>();
  private readonly chats = new Map<number, Chat>();
  private readonly messages = new Map<number, Map<number, Message>>();
  private readonly lastMessageId = new Map<number, number>();
  private readonly callbackQueries = new Map<string, CallbackEntry>();
  private readonly blockedBy = new Set<number>();
  private readonly commands = new Map<string, BotCommand[]>();
  private readonly replyKeyboards = new Map<number, ReplyKeyboardMarkup>();
  private userCount = 0;
  private groupCount = 0;
  private callbackCount = 0;

  constructor(readonly bot: UserFromGetMe) {}

  addUser(opts: NewUserOptions = {}): User {
    this.userCount += 1;
    const user: User = {
      id: 1_000_000 + this.userCount,
      is_bot: false,
      first_name: opts.first_name ?? `User ${this.userCount}`,
    };
    if (opts.last_name !== undefined) user.last_name = opts.last_name;
    if (opts.username !== undefined) user.username = opts.username;
    if (opts.language_code !== undefined) user.language_code = opts.language_code;
    if (opts.is_premium) user.is_premium = true;
    this.users.set(user.id, user);
    const chat: Chat.PrivateChat = { id: user.id, type: 'private', first_name: user.first_name };
    if (user.last_name !== undefined) chat.last_name = user.last_name;
    if (user.username !== undefined) chat.username = user.username;
    this.chats.set(chat.id, chat);
    return structuredClone(user);
  }

  addGroup(opts: NewGroupOptions): GroupChat {
    this.groupCount += 1;
    const chat: GroupChat =
      opts.type === 'group'
        ? { id: -(400_000_000 + this.groupCount), type: 'group', title: opts.title }
        : { id: -(1_001_000_000_000 + this.groupCount), type: 'supergroup', title: opts.title };
    if (chat.type === 'supergroup' && opts.username !== undefined) chat.username = opts.username;
    this.chats.set(chat.id, chat);
    return structuredClone(chat);
  }

  user(id: number): User | undefined {
    const user = this.users.get(id);
    return user ? structuredClone(user) : undefined;
  }

  chat(id: number): Chat | undefined {
    const chat = this.chats.get(id);
    return chat ? structuredClone(chat) : undefined;
  }

  /** Resolves a `chat_id` parameter: a numeric id or a public `@username`. */
  resolveChat(chatId: unknown): Chat | undefined {
    if (typeof chatId === 'number') return this.chat(chatId);
    if (typeof chatId !== 'string') return undefined;
    if (/^-?\d+$/.test(chatId)) return this.chat(Number(chatId));
    if (!chatId.startsWith('@')) return undefined;
    const username = chatId.slice(1).toLowerCase();
    for (const chat of this.chats.values()) {
      // Private chats cannot be addressed by username in the Bot API.
      if (chat.type !== 'private' && chat.username?.toLowerCase() === username) return structuredClone(chat);
    }
    return undefined;
  }

  /** Message ids are sequential per chat and shared by the bot and the users in it. */
  nextMessageId(chatId: number): number {
    const id = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, id);
    return id;
  }

  saveMessage(message: Message): void {
    let chatMessages = this.messages.get(message.chat.id);
    if (!chatMessages) {
      chatMessages = new Map();
      this.messages.set(message.chat.id, chatMessages);
    }
    chatMessages.set(message.message_id, structuredClone(message));
  }

  message(chatId: number, messageId: number): Message | undefined {
    const message = this.messages.get(chatId)?.get(messageId);
    return message ? structuredClone(message) : undefined;
  }

  deleteMessage(chatId: number, messageId: number): boolean {
    return this.messages.get(chatId)?.delete(messageId) ?? false;
  }

  /** Messages in a chat in send order, optionally only those from one sender. */
  messagesIn(chatId: number, fromId?: number): Message[] {
    const all = [...(this.messages.get(chatId)?.values() ?? [])];
    return all
      .filter((m) => fromId === undefined || m.from?.id === fromId)
      .sort((a, b) => a.message_id - b.message_id)
      .map((m) => structuredClone(m));
  }

  newCallbackQueryId(): string {
    this.callbackCount += 1;
    // Real ids are large decimal strings.
    return `${4_000_000_000_000_000n + BigInt(this.callbackCount)}`;
  }

  saveCallbackQuery(query: CallbackQuery): void {
    this.callbackQueries.set(query.id, { query: structuredClone(query), answered: false });
  }

  /** Marks the query answered; false when it is unknown or was answered before. */
  answerCallbackQuery(id: string): CallbackQuery | undefined {
    const entry = this.callbackQueries.get(id);
    if (!entry || entry.answered) return undefined;
    entry.answered = true;
    return structuredClone(entry.query);
  }

  setBlocked(userId: number, blocked: boolean): void {
    if (blocked) this.blockedBy.add(userId);
    else this.blockedBy.delete(userId);
  }

  isBlocked(userId: number): boolean {
    return this.blockedBy.has(userId);
  }

  setCommands(key: string, commands: BotCommand[] | undefined): void {
    if (commands && commands.length > 0) this.commands.set(key, structuredClone(commands));
    else this.commands.delete(key);
  }

  getCommands(key: string): BotCommand[] {
    return structuredClone(this.commands.get(key) ?? []);
  }

  setReplyKeyboard(chatId: number, keyboard: ReplyKeyboardMarkup | undefined): void {
    if (keyboard) this.replyKeyboards.set(chatId, structuredClone(keyboard));
    else this.replyKeyboards.delete(chatId);
  }

  replyKeyboard(chatId: number): ReplyKeyboardMarkup | undefined {
    const keyboard = this.replyKeyboards.get(chatId);
    return keyboard ? structuredClone(keyboard) : undefined;
  }
}
