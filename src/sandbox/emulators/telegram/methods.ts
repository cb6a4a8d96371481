import type {
  BotCommand,
  Chat,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  MessageId,
  PhotoSize,
  ReplyKeyboardMarkup,
  ReplyParameters,
} from 'grammy/types';
import type { Params, UploadedPart } from './body.ts';
import { badRequest, forbidden } from './errors.ts';
import { guessMimeType, imageSize } from './files.ts';
import { formatText } from './formatting.ts';
import type { CallbackAnswer } from './types.ts';
import type { UpdateHub, UpdateType } from './updates.ts';
import type { World } from './world.ts';

export interface MethodContext {
  params: Params;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
}

export type MethodHandler = (ctx: MethodContext) => unknown;

export interface MethodHost {
  world: World;
  hub: UpdateHub;
  recordCallbackAnswer(answer: CallbackAnswer): void;
  /** ms since the epoch */
  now(): number;
}

type ReplyMessage = NonNullable<Message['reply_to_message']>;

interface ParsedMarkup {
  /** Attached to the message (only inline keyboards are). */
  inline?: InlineKeyboardMarkup;
  /** A reply keyboard to show in the chat, or null to remove it. */
  replyKeyboard?: ReplyKeyboardMarkup | null;
}

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const MAX_DOWNLOAD = 20 * 1024 * 1024;

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

const INLINE_BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];

/** JSON with sorted keys, so that equal objects compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** The Bot API methods, keyed by lower-case name (Telegram method names are case-insensitive). */
export class BotApi {
  readonly handlers = new Map<string, { name: string; handler: MethodHandler }>();

  constructor(private readonly host: MethodHost) {
    const methods: Record<string, MethodHandler> = {
      getMe: () => this.world.bot,
      getUpdates: (ctx) => this.getUpdates(ctx),
      setWebhook: (ctx) => this.setWebhook(ctx),
      deleteWebhook: ({ params }) => {
        this.hub.deleteWebhook(params.bool('drop_pending_updates') ?? false);
        return true;
      },
      getWebhookInfo: () => this.hub.webhookInfo(),
      sendMessage: (ctx) => this.sendMessage(ctx),
      sendPhoto: (ctx) => this.sendPhoto(ctx),
      sendDocument: (ctx) => this.sendDocument(ctx),
      copyMessage: (ctx) => this.copyMessage(ctx),
      forwardMessage: (ctx) => this.forwardMessage(ctx),
      editMessageText: (ctx) => this.editMessageText(ctx),
      editMessageCaption: (ctx) => this.editMessageCaption(ctx),
      editMessageReplyMarkup: (ctx) => this.editMessageReplyMarkup(ctx),
      deleteMessage: (ctx) => this.deleteMessage(ctx),
      answerCallbackQuery: (ctx) => this.answerCallbackQuery(ctx),
      getFile: (ctx) => this.getFile(ctx),
      sendChatAction: (ctx) => this.sendChatAction(ctx),
      setMyCommands: (ctx) => this.setMyCommands(ctx),
      getMyCommands: ({ params }) => this.world.getCommands(commandsKeyOf(params)),
      deleteMyCommands: ({ params }) => {
        this.world.setCommands(commandsKeyOf(params), undefined);
        return true;
      },
      getChat: ({ params }) => this.getChat(params),
    };
    for (const [name, handler] of Object.entries(methods)) this.handlers.set(name.toLowerCase(), { name, handler });
  }

  private get world(): World {
    return this.host.world;
  }

  private get hub(): UpdateHub {
    return this.host.hub;
  }

  // ------------------------------------------------------------------ updates

  private getUpdates({ params, signal }: MethodContext): Promise<unknown> {
    return this.hub.getUpdates({
      offset: params.int('offset'),
      limit: params.int('limit'),
      timeout: params.number('timeout'),
      allowedUpdates: params.json<UpdateType[]>('allowed_updates'),
      signal,
    });
  }

