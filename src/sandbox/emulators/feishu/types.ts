/**
 * Public types of the Feishu (Lark) Open Platform emulator.
 */

export type JsonObject = { [key: string]: unknown };

export interface FeishuEmulatorOptions {
  /** `cli_` + 16 hex digits: the SDK's WSClient silently refuses anything else. */
  appId: string;
  appSecret: string;
  /** Encrypt Key of the app: HTTP callbacks are encrypted and signed with it when set. */
  encryptKey?: string;
  /** Verification Token: sent as `header.token` in schema 2.0 events. */
  verificationToken?: string;
  /** Tenant key put into events; random 16 hex digits by default. */
  tenantKey?: string;
  /** Host to bind; 127.0.0.1 by default. */
  host?: string;
  /** Port to bind; 0 (ephemeral) by default. */
  port?: number;
  /** Lifetime of a tenant access token in seconds (Feishu: 7200). */
  tokenTtlSeconds?: number;
  /** How long the emulator waits for the app to answer a callback (Feishu: 3000 ms). */
  callbackTimeoutMs?: number;
  /** `ClientConfig` handed to SDK WSClients by `/callback/ws/endpoint` and in pong frames (seconds). */
  wsClientConfig?: Partial<WsClientConfig>;
  /** Split long-connection event payloads into frames of at most this many bytes (0 = never split). */
  wsMaxFramePayload?: number;
  /** Clock, ms since epoch; `Date.now` by default. */
  now?: () => number;
}

/** The `ClientConfig` object of Feishu's long-connection endpoint (all durations in seconds). */
export interface WsClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

export type MsgType = 'text' | 'post' | 'image' | 'interactive' | 'file' | 'audio' | 'media' | 'sticker' | 'share_chat' | 'share_user';

export type ReceiveIdType = 'chat_id' | 'open_id' | 'user_id' | 'union_id' | 'email';

export interface MessageRevision {
  at: number;
  /** What produced this content. */
  via: 'create' | 'patch' | 'callback' | 'delayed_update';
  content: string;
}

/** A message as the emulator stores it (snapshots are returned; mutate freely). */
export interface FeishuMessage {
  messageId: string;
  chatId: string;
  chatType: 'group' | 'p2p';
  /** How the message was addressed (for replies: the parent's). */
  receiveIdType: ReceiveIdType;
  receiveId: string;
  msgType: MsgType;
  /** Current content string (after patches / callback replacements). */
  content: string;
  /** `JSON.parse(content)`. */
  parsed: JsonObject;
  /** Parsed card JSON for `interactive` messages (for a template card: `{ type: 'template', data }`). */
  card?: JsonObject;
  /** Text of a `text` message. */
  text?: string;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  /** True for replies sent with `reply_in_thread: true` (they are not shown in the main chat). */
  inThread: boolean;
  uuid?: string;
  createTime: number;
  updateTime: number;
  updated: boolean;
  deleted: boolean;
  /** Every content version, oldest first. */
  history: MessageRevision[];
}

export interface UploadedImage {
  imageKey: string;
  imageType: 'message' | 'avatar';
  filename: string;
  contentType: string;
  bytes: Buffer;
  at: number;
}

/** A file uploaded with POST /open-apis/im/v1/files (sent afterwards as a `file` message by its key). */
export interface UploadedFile {
  fileKey: string;
  fileType: 'opus' | 'mp4' | 'pdf' | 'doc' | 'xls' | 'ppt' | 'stream';
  fileName: string;
  bytes: Buffer;
  at: number;
}

export interface RecordedCall {
  /** Sequence number, starting at 1. */
  seq: number;
  method: string;
  /** Path without the query string, e.g. `/open-apis/im/v1/messages`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /**
   * Parsed body: JSON for JSON requests; for multipart, the text fields plus
   * `{ filename, contentType, size }` for file fields; raw text otherwise; `undefined` if empty.
   */
  body: unknown;
  /** Time the request arrived, ms since epoch. */
  at: number;
  /** HTTP status the emulator answered with. */
  status: number;
  /** JSON body the emulator answered with. */
  response: unknown;
}

export type CallPredicate = (call: RecordedCall) => boolean;

