/** Stopping the HTTP server lets a request in flight finish, refuses new connections, and cuts what outlives the grace period. */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeHttpServer, PortInUseError, startHttpServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/logger.ts';

const log = createLogger('silent');
const health = async () => ({ ok: true });

describe('closing the HTTP server', () => {
  it('finishes the request in flight before closing, and then takes no new connection', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const server = await startHttpServer({
      port: 0,
      log,
      health,
      routes: {
        '/slow': async (_req, res) => {
          entered();
          await gate;
          res.writeHead(200).end('done');
        },
      },
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const inFlight = fetch(`${url}/slow`).then(async (r) => ({ status: r.status, body: await r.text() }));
    await inside;
    const closed = closeHttpServer(server, 30_000);
    let isClosed = false;
    void closed.then(() => (isClosed = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(isClosed).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    release();
    expect(await inFlight).toEqual({ status: 200, body: 'done' });
    await closed;
  });

  it('cuts a request still running after the grace period', async () => {
    const server = await startHttpServer({ port: 0, log, health, routes: { '/never': () => new Promise<void>(() => {}) } });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const inFlight = fetch(`${url}/never`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 100));
    await closeHttpServer(server, 300);
    expect(await inFlight).toBe('cut');
  });

  it('a busy port is a PortInUseError naming PORT', async () => {
    const first = await startHttpServer({ port: 0, log, health, routes: {} });
    const port = (first.address() as AddressInfo).port;
    await expect(startHttpServer({ port, log, health, routes: {} })).rejects.toThrow(new PortInUseError(port).message);
    await closeHttpServer(first, 1000);
  });
});
