/**
 * In-memory state of the emulated tenant: tokens, messages, images, callback tokens.
 * Validation failures throw {@link ApiError}, which the HTTP layer turns into Feishu's error shape.
 */
import { randomBytes } from 'node:crypto';
import { cardV2Problems } from './card-v2.ts';
import type {
  FeishuMessage,
  JsonObject,
  MessageRevision,
  MsgType,
  ReceiveIdType,
  UploadedImage,
  UploadedFile,
} from './types.ts';

export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    msg: string,
    readonly extra: JsonObject = {},
  ) {
    super(msg);
  }
}

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

const MSG_TYPES: readonly MsgType[] = [
  'text', 'post', 'image', 'interactive', 'file', 'audio', 'media', 'sticker', 'share_chat', 'share_user',
];
const RECEIVE_ID_TYPES: readonly ReceiveIdType[] = ['chat_id', 'open_id', 'user_id', 'union_id', 'email'];

const CARD_MAX_BYTES = 30 * 1024;
const TEXT_MAX_BYTES = 150 * 1024;
const IMAGE_MAX_BYTES = 10 * 1024 * 1024;
/** Feishu's upload-file limit (im/v1/files: "文件大小不得超过 30 MB，且不允许上传空文件"). */
const FILE_MAX_BYTES = 30 * 1024 * 1024;
const FILE_TYPES: readonly UploadedFile['fileType'][] = ['opus', 'mp4', 'pdf', 'doc', 'xls', 'ppt', 'stream'];
const UUID_TTL_MS = 3600_000;
const CALLBACK_TOKEN_TTL_MS = 30 * 60_000;
const CALLBACK_TOKEN_MAX_USES = 2;

const invalidParam = (what: string): ApiError =>
  new ApiError(400, 230001, `Your request contains an invalid request parameter, ext=${what}`);

interface StoredMessage extends Omit<FeishuMessage, 'parsed' | 'card' | 'text'> {}

export interface CallbackToken {
  token: string;
  messageId: string;
  expiresAt: number;
  uses: number;
}

export class Store {
  private readonly tokens = new Map<string, number>(); // token -> expiresAt
  private currentToken: { token: string; expiresAt: number } | undefined;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly order: string[] = [];
  private readonly uuids = new Map<string, { messageId: string; at: number }>();
  private readonly p2pChats = new Map<string, string>();
  readonly images = new Map<string, UploadedImage>();
  readonly files = new Map<string, UploadedFile>();
  private readonly callbackTokens = new Map<string, CallbackToken>();

  constructor(
    private readonly now: () => number,
    private readonly tokenTtlSeconds: number,
  ) {}

  // ---- tokens --------------------------------------------------------------------------------

  /** Like Feishu: the same token is handed out again while it has more than 30 minutes left. */
  issueTenantToken(): { token: string; expire: number } {
    const now = this.now();
    const cur = this.currentToken;
    if (cur && this.tokens.has(cur.token) && cur.expiresAt - now > 30 * 60_000) {
      return { token: cur.token, expire: Math.floor((cur.expiresAt - now) / 1000) };
    }
    const token = 't-' + hex(20);
    const expiresAt = now + this.tokenTtlSeconds * 1000;
    this.tokens.set(token, expiresAt);
    this.currentToken = { token, expiresAt };
    return { token, expire: this.tokenTtlSeconds };
  }

  isValidToken(token: string): boolean {
    const exp = this.tokens.get(token);
    return exp !== undefined && exp > this.now();
  }

  revokeTokens(): void {
    this.tokens.clear();
    this.currentToken = undefined;
  }

  // ---- messages ------------------------------------------------------------------------------

  private chatFor(receiveIdType: ReceiveIdType, receiveId: string): { chatId: string; chatType: 'group' | 'p2p' } {
    if (receiveIdType === 'chat_id') return { chatId: receiveId, chatType: 'group' };
    const key = `${receiveIdType}:${receiveId}`;
    let chatId = this.p2pChats.get(key);
    if (!chatId) {
      chatId = 'oc_' + hex(16);
      this.p2pChats.set(key, chatId);
    }
    return { chatId, chatType: 'p2p' };
  }

  /** The p2p chat the emulator created for messages sent to a user (e.g. `open_id`). */
  p2pChatOf(receiveIdType: ReceiveIdType, receiveId: string): string | undefined {
    return this.p2pChats.get(`${receiveIdType}:${receiveId}`);
  }

  private dedupe(uuid: unknown): StoredMessage | undefined {
    if (typeof uuid !== 'string' || uuid === '') return undefined;
    if (uuid.length > 50) throw invalidParam('uuid longer than 50 characters');
    const hit = this.uuids.get(uuid);
    if (hit && this.now() - hit.at < UUID_TTL_MS) return this.messages.get(hit.messageId);
    return undefined;
  }

