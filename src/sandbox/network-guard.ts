/**
 * In sandbox mode nothing may reach a real platform: every outgoing request of the process (node:http
 * and https, which grammY's client, the Lark SDK and `ws` use, and global fetch, which the official-account
 * API and file downloads use) must go to this machine. Anything else is refused before it connects and
 * recorded, so a test can show the list is empty.
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host.toLowerCase());
}

export interface NetworkGuard {
  /** hosts of every request seen (local ones included) */
  readonly seen: Set<string>;
  /** requests refused: `host path` */
  readonly refused: string[];
  uninstall(): void;
}

export function installNetworkGuard(onRefused: (what: string) => void = () => {}): NetworkGuard {
  const seen = new Set<string>();
  const refused: string[] = [];
  const refuse = (host: string, what: string) => {
    refused.push(`${host} ${what}`);
    onRefused(`${host} ${what}`);
    return new Error(`sandbox: a request to ${host} was refused (nothing leaves this machine in sandbox mode)`);
  };
  const onHttp = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    const host = request.host ?? '';
    seen.add(host);
    if (!isLocalHost(host)) request.destroy(refuse(host, request.path));
  };
  diagnostics.subscribe('http.client.request.start', onHttp);
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    seen.add(url.hostname);
    if (!isLocalHost(url.hostname)) throw refuse(url.hostname, url.pathname);
    return realFetch(input, init);
  };
  return {
    seen,
    refused,
    uninstall() {
      diagnostics.unsubscribe('http.client.request.start', onHttp);
      globalThis.fetch = realFetch;
    },
  };
}
