/** The HTTP server: /healthz, and the webhook routes of the channels that use them. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function startHttpServer(opts: { port: number; routes: Record<string, Route>; health: () => Promise<{ ok: boolean } & Record<string, unknown>>; log: Logger }): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const handle = async () => {
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
        const health = await opts.health();
        res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify(health));
      }
      const route = opts.routes[path];
      if (!route) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end('{"error":"not found"}');
      }
      await route(req, res);
    };
    handle().catch((error: unknown) => {
      opts.log.error({ err: error, path }, 'HTTP request failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal error"}');
    });
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