  createMessage(query: Record<string, string>, body: unknown): StoredMessage {
    const receiveIdType = query['receive_id_type'];
    if (!receiveIdType) {
      throw new ApiError(400, 99992402, 'field validation failed', {
        error: { field_violations: [{ field: 'receive_id_type', description: 'receive_id_type is required' }] },
      });
    }
    if (!RECEIVE_ID_TYPES.includes(receiveIdType as ReceiveIdType)) throw invalidParam(`invalid receive_id_type ${receiveIdType}`);
    const b = asObject(body);
    const receiveId = b['receive_id'];
    if (typeof receiveId !== 'string' || receiveId === '') throw invalidParam('receive_id is required');
    const prefix: Partial<Record<ReceiveIdType, string>> = { chat_id: 'oc_', open_id: 'ou_', union_id: 'on_' };
    const want = prefix[receiveIdType as ReceiveIdType];
    if (want && !receiveId.startsWith(want)) throw invalidParam(`invalid receive_id ${receiveId} for ${receiveIdType}`);
    const dup = this.dedupe(b['uuid']);
    if (dup) return dup;
    const { msgType, content } = this.validateContent(b['msg_type'], b['content']);
    const { chatId, chatType } = this.chatFor(receiveIdType as ReceiveIdType, receiveId);
    return this.insert({
      chatId,
      chatType,
      receiveIdType: receiveIdType as ReceiveIdType,
      receiveId,
      msgType,
      content,
      uuid: typeof b['uuid'] === 'string' && b['uuid'] ? (b['uuid'] as string) : undefined,
      inThread: false,
    });
  }

  replyMessage(parentId: string, body: unknown): StoredMessage {
    const parent = this.messages.get(parentId);
    if (!parent) throw invalidParam(`invalid message_id ${parentId}`);
    if (parent.deleted) throw new ApiError(400, 230011, 'The message is recalled.');
    const b = asObject(body);
    const dup = this.dedupe(b['uuid']);
    if (dup) return dup;
    const { msgType, content } = this.validateContent(b['msg_type'], b['content']);
    const rootId = parent.rootId ?? parent.messageId;
    const root = this.messages.get(rootId) ?? parent;
    const inThread = b['reply_in_thread'] === true || parent.inThread;
    let threadId: string | undefined;
    if (inThread) {
      root.threadId ??= 'omt_' + hex(8);
      threadId = root.threadId;
    }
    return this.insert({
      chatId: parent.chatId,
      chatType: parent.chatType,
      receiveIdType: parent.receiveIdType,
      receiveId: parent.receiveId,
      msgType,
      content,
      uuid: typeof b['uuid'] === 'string' && b['uuid'] ? (b['uuid'] as string) : undefined,
      rootId,
      parentId: parent.messageId,
      threadId,
      inThread,
    });
  }

  patchMessage(messageId: string, body: unknown, via: MessageRevision['via'] = 'patch'): StoredMessage {
    const msg = this.messages.get(messageId);
    if (!msg) throw invalidParam(`invalid message_id ${messageId}`);
    if (msg.deleted) throw new ApiError(400, 230011, 'The message is recalled.');
    if (msg.msgType !== 'interactive') throw invalidParam('only interactive (card) messages can be patched');
    const b = asObject(body);
    const { content } = this.validateContent('interactive', b['content']);
    if (this.now() - msg.createTime > 14 * 24 * 3600_000) {
      throw new ApiError(400, 230031, 'Message can only be modified within 14 days after sending.');
    }
    this.requireSharedCard(JSON.parse(msg.content) as JsonObject, 'the card being updated');
    this.requireSharedCard(JSON.parse(content) as JsonObject, 'the new card');
    this.setContent(msg, content, via);
    return msg;
  }

  /** Replace a card's content without the API checks (callback answers, delayed updates). */
  replaceCard(messageId: string, card: JsonObject, via: MessageRevision['via']): StoredMessage {
    const msg = this.messages.get(messageId);
    if (!msg) throw new Error(`unknown message ${messageId}`);
    this.setContent(msg, JSON.stringify(card), via);
    return msg;
  }

  deleteMessage(messageId: string): StoredMessage {
    const msg = this.messages.get(messageId);
    if (!msg) throw invalidParam(`invalid message_id ${messageId}`);
    if (msg.deleted) throw new ApiError(400, 230011, 'The message is recalled.');
    msg.deleted = true;
    msg.updateTime = this.now();
    return msg;
  }

  private setContent(msg: StoredMessage, content: string, via: MessageRevision['via']): void {
    const at = this.now();
    msg.content = content;
    msg.updateTime = at;
    msg.updated = true;
    msg.history.push({ at, via, content });
  }