  private setWebhook({ params }: MethodContext): true {
    const url = params.string('url') ?? '';
    const dropPending = params.bool('drop_pending_updates') ?? false;
    if (url === '') {
      this.hub.deleteWebhook(dropPending);
      return true;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest('bad webhook: invalid URL');
    }
    // Telegram insists on HTTPS; plain HTTP is allowed here so tests can use local servers.
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }
    const secretToken = params.string('secret_token');
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw badRequest('secret token contains unallowed characters');
    }
    this.hub.setWebhook(
      {
        url,
        secretToken,
        maxConnections: params.int('max_connections'),
        allowedUpdates: params.json<UpdateType[]>('allowed_updates'),
      },
      dropPending,
    );
    return true;
  }

  // ------------------------------------------------------------------ sending

  private sendMessage({ params }: MethodContext): Message {
    const chat = this.writableChat(params);
    const content = this.formattedText(params);
    return this.saveBotMessage(chat, content, params);
  }

  private async sendPhoto({ params, signal }: MethodContext): Promise<Message> {
    const chat = this.writableChat(params);
    const input = params.file('photo');
    if (input === undefined || input === '') throw badRequest('there is no photo in the request');
    let photo: PhotoSize[];
    if (typeof input !== 'string') {
      photo = this.storePhoto(input.data);
    } else if (/^https?:\/\//i.test(input)) {
      photo = this.storePhoto(await download(input, signal));
    } else {
      const sizes = this.world.files.photoSizes(input);
      if (!sizes) throw this.world.files.get(input) ? badRequest('type of file mismatch') : wrongFileId();
      photo = sizes;
    }
    return this.saveBotMessage(chat, { photo, ...this.caption(params) }, params);
  }

  private async sendDocument({ params, signal }: MethodContext): Promise<Message> {
    const chat = this.writableChat(params);
    const input = params.file('document');
    if (input === undefined || input === '') throw badRequest('there is no document in the request');
    let document;
    if (typeof input !== 'string') {
      document = this.world.files.addDocument(input.data, { file_name: input.filename, mime_type: uploadMime(input) });
    } else if (/^https?:\/\//i.test(input)) {
      const fileName = decodeURIComponent(new URL(input).pathname.split('/').pop() || 'file');
      document = this.world.files.addDocument(await download(input, signal), { file_name: fileName });
    } else {
      const file = this.world.files.get(input);
      if (!file) throw wrongFileId();
      if (file.kind !== 'document') throw badRequest('type of file mismatch');
      document = this.world.files.toDocument(file);
    }
    return this.saveBotMessage(chat, { document, ...this.caption(params) }, params);
  }

  private copyMessage({ params }: MethodContext): MessageId {
    const source = this.sourceMessage(params, 'message to copy not found');
    const chat = this.writableChat(params);
    const content = copyableContent(source);
    if (params.has('caption') && content.text === undefined) Object.assign(content, this.caption(params));
    const message = this.saveBotMessage(chat, content, params);
    return { message_id: message.message_id };
  }

  private forwardMessage({ params }: MethodContext): Message {
    const source = this.sourceMessage(params, 'message to forward not found');
    const chat = this.writableChat(params);
    const content: Partial<Message> = {
      ...copyableContent(source),
      forward_origin: source.forward_origin ?? {
        type: 'user',
        date: source.date,
        sender_user: source.from ?? this.world.bot,
      },
    };
    // Forwards keep their content as is: no markup, no reply.
    return this.saveBotMessage(chat, content, undefined);
  }

  // ------------------------------------------------------------------ editing

  private editMessageText({ params }: MethodContext): Message {
    const message = this.editableMessage(params);
    if (message.text === undefined) throw badRequest('there is no text in the message to edit');
    const { text, entities } = this.formattedText(params);
    const markup = this.inlineMarkup(params);
    if (
      text === message.text &&
      canonicalJson(entities ?? []) === canonicalJson(message.entities ?? []) &&
      canonicalJson(markup) === canonicalJson(message.reply_markup)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    return this.saveEdit(message, { text, entities, reply_markup: markup });
  }

  private editMessageCaption({ params }: MethodContext): Message {
    const message = this.editableMessage(params);
    if (message.text !== undefined) throw badRequest('there is no caption in the message to edit');
    const { caption, caption_entities } = this.caption(params);
    const markup = this.inlineMarkup(params);
    if (
      caption === message.caption &&
      canonicalJson(caption_entities ?? []) === canonicalJson(message.caption_entities ?? []) &&
      canonicalJson(markup) === canonicalJson(message.reply_markup)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    return this.saveEdit(message, { caption, caption_entities, reply_markup: markup });
  }

  private editMessageReplyMarkup({ params }: MethodContext): Message {
    const message = this.editableMessage(params);
    const markup = this.inlineMarkup(params);
    if (canonicalJson(markup) === canonicalJson(message.reply_markup)) throw badRequest(NOT_MODIFIED);
    return this.saveEdit(message, { reply_markup: markup });
  }

  private deleteMessage({ params }: MethodContext): true {
    const chat = this.requireChat(params);
    const messageId = params.int('message_id');
    if (messageId === undefined) throw badRequest('message identifier is not specified');
    if (!this.world.deleteMessage(chat.id, messageId)) throw badRequest('message to delete not found');
    return true;
  }

  // ------------------------------------------------------------------ everything else

  private answerCallbackQuery({ params }: MethodContext): true {
    const id = params.string('callback_query_id') ?? '';
    const query = this.world.answerCallbackQuery(id);
    if (!query) throw badRequest('query is too old and response timeout expired or query ID is invalid');
    const answer: CallbackAnswer = {
      callback_query_id: id,
      user_id: query.from.id,
      show_alert: params.bool('show_alert') ?? false,
      at: this.host.now(),
    };
    if (query.data !== undefined) answer.data = query.data;
    const text = params.string('text');
    if (text !== undefined) answer.text = text;
    const url = params.string('url');
    if (url !== undefined) answer.url = url;
    const cacheTime = params.int('cache_time');
    if (cacheTime !== undefined) answer.cache_time = cacheTime;
    this.host.recordCallbackAnswer(answer);
    return true;
  }

  private getFile({ params }: MethodContext): unknown {
    const file = this.world.files.get(params.string('file_id') ?? '');
    if (!file) throw badRequest('invalid file_id');
    if (file.data.length > MAX_DOWNLOAD) throw badRequest('file is too big');
    return this.world.files.toFile(file);
  }

  private sendChatAction({ params }: MethodContext): true {
    this.writableChat(params);
    const action = params.string('action');
    if (!action || !CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
    return true;
  }

  private setMyCommands({ params }: MethodContext): true {
    const commands = params.json<BotCommand[]>('commands', "can't parse commands JSON object");
    if (!Array.isArray(commands)) throw badRequest('parameter "commands" is required');
    for (const command of commands) {
      if (typeof command?.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command.command)) {
        throw badRequest('BOT_COMMAND_INVALID');
      }
      if (typeof command.description !== 'string' || command.description.length < 1 || command.description.length > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
    }
    this.world.setCommands(
      commandsKeyOf(params),
      commands.map(({ command, description }) => ({ command, description })),
    );
    return true;
  }

  private getChat(params: Params): unknown {
    const chat = this.requireChat(params);
    return {
      ...chat,
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false,
        limited_gifts: false,
        unique_gifts: false,
        premium_subscription: false,
        gifts_from_channels: false,
      },
    };
  }

  // ------------------------------------------------------------------ helpers

  private requireChat(params: Params, field = 'chat_id'): Chat {
    const chatId = params.raw(field);
    if (chatId === undefined || chatId === '') throw badRequest(`${field} is empty`);
    const chat = this.world.resolveChat(chatId);
    if (!chat) throw badRequest('chat not found');
    return chat;
  }

  private writableChat(params: Params): Chat {
    const chat = this.requireChat(params);
    if (chat.type === 'private' && this.world.isBlocked(chat.id)) throw forbidden('bot was blocked by the user');
    return chat;
  }

  private formattedText(params: Params): { text: string; entities?: MessageEntity[] } {
    const raw = params.string('text') ?? '';
    const { text, entities } = formatText(
      raw,
      params.string('parse_mode'),
      params.json<MessageEntity[]>('entities', "can't parse entities JSON object"),
    );
    if (text.trim() === '') throw badRequest('message text is empty');
    if (text.length > MAX_TEXT) throw badRequest('message is too long');
    return entities.length ? { text, entities } : { text };
  }

  private caption(params: Params): { caption?: string; caption_entities?: MessageEntity[] } {
    const raw = params.string('caption');
    if (raw === undefined || raw === '') return {};
    const { text, entities } = formatText(
      raw,
      params.string('parse_mode'),
      params.json<MessageEntity[]>('caption_entities', "can't parse entities JSON object"),
    );
    if (text.length > MAX_CAPTION) throw badRequest('message caption is too long');
    if (text.trim() === '') return {};
    return entities.length ? { caption: text, caption_entities: entities } : { caption: text };
  }

  private storePhoto(data: Buffer): PhotoSize[] {
    const size = imageSize(data);
    if (!size) throw badRequest('IMAGE_PROCESS_FAILED');
    return this.world.files.addPhoto(data, size);
  }

  private markup(params: Params): ParsedMarkup {
    const markup = params.json<Record<string, unknown>>('reply_markup', "can't parse reply keyboard markup JSON object");
    if (markup === undefined) return {};
    if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) {
      throw badRequest("can't parse reply keyboard markup JSON object");
    }
    if ('inline_keyboard' in markup) {
      validateInlineKeyboard(markup.inline_keyboard);
      const inline = structuredClone(markup) as unknown as InlineKeyboardMarkup;
      // An inline keyboard without buttons is the same as none.
      return inline.inline_keyboard.some((row) => row.length > 0) ? { inline } : {};
    }
    if ('keyboard' in markup) {
      validateReplyKeyboard(markup.keyboard);
      return { replyKeyboard: structuredClone(markup) as unknown as ReplyKeyboardMarkup };
    }
    if ('remove_keyboard' in markup) return { replyKeyboard: null };
    if ('force_reply' in markup) return {};
    throw badRequest("can't parse reply keyboard markup JSON object");
  }

  /** Edits accept inline keyboards only; leaving reply_markup out removes the keyboard, as in Telegram. */
  private inlineMarkup(params: Params): InlineKeyboardMarkup | undefined {
    const markup = this.markup(params);
    if (markup.replyKeyboard !== undefined) throw badRequest("can't parse inline keyboard button: InlineKeyboardMarkup expected");
    return markup.inline;
  }

  private replyTarget(params: Params, chat: Chat): ReplyMessage | undefined {
    const reply = params.json<ReplyParameters>('reply_parameters', "can't parse reply parameters JSON object");
    const messageId = reply?.message_id ?? params.int('reply_to_message_id');
    if (messageId === undefined) return undefined;
    const targetChat = reply?.chat_id !== undefined ? this.world.resolveChat(reply.chat_id) : chat;
    const target = targetChat && this.world.message(targetChat.id, messageId);
    if (!target) {
      if (reply?.allow_sending_without_reply ?? params.bool('allow_sending_without_reply')) return undefined;
      throw badRequest('message to be replied not found');
    }
    // Replies embed the original without its own reply_to_message.
    return { ...target, reply_to_message: undefined };
  }

  private sourceMessage(params: Params, notFoundDescription: string): Message {
    const from = this.requireChat(params, 'from_chat_id');
    const messageId = params.int('message_id');
    if (messageId === undefined) throw badRequest('message identifier is not specified');
    const source = this.world.message(from.id, messageId);
    if (!source) throw badRequest(notFoundDescription);
    return source;
  }

  /** Stores a new message from the bot; `params` supplies reply and markup options. */
  private saveBotMessage(chat: Chat, content: Partial<Message>, params: Params | undefined): Message {
    const reply = params ? this.replyTarget(params, chat) : undefined;
    const markup = params ? this.markup(params) : {};
    const message: Message = {
      ...content,
      message_id: this.world.nextMessageId(chat.id),
      from: this.world.bot,
      chat,
      date: Math.floor(this.host.now() / 1000),
    };
    if (reply) message.reply_to_message = reply;
    if (markup.inline) message.reply_markup = markup.inline;
    if (markup.replyKeyboard !== undefined) this.world.setReplyKeyboard(chat.id, markup.replyKeyboard ?? undefined);
    this.world.saveMessage(message);
    return message;
  }

  private editableMessage(params: Params): Message {
    if (params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID'); // inline mode is not emulated
    const chat = this.requireChat(params);
    const messageId = params.int('message_id');
    if (messageId === undefined) throw badRequest('message identifier is not specified');
    const message = this.world.message(chat.id, messageId);
    if (!message) throw badRequest('message to edit not found');
    if (message.from?.id !== this.world.bot.id) throw badRequest("message can't be edited");
    return message;
  }

  private saveEdit(message: Message, changes: Partial<Message>): Message {
    const edited: Message = { ...message, edit_date: Math.floor(this.host.now() / 1000) };
    for (const [key, value] of Object.entries(changes) as Array<[keyof Message, unknown]>) {
      const empty = value === undefined || (Array.isArray(value) && value.length === 0);
      if (empty) delete edited[key];
      else Object.assign(edited, { [key]: value });
    }
    this.world.saveMessage(edited);
    return edited;
  }
}

/** Commands are stored per scope and language, like Telegram does. */
export function commandsKey(scope: unknown, languageCode: string): string {
  return `${canonicalJson(scope)}|${languageCode}`;
}

function commandsKeyOf(params: Params): string {
  return commandsKey(params.json<Record<string, unknown>>('scope') ?? { type: 'default' }, params.string('language_code') ?? '');
}

function copyableContent(source: Message): Partial<Message> {
  const content: Partial<Message> = {};
  for (const key of ['text', 'entities', 'photo', 'document', 'caption', 'caption_entities'] as const) {
    if (source[key] !== undefined) Object.assign(content, { [key]: structuredClone(source[key]) });
  }
  return content;
}

function wrongFileId(): Error {
  return badRequest('wrong file identifier/HTTP URL specified');
}

function uploadMime(part: UploadedPart): string | undefined {
  // grammY labels every upload application/octet-stream; Telegram sniffs the real type.
  if (part.contentType && part.contentType !== 'application/octet-stream') return part.contentType;
  return guessMimeType(part.filename) ?? part.contentType;
}

async function download(url: string, signal: AbortSignal): Promise<Buffer> {
  try {
    const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  } catch {
    throw badRequest('failed to get HTTP URL content');
  }
}

function validateInlineKeyboard(rows: unknown): void {
  const invalid = (why: string): Error => badRequest(`can't parse inline keyboard button: ${why}`);
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw invalid('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  for (const button of rows.flat() as unknown[]) {
    if (typeof button !== 'object' || button === null) throw invalid('InlineKeyboardButton must be an Object');
    const fields = button as Record<string, unknown>;
    if (typeof fields.text !== 'string') throw invalid('Field "text" must be of type String');
    if (!INLINE_BUTTON_ACTIONS.some((action) => action in fields)) {
      throw invalid('Text buttons are unallowed in the inline keyboard');
    }
    if ('callback_data' in fields) {
      const data = fields.callback_data;
      const bytes = typeof data === 'string' ? Buffer.byteLength(data) : 0;
      if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
    }
    if ('url' in fields && (typeof fields.url !== 'string' || !/^(https?|tg):\/\/\S+$/i.test(fields.url))) {
      throw badRequest('BUTTON_URL_INVALID');
    }
  }
}

function validateReplyKeyboard(rows: unknown): void {
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
  }
  for (const button of rows.flat() as unknown[]) {
    const text = typeof button === 'string' ? button : (button as { text?: unknown } | null)?.text;
    if (typeof text !== 'string' || text === '') throw badRequest("can't parse keyboard button: Text must be non-empty");
  }
}
