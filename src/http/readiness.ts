/**
 * `/readyz`: the database answers and every enabled channel is really connected. Each part gives a
 * `Readiness`; the answer names every part that is not ready, and is 503 until all are.
 */

/** What a channel (or the database) says about itself; `detail` says what is wrong, or how it runs. */
export interface Readiness {
  ok: boolean;
  detail?: string;
}

/** Anything /readyz asks: the channels implement `ready()` (telegram-channel, feishu long connection, wechat-channel). */
export interface ReadinessProbe {
  ready(): Readiness | Promise<Readiness>;
}

export interface ReadinessReport {
  ok: boolean;
  checks: Record<string, Readiness>;
  /** `name: detail` of each part that is not ready */
  notReady: string[];
}

/** A probe that does not answer within this time counts as not ready (a dead PostgreSQL can hang a connect). */
const PROBE_TIMEOUT_MS = 3000;

async function probe(p: ReadinessProbe): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Readiness>((resolve) => (timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${PROBE_TIMEOUT_MS} ms` }), PROBE_TIMEOUT_MS)));
  try {
    return await Promise.race([Promise.resolve().then(() => p.ready()), late]);
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Asks every probe at once. */
export async function checkReadiness(probes: Record<string, ReadinessProbe>): Promise<ReadinessReport> {
  const names = Object.keys(probes);
  const results = await Promise.all(names.map((n) => probe(probes[n]!)));
  const checks = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
  const notReady = names.filter((_, i) => !results[i]!.ok).map((n) => `${n}: ${checks[n]!.detail ?? 'not ready'}`);
  return { ok: notReady.length === 0, checks, notReady };
}