  /** JSON 1.0 cards must declare `config.update_multi: true` to be updatable; JSON 2.0 cards always are shared. */
  private requireSharedCard(card: JsonObject, what: string): void {
    if (card['type'] === 'template' || card['schema'] === '2.0') return;
    const config = card['config'];
    if (!(isObject(config) && config['update_multi'] === true)) {
      throw new ApiError(
        400,
        230099,
        `Failed to create card content, ext=${what} is not a shared card: declare config.update_multi = true`,
      );
    }
  }

  private validateContent(msgTypeRaw: unknown, contentRaw: unknown): { msgType: MsgType; content: string } {
    if (typeof msgTypeRaw !== 'string' || !MSG_TYPES.includes(msgTypeRaw as MsgType)) {
      throw invalidParam(`invalid msg_type ${String(msgTypeRaw)}`);
    }
    const msgType = msgTypeRaw as MsgType;
    if (typeof contentRaw !== 'string') {
      throw new ApiError(400, 99992402, 'field validation failed', {
        error: { field_violations: [{ field: 'content', description: 'content must be a JSON string' }] },
      });
    }
    const bytes = Buffer.byteLength(contentRaw, 'utf8');
    if (bytes > (msgType === 'text' ? TEXT_MAX_BYTES : CARD_MAX_BYTES)) {
      throw new ApiError(400, 230025, 'The length of the message content reaches its limit.');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(contentRaw);
    } catch {
      if (msgType === 'interactive') {
        throw new ApiError(400, 230099, 'Failed to create card content, ext=content is not valid JSON');
      }
      throw invalidParam('content is not valid JSON');
    }
    if (!isObject(parsed)) throw invalidParam('content must be a JSON object');
    switch (msgType) {
      case 'text':
        if (typeof parsed['text'] !== 'string') throw invalidParam('text content needs a "text" string');
        break;
      case 'image': {
        const key = parsed['image_key'];
        if (typeof key !== 'string' || !this.images.has(key)) throw invalidParam(`invalid image_key ${String(key)}`);
        break;
      }
      case 'file': {
        const key = parsed['file_key'];
        if (typeof key !== 'string' || !this.files.has(key)) throw invalidParam(`invalid file_key ${String(key)}`);
        break;
      }
      case 'interactive':
        this.validateCard(parsed);
        break;
      default:
        break;
    }
    return { msgType, content: contentRaw };
  }

  /** Minimal structural check of a card JSON (1.0, 2.0 or template); throws 230099. */
  validateCard(card: JsonObject): void {
    if (card['type'] === 'template') {
      const data = card['data'];
      if (!isObject(data) || typeof data['template_id'] !== 'string') {
        throw new ApiError(400, 230099, 'Failed to create card content, ext=template card needs data.template_id');
      }
      return;
    }
    if (card['schema'] === '2.0') {
      const body = card['body'];
      if (!isObject(body) || !Array.isArray(body['elements'])) {
        throw new ApiError(400, 230099, 'Failed to create card content, ext=JSON 2.0 card needs body.elements');
      }
      const problems = cardV2Problems(card);
      if (problems.length) throw new ApiError(400, 230099, `Failed to create card content, ext=${problems.slice(0, 5).join('; ')}`);
      return;
    }
    if (card['schema'] !== undefined) {
      throw new ApiError(400, 230099, `Failed to create card content, ext=unknown card schema ${String(card['schema'])}`);
    }
    if (!Array.isArray(card['elements']) && !isObject(card['i18n_elements']) && !isObject(card['header'])) {
      throw new ApiError(400, 230099, 'Failed to create card content, ext=card has no elements');
    }
  }

  private insert(m: Omit<StoredMessage, 'messageId' | 'createTime' | 'updateTime' | 'updated' | 'deleted' | 'history'>): StoredMessage {
    const at = this.now();
    const msg: StoredMessage = {
      ...m,
      messageId: 'om_' + hex(16),
      createTime: at,
      updateTime: at,
      updated: false,
      deleted: false,
      history: [{ at, via: 'create', content: m.content }],
    };
    this.messages.set(msg.messageId, msg);
    this.order.push(msg.messageId);
    if (msg.uuid) this.uuids.set(msg.uuid, { messageId: msg.messageId, at });
    return msg;
  }

  getRaw(messageId: string): StoredMessage | undefined {
    return this.messages.get(messageId);
  }

  allRaw(): StoredMessage[] {
    return this.order.map((id) => this.messages.get(id)!);
  }

  // ---- views ---------------------------------------------------------------------------------

  view(m: StoredMessage): FeishuMessage {
    const parsed = JSON.parse(m.content) as JsonObject;
    const v: FeishuMessage = {
      ...structuredClone(m),
      parsed,
    };
    if (m.msgType === 'interactive') v.card = structuredClone(parsed);
    if (m.msgType === 'text' && typeof parsed['text'] === 'string') v.text = parsed['text'];
    return v;
  }