export interface CallMatcher {
  method?: string;
  /** Exact path, a `:param` template such as `/open-apis/im/v1/messages/:message_id`, or a RegExp. */
  path?: string | RegExp;
  /** Only calls with this HTTP status. */
  status?: number;
}

export interface RateLimitRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

export type RateLimitTarget = string | RegExp | ((req: RateLimitRequest) => boolean);

/**
 * A network or server fault for the next matching request(s): `hang` never answers (until the emulator
 * stops), `reset` destroys the connection without an answer, `error` answers with a 5xx (500 by default).
 * The request is not applied in any case.
 */
export type NetworkFault = { kind: 'hang' } | { kind: 'reset' } | { kind: 'error'; status?: number };

export interface RateLimitOptions {
  /** Value of `x-ogw-ratelimit-reset` (seconds); 1 by default. */
  resetSeconds?: number;
  /** HTTP status; 429 by default (some older Feishu APIs use 400). */
  httpStatus?: number;
}

export interface CardOperator {
  open_id: string;
  user_id?: string;
  union_id?: string;
  /** For test readability only: Feishu's `card.action.trigger` carries no operator name, so it is not sent. */
  name?: string;
}

export interface ClickButtonOptions {
  messageId: string;
  operator: CardOperator;
  /** The button's callback `value` (`behaviors: [{ type: 'callback', value }]`). */
  value: JsonObject;
  /** Values of a form's inputs (`action.form_value`), when the button submits a form. */
  formValue?: Record<string, unknown>;
  /** The component's `name` (`action.name`). */
  name?: string;
  /** `action.tag`; 'button' by default. */
  tag?: string;
  /** How to deliver: the long connection (default) or the URL set with `setCallbackUrl`. */
  via?: 'ws' | 'http';
  /** Overrides the emulator's `callbackTimeoutMs`. */
  timeoutMs?: number;
}

export interface CardToast {
  type: 'success' | 'error' | 'info' | 'warning';
  content: string;
  i18n?: Record<string, string>;
}

export type CardResponseCard =
  | { type: 'raw'; data: JsonObject }
  | { type: 'template'; data: { template_id: string; template_version_name?: string; template_variable?: JsonObject } };

/** What an app answers to `card.action.trigger` (an empty answer is `{}`). */
export interface CardActionResponse {
  toast?: CardToast;
  card?: CardResponseCard;
  [key: string]: unknown;
}

/** Envelope of a schema 2.0 `card.action.trigger` callback, exactly as Feishu sends it. */
export interface CardActionEvent {
  schema: '2.0';
  header: {
    event_id: string;
    token: string;
    create_time: string;
    event_type: 'card.action.trigger';
    tenant_key: string;
    app_id: string;
  };
  event: {
    operator: { tenant_key: string; user_id?: string; open_id: string; union_id?: string };
    token: string;
    action: {
      value: JsonObject;
      tag: string;
      name?: string;
      form_value?: Record<string, unknown>;
      timezone?: string;
    };
    host: 'im_message';
    context: { open_message_id: string; open_chat_id: string };
  };
}

/** Any schema 2.0 event envelope. */
export interface EventEnvelope {
  schema: '2.0';
  header: {
    event_id: string;
    token: string;
    create_time: string;
    event_type: string;
    tenant_key: string;
    app_id: string;
  };
  event: JsonObject;
}

export interface DeliveryResult {
  via: 'ws' | 'http';
  /** ws: `code` of the ACK frame (200 ok, 500 handler threw); http: HTTP status. */
  status: number;
  /** Raw answer: decoded `data` of the ACK frame, or the HTTP response text ('' if none). */
  text: string;
  /** `text` parsed as JSON (`undefined` if empty or not JSON). */
  json: unknown;
}

export interface CardCallbackRecord {
  at: number;
  via: 'ws' | 'http';
  messageId: string;
  event: CardActionEvent;
  result?: DeliveryResult;
  response?: CardActionResponse;
  error?: string;
}

export interface SignedCallback {
  headers: Record<string, string>;
  /** Exact request body to send. */
  body: string;
}

export interface SignOptions {
  /** Seconds since epoch, as a string; now by default. */
  timestamp?: string;
  nonce?: string;
  /** Key to encrypt and sign with; the emulator's by default; `false` sends the event in plain text, unsigned. */
  encryptKey?: string | false;
}

export interface RawResponse {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}
