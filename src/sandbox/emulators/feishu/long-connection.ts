/**
 * Feishu's long connection ("使用长连接接收事件/回调"), as spoken by `@larksuiteoapi/node-sdk`'s WSClient:
 *
 * 1. `POST {domain}/callback/ws/endpoint` with `{ AppID, AppSecret }` answers
 *    `{ code: 0, data: { URL, ClientConfig: { PingInterval, ReconnectCount, ReconnectInterval, ReconnectNonce } } }`.
 *    The SDK runs `qs.parse(URL)` on the *whole* URL to find `device_id` and `service_id`, so neither
 *    may be the first query parameter (Feishu's own URL starts with `fpid=…&aid=…`).
 * 2. The SDK opens a WebSocket to `URL` and exchanges protobuf `pbbp2.Frame`s (proto2, all fields below).
 *    - control frames (`method = 0`): the SDK sends `type=ping` every PingInterval; the server answers
 *      `type=pong` whose payload is the ClientConfig JSON (the SDK re-reads its settings from it).
 *    - data frames (`method = 1`): the server pushes events *and card callbacks* with header `type=event`
 *      (frames with `type=card` are ignored by the SDK), plus `message_id`, `sum`, `seq`, `trace_id`;
 *      a payload may be split over `sum` frames. The SDK answers with the same frame (headers + `biz_rt`)
 *      whose payload is `{"code":200,"data":"<base64 of JSON.stringify(handlerResult)>"}`
 *      (`code: 500` and no data when the handler threw; no `data` when it returned nothing).
 * 3. The SDK attaches its frame listener only after the socket's 'open' event (one promise hop later):
 *    a frame pushed in the same instant as the handshake is silently lost. The hub therefore treats a
 *    connection as ready only once the client's first ping (sent from its 'open' handler) arrived.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import protobuf from 'protobufjs';
import { WebSocket, WebSocketServer } from 'ws';
import type { WsClientConfig } from './types.ts';

// ---------------------------------------------------------------------------------------------
// pbbp2 codec (same wire format as the generated code bundled in the SDK)

const root = protobuf.Root.fromJSON({
  nested: {
    pbbp2: {
      nested: {
        Header: {
          fields: {
            key: { rule: 'required', type: 'string', id: 1 },
            value: { rule: 'required', type: 'string', id: 2 },
          },
        },
        Frame: {
          fields: {
            SeqID: { rule: 'required', type: 'uint64', id: 1 },
            LogID: { rule: 'required', type: 'uint64', id: 2 },
            service: { rule: 'required', type: 'int32', id: 3 },
            method: { rule: 'required', type: 'int32', id: 4 },
            headers: { rule: 'repeated', type: 'Header', id: 5 },
            payloadEncoding: { type: 'string', id: 6 },
            payloadType: { type: 'string', id: 7 },
            payload: { type: 'bytes', id: 8 },
            LogIDNew: { type: 'string', id: 9 },
          },
        },
      },
    },
  },
});
const FrameType = root.lookupType('pbbp2.Frame');

export const FRAME_METHOD_CONTROL = 0;
export const FRAME_METHOD_DATA = 1;

export interface FrameHeader {
  key: string;
  value: string;
}

export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: FrameHeader[];
  payloadEncoding?: string;
  payloadType?: string;
  payload?: Uint8Array;
  LogIDNew?: string;
}

export function encodeFrame(frame: Frame): Uint8Array {
  return FrameType.encode(FrameType.fromObject(frame)).finish();
}

export function decodeFrame(buf: Uint8Array): Frame {
  const msg = FrameType.decode(buf);
  const obj = FrameType.toObject(msg, { longs: Number, arrays: true }) as Frame;
  return obj;
}

export function frameHeader(frame: Frame, key: string): string | undefined {
  return frame.headers.find((h) => h.key === key)?.value;
}

// ---------------------------------------------------------------------------------------------

export interface WsClientInfo {
  id: number;
  deviceId: string;
  connectedAt: number;
  pings: number;
  open: boolean;
  /** The client has sent its first ping, so its message listener is attached (see {@link LongConnectionHub}). */
  ready: boolean;
}

/** Decoded ACK of a pushed event. */
export interface WsAck {
  code: number;
  /** base64 of JSON.stringify(handler result), when the handler returned something. */
  data?: string;
  headers: Record<string, string>;
}

interface Ticket {
  deviceId: string;
  serviceId: string;
  expiresAt: number;
}

interface Conn {
  info: WsClientInfo;
  socket: WebSocket;
  serviceId: number;
}

