/**
 * The HTTP server: `/healthz` (the process is alive: cheap, no database), `/readyz` (the database and
 * every enabled channel are connected; 503 naming what is not), `/metrics` (Prometheus), and the webhook
 * routes of the channels that use them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';
import { answerRefusal, HttpRefusal } from './body.ts';

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The port cannot be bound: said in terms of the PORT variable, so the operator knows what to change. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    message = `PORT ${port} is in use (another complaint-bot or another program listens on it): stop it or set PORT to a free port`,
  ) {
    super(message);
    this.name = 'PortInUseError';
  }
}

/**
 * Stops taking connections and lets the requests in flight finish; after `graceMs` the rest are cut.
 * Idle keep-alive connections are closed as they become idle, so they do not hold the close up.
 */
export function closeHttpServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export interface HttpServerOptions {
  port: number;
  routes: Record<string, Route>;
  health: () => Promise<{ ok: boolean } & Record<string, unknown>>;
  /** `/readyz`; without it the path is 404. */
  ready?: () => Promise<{ ok: boolean }>;
  /** `/metrics` in the Prometheus text format; without it the path is 404. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  log: Logger;
}

export function startHttpServer(opts: HttpServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    answerAfterTheBody(req, res);
    const path = (req.url ?? '/').split('?')[0]!;
    const handle = async () => {
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
        const health = await opts.health();
        res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(health));
      }
      if (path === '/readyz' && opts.ready && (req.method === 'GET' || req.method === 'HEAD')) {
        const ready = await opts.ready();
        res.writeHead(ready.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        return void res.end(JSON.stringify(ready));
      }
      if (path === '/metrics' && opts.metrics && (req.method === 'GET' || req.method === 'HEAD')) {
        const { contentType, body } = await opts.metrics();
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        return void res.end(body);
      }
      const route = opts.routes[path];
      if (!route) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end('{"error":"not found"}');
      }
      await route(req, res);
    };
    handle().catch((error: unknown) => {
      // A route's refusal of its input (oversized, stalled, malformed) is a 4xx; only our own faults are a 500.
      if (error instanceof HttpRefusal) {
        opts.log.warn({ path, status: error.status, reason: error.reason }, 'HTTP request refused');
        return answerRefusal(res, error);
      }
      opts.log.error({ err: error, path }, 'HTTP request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal error"}');
    });
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') return reject(new PortInUseError(opts.port));
      if (error.code === 'EACCES') return reject(new PortInUseError(opts.port, `PORT ${opts.port} may not be used by this user (ports below 1024 need privileges): set PORT to another port`));
      reject(error);
    };
    server.once('error', onError);
    server.listen(opts.port, () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

/**
 * Holds a response's end until the request body has arrived (read and dropped, up to `cap` bytes or
 * `timeoutMs`): a route that refuses a request before reading its body (a bad signature on a 10 MB upload)
 * would otherwise close a socket with unread data, and the kernel's reset would swallow the answer.
 */
function answerAfterTheBody(req: IncomingMessage, res: ServerResponse, cap = 64 * 1024 * 1024, timeoutMs = 5_000): void {
  const end = res.end;
  res.end = function deferredEnd(this: ServerResponse, ...args: unknown[]) {
    // A 408 is the answer to a body that does not come: waiting for it would be pointless.
    if (req.complete || req.readableEnded || req.destroyed || res.statusCode === 408) return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
    if (!res.headersSent) res.setHeader('connection', 'close');
    let seen = 0;
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      (end as (...a: unknown[]) => ServerResponse).apply(res, args);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > cap) go();
    };
    const timer = setTimeout(go, timeoutMs);
    req.on('data', onData);
    req.once('end', go);
    req.once('error', go);
    req.once('close', go);
    req.resume();
    return res;
  } as ServerResponse['end'];
}