  /** Feishu's JSON shape of a message (as in create / reply / get answers). */
  apiShape(m: StoredMessage, appId: string, tenantKey: string): JsonObject {
    const out: JsonObject = {
      message_id: m.messageId,
      msg_type: m.msgType,
      create_time: String(m.createTime),
      update_time: String(m.updateTime),
      deleted: m.deleted,
      updated: m.updated,
      chat_id: m.chatId,
      sender: { id: appId, id_type: 'app_id', sender_type: 'app', tenant_key: tenantKey },
      body: { content: m.content },
    };
    if (m.rootId) out['root_id'] = m.rootId;
    if (m.parentId) out['parent_id'] = m.parentId;
    if (m.threadId) out['thread_id'] = m.threadId;
    if (m.parentId) out['upper_message_id'] = m.parentId;
    return out;
  }

  // ---- images --------------------------------------------------------------------------------

  addFile(fileType: unknown, fileName: unknown, file: { filename: string; contentType: string; bytes: Buffer } | undefined): UploadedFile {
    if (typeof fileType !== 'string' || !FILE_TYPES.includes(fileType as UploadedFile['fileType'])) {
      throw new ApiError(400, 234001, `Invalid request param. ext=file_type must be one of ${FILE_TYPES.join(', ')}`);
    }
    if (typeof fileName !== 'string' || !fileName.trim()) throw new ApiError(400, 234001, 'Invalid request param. ext=file_name is required');
    if (!file) throw new ApiError(400, 234001, 'Invalid request param. ext=file is required');
    if (file.bytes.length === 0) throw new ApiError(400, 234010, "File's size can't be 0.");
    if (file.bytes.length > FILE_MAX_BYTES) throw new ApiError(400, 234006, 'The file size exceed the max value.');
    const uploaded: UploadedFile = { fileKey: 'file_v3_' + hex(4) + '_' + hex(16), fileType: fileType as UploadedFile['fileType'], fileName, bytes: file.bytes, at: this.now() };
    this.files.set(uploaded.fileKey, uploaded);
    return uploaded;
  }

  addImage(imageType: unknown, file: { filename: string; contentType: string; bytes: Buffer } | undefined): UploadedImage {
    if (imageType !== 'message' && imageType !== 'avatar') {
      throw new ApiError(400, 234001, `Invalid request param. ext=image_type must be message or avatar`);
    }
    if (!file) throw new ApiError(400, 234001, 'Invalid request param. ext=image is required');
    if (file.bytes.length === 0) throw new ApiError(400, 234010, "File's size can't be 0.");
    if (file.bytes.length > IMAGE_MAX_BYTES) throw new ApiError(400, 234006, 'The file size exceed the max value.');
    const img: UploadedImage = {
      imageKey: 'img_v3_' + hex(4) + '_' + hex(16),
      imageType,
      filename: file.filename,
      contentType: file.contentType,
      bytes: file.bytes,
      at: this.now(),
    };
    this.images.set(img.imageKey, img);
    return img;
  }

  // ---- callback tokens (delayed card update) -------------------------------------------------

  newCallbackToken(messageId: string): string {
    const token = 'c-' + hex(20);
    this.callbackTokens.set(token, { token, messageId, expiresAt: this.now() + CALLBACK_TOKEN_TTL_MS, uses: 0 });
    return token;
  }

  delayedUpdate(body: unknown): StoredMessage {
    const b = asObject(body);
    const token = b['token'];
    const card = b['card'];
    if (typeof token !== 'string' || !isObject(card)) {
      throw new ApiError(400, 99992402, 'field validation failed', {
        error: { field_violations: [{ field: typeof token !== 'string' ? 'token' : 'card', description: 'required' }] },
      });
    }
    const t = this.callbackTokens.get(token);
    if (!t || t.expiresAt < this.now()) throw new ApiError(400, 200610, 'token is invalid or expired (valid for 30 minutes)');
    if (t.uses >= CALLBACK_TOKEN_MAX_USES) throw new ApiError(400, 200610, 'token has been used twice already');
    const msg = this.messages.get(t.messageId);
    if (!msg || msg.deleted) throw new ApiError(400, 230011, 'The message is recalled.');
    const { open_ids: _openIds, ...cardJson } = card;
    const content = JSON.stringify(cardJson);
    if (Buffer.byteLength(content, 'utf8') > CARD_MAX_BYTES) {
      throw new ApiError(400, 230025, 'The length of the message content reaches its limit.');
    }
    this.validateCard(cardJson);
    t.uses++;
    this.setContent(msg, content, 'delayed_update');
    return msg;
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asObject(v: unknown): JsonObject {
  if (!isObject(v)) throw new ApiError(400, 99992402, 'field validation failed, ext=request body must be a JSON object');
  return v;
}