interface Pending {
  conn: Conn;
  resolve: (ack: WsAck) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export interface LongConnectionHubOptions {
  getClientConfig: () => WsClientConfig;
  maxFramePayload: number;
  now: () => number;
}

export const WS_PATH = '/ws/v2';

export class LongConnectionHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Map<string, Ticket>();
  private readonly conns: Conn[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly clientWaiters = new Set<() => void>();
  private nextConnId = 1;
  private nextSeq = 1;
  private rr = 0;
  private closed = false;
  /** While set, new connections are refused (503), as during a gateway outage. */
  refusing = false;

  constructor(private readonly opts: LongConnectionHubOptions) {}

  /** Body of a successful `/callback/ws/endpoint` answer, for a client reaching us at `hostPort`. */
  issueEndpoint(hostPort: string): { URL: string; ClientConfig: WsClientConfig } {
    const ticket = randomBytes(16).toString('hex');
    const deviceId = String(7_000_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e15)));
    const serviceId = String(33_554_432 + Math.floor(Math.random() * 1000));
    this.tickets.set(ticket, { deviceId, serviceId, expiresAt: this.opts.now() + 3600_000 });
    const accessKey = randomBytes(16).toString('hex');
    const url =
      `ws://${hostPort}${WS_PATH}?fpid=493&aid=552564&device_id=${deviceId}` +
      `&access_key=${accessKey}&service_id=${serviceId}&ticket=${ticket}`;
    return { URL: url, ClientConfig: this.opts.getClientConfig() };
  }

  /** Hook for `http.Server`'s `upgrade` event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = this.tickets.get(url.searchParams.get('ticket') ?? '');
    const deviceOk = ticket && ticket.deviceId === url.searchParams.get('device_id');
    if (this.closed || this.refusing || url.pathname !== WS_PATH || !ticket || !deviceOk || ticket.expiresAt < this.opts.now()) {
      const status = this.closed || this.refusing ? 503 : 403;
      socket.end(
        `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Service Unavailable'}\r\n` +
          `handshake-status: ${status}\r\nhandshake-msg: invalid ticket\r\nhandshake-autherrcode: 1000040343\r\n` +
          'connection: close\r\ncontent-length: 0\r\n\r\n',
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, ticket));
  }

  private onConnection(socket: WebSocket, ticket: Ticket): void {
    const conn: Conn = {
      socket,
      serviceId: Number(ticket.serviceId),
      info: { id: this.nextConnId++, deviceId: ticket.deviceId, connectedAt: this.opts.now(), pings: 0, open: true, ready: false },
    };
    this.conns.push(conn);
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => this.onMessage(conn, toBuffer(data)));
    socket.on('error', () => {
      /* a client reset must not crash the emulator; 'close' follows */
    });
    socket.on('close', () => {
      conn.info.open = false;
      const i = this.conns.indexOf(conn);
      if (i >= 0) this.conns.splice(i, 1);
      for (const [id, p] of this.pending) {
        if (p.conn === conn) {
          clearTimeout(p.timer);
          this.pending.delete(id);
          p.reject(new Error(`long connection ${conn.info.id} closed before the app acknowledged event ${id}`));
        }
      }
    });
  }

  private onMessage(conn: Conn, buf: Buffer): void {
    let frame: Frame;
    try {
      frame = decodeFrame(buf);
    } catch {
      return; // garbage from the client: ignore like the gateway would
    }
    const type = frameHeader(frame, 'type');
    if (frame.method === FRAME_METHOD_CONTROL) {
      if (type === 'ping') {
        conn.info.pings++;
        this.sendPong(conn, this.opts.getClientConfig()).catch(() => undefined);
        if (!conn.info.ready) {
          conn.info.ready = true;
          for (const w of [...this.clientWaiters]) w();
        }
      }
      return;
    }
    if (frame.method === FRAME_METHOD_DATA) {
      const messageId = frameHeader(frame, 'message_id');
      if (!messageId) return;
      const p = this.pending.get(messageId);
      if (!p) return;
      this.pending.delete(messageId);
      clearTimeout(p.timer);
      const headers: Record<string, string> = {};
      for (const h of frame.headers) headers[h.key] = h.value;
      try {
        const body = JSON.parse(Buffer.from(frame.payload ?? new Uint8Array()).toString('utf8')) as {
          code?: unknown;
          data?: unknown;
        };
        p.resolve({
          code: typeof body.code === 'number' ? body.code : Number(body.code),
          data: typeof body.data === 'string' ? body.data : undefined,
          headers,
        });
      } catch (err) {
        p.reject(new Error(`invalid ACK payload for event ${messageId}: ${(err as Error).message}`));
      }
    }
  }

  private sendPong(conn: Conn, config: WsClientConfig): Promise<void> {
    return this.send(conn, {
      SeqID: 0,
      LogID: 0,
      service: conn.serviceId,
      method: FRAME_METHOD_CONTROL,
      headers: [{ key: 'type', value: 'pong' }],
      payload: Buffer.from(JSON.stringify(config), 'utf8'),
    });
  }

  private send(conn: Conn, frame: Frame): Promise<void> {
    return new Promise((resolve, reject) => {
      if (conn.socket.readyState !== WebSocket.OPEN) {
        reject(new Error(`long connection ${conn.info.id} is not open`));
        return;
      }
      conn.socket.send(encodeFrame(frame), (err) => (err ? reject(err) : resolve()));
    });
  }

  private readyConns(): Conn[] {
    return this.conns.filter((c) => c.info.ready && c.socket.readyState === WebSocket.OPEN);
  }

  /** Connected clients that are ready to receive events. */
  get clientCount(): number {
    return this.readyConns().length;
  }

  clients(): WsClientInfo[] {
    return this.conns.map((c) => ({ ...c.info }));
  }

  /**
   * Resolves once at least one SDK client is connected *and ready*: the SDK attaches its frame
   * listener only after the WebSocket 'open' event (one promise hop later), so a frame pushed right
   * after the handshake can be lost. A client counts as ready once its first ping (sent from its
   * 'open' handler) has arrived.
   */
  waitForClient(timeoutMs: number, minClients = 1): Promise<void> {
    if (this.clientCount >= minClients) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        if (this.clientCount < minClients) return;
        clearTimeout(timer);
        this.clientWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.clientWaiters.delete(done);
        reject(new Error(`fewer than ${minClients} long-connection client(s) ready within ${timeoutMs} ms (${this.clientCount} ready)`));
      }, timeoutMs);
      this.clientWaiters.add(done);
    });
  }

  /**
   * Push one event (the whole JSON envelope) to exactly one connected client (round robin)
   * and resolve with its ACK.
   */
  async deliver(eventJson: string, timeoutMs: number): Promise<WsAck> {
    await this.waitForClient(timeoutMs);
    const open = this.readyConns();
    const conn = open[this.rr++ % open.length];
    if (!conn) throw new Error('no long-connection client connected');
    const messageId = randomBytes(16).toString('hex');
    const traceId = randomBytes(8).toString('hex');
    const payload = Buffer.from(eventJson, 'utf8');
    const size = this.opts.maxFramePayload > 0 ? this.opts.maxFramePayload : payload.length || 1;
    const parts: Buffer[] = [];
    for (let off = 0; off < payload.length; off += size) parts.push(payload.subarray(off, off + size));
    if (parts.length === 0) parts.push(payload);

    const ack = new Promise<WsAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(messageId);
        reject(new Error(`the app did not acknowledge event ${messageId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(messageId, { conn, resolve, reject, timer });
    });
    ack.catch(() => undefined); // observed below; avoid an unhandled rejection if sending fails first

    const seq = this.nextSeq++;
    try {
      for (let i = 0; i < parts.length; i++) {
        await this.send(conn, {
          SeqID: seq,
          LogID: seq,
          service: conn.serviceId,
          method: FRAME_METHOD_DATA,
          headers: [
            { key: 'type', value: 'event' },
            { key: 'message_id', value: messageId },
            { key: 'sum', value: String(parts.length) },
            { key: 'seq', value: String(i) },
            { key: 'trace_id', value: traceId },
          ],
          payload: parts[i],
        });
      }
    } catch (err) {
      const p = this.pending.get(messageId);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(messageId);
      }
      throw err;
    }
    return ack;
  }

  /**
   * Close every client connection. Unless `allowReconnect`, first tell the SDK clients (through a
   * pong carrying `ReconnectCount: 0`) to give up after one failed reconnect attempt, so a WSClient
   * nobody closed does not keep retrying (and keep a test process alive) forever.
   */
  async dropAll(opts: { allowReconnect: boolean }): Promise<void> {
    const conns = this.conns.filter((c) => c.socket.readyState === WebSocket.OPEN);
    if (!opts.allowReconnect && conns.length > 0) {
      const cfg = { ...this.opts.getClientConfig(), ReconnectCount: 0, ReconnectNonce: 0 };
      await Promise.allSettled(conns.map((c) => this.sendPong(c, cfg)));
      await new Promise((r) => setTimeout(r, 30)); // let the clients apply it
    }
    for (const c of [...this.conns]) c.socket.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.dropAll({ allowReconnect: false });
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`emulator stopped before event ${id} was acknowledged`));
    }
    this.pending.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
