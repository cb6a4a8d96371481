/**
 * Reading a request body with a size limit and a deadline, for every public endpoint.
 * An oversized body is not cut off mid-upload: destroying a socket with unread data makes the kernel send
 * a reset, and the client never sees the answer. The rest is read and discarded (up to a hard cap), then
 * the caller answers 413 and the connection closes cleanly.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request refused with an HTTP status (4xx); `reason` is safe to show the client. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'HttpRefusal';
  }
}

export interface ReadBodyOptions {
  /** Largest body accepted. */
  limit: number;
  /** The whole body must arrive within this (default 10 s): a client that stalls gets a 408. */
  timeoutMs?: number;
  /** Past this many bytes an oversized upload is no longer drained: answer and close (default 64 MB). */
  drainCap?: number;
}

export function readRequestBody(req: IncomingMessage, opts: ReadBodyOptions): Promise<Buffer> {
  const drainCap = opts.drainCap ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = Number(req.headers['content-length'] ?? 0) > opts.limit;
    let settled = false;
    const finish = (error: HttpRefusal | undefined, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      // Whatever is still coming is read and dropped, so the answer is not lost in a reset.
      req.resume();
      if (error) reject(error);
      else resolve(body!);
    };
    const timer = setTimeout(() => finish(tooBig ? new HttpRefusal(413, `body larger than ${opts.limit} bytes`) : new HttpRefusal(408, 'the body did not arrive in time')), opts.timeoutMs ?? 10_000);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > opts.limit) tooBig = true;
      if (tooBig) {
        chunks.length = 0;
        if (size > drainCap) finish(new HttpRefusal(413, `body larger than ${opts.limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(tooBig ? new HttpRefusal(413, `body larger than ${opts.limit} bytes`) : undefined, Buffer.concat(chunks));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', () => finish(new HttpRefusal(400, 'the request broke off')));
  });
}

/** Writes a refusal (once); a 413 or 408 also closes the connection, as the body was not read in full. */
export function answerRefusal(res: ServerResponse, refusal: HttpRefusal, contentType: 'json' | 'text' = 'json'): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { 'content-type': contentType === 'json' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8' };
  if (refusal.status === 413 || refusal.status === 408) headers.connection = 'close';
  res.writeHead(refusal.status, headers);
  res.end(contentType === 'json' ? JSON.stringify({ error: refusal.reason }) : refusal.reason);
}
