/**
 * Prometheus metrics of one bot (prom-client), served at /metrics. Each bot has its own `Registry`
 * (tests start several bots in one process); the default process metrics (CPU, memory, event loop, GC)
 * describe the process, so they live in one registry per process and are merged into each bot's answer.
 * What the database knows (complaints, the outbox) is counted on scrape with aggregate queries; what
 * happens in this instance (deliveries, 429s, inbound events, card answers, SLA breaches, job runs) is
 * counted as it happens. Every series is described in README.md, "Monitoring".
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../store/database.ts';
import type { Logger } from '../logger.ts';

/** The result of one delivery attempt of an outbox row. */
export type DeliveryResult = 'sent' | 'retry' | 'failed' | 'held';

/**
 * What the outbox worker reports (names kept stable: the worker and the senders call these).
 * `platform` is the outbox row's channel: telegram, wechat, feishu.
 */
export interface DeliveryMetrics {
  delivery(platform: string, result: DeliveryResult): void;
  /** The platform refused for its rate limit (HTTP 429, Feishu 99991400, WeChat 45009 …). */
  rateLimited(platform: string): void;
}

/** What the rest of the bot reports. `noMetrics` does nothing (use cases run without a bot in tests). */
export interface AppMetrics extends DeliveryMetrics {
  /** An event from a platform reached the bot: kind 'message' or 'card_action'. */
  inbound(platform: string, kind: 'message' | 'card_action'): void;
  /** A Feishu card click was answered after `seconds`; outcome 'answered', 'late' (answered "processing"), 'refused' or 'error'. */
  cardAnswer(seconds: number, outcome: 'answered' | 'late' | 'refused' | 'error'): void;
  /** The SLA sweep found clocks run out (`breaches`) and escalated complaints (`escalations`). */
  sla(counts: { breaches: number; escalations: number }): void;
  /** A scheduled job ran (or found its slot taken) `lagSeconds` after its slot. */
  jobRun(job: string, outcome: 'ran' | 'skipped' | 'failed', lagSeconds: number): void;
}

export const noMetrics: AppMetrics = {
  delivery() {},
  rateLimited() {},
  inbound() {},
  cardAnswer() {},
  sla() {},
  jobRun() {},
};

let processRegistry: Registry | undefined;

/** The process-wide default metrics, registered once (each registration adds a GC observer and an event-loop monitor). */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Database snapshots taken on scrape are shared by the gauges of one scrape (prom-client collects them in parallel). */
const SNAPSHOT_MS = 1000;

interface OutboxRow {
  channel: string;
  status: string;
  count: number;
  oldest: Date | null;
}

interface Snapshot {
  ok: boolean;
  complaints: { status: string; department: string; count: number }[];
  outbox: OutboxRow[];
}

export class BotMetrics implements AppMetrics {
  /** This bot's series only. */
  readonly registry = new Registry();
  /** What /metrics serves: this bot's series and the process's. */
  private readonly exposed: Registry;
  private readonly deliveries: Counter<'platform' | 'result'>;
  private readonly limited: Counter<'platform'>;
  private readonly inboundEvents: Counter<'platform' | 'kind'>;
  private readonly cardAnswers: Histogram<'outcome'>;
  private readonly breaches: Counter;
  private readonly escalations: Counter;
  private readonly jobRuns: Counter<'job' | 'outcome'>;
  private readonly jobLag: Histogram<'job'>;
  private dbSnapshot: { at: number; value: Promise<Snapshot> } | undefined;

  constructor(
    private readonly db: Db,
    private readonly opts: { log: Logger; now?: () => Date },
  ) {
    const registers = [this.registry];
    const self = this;
    new Gauge({
      name: 'complaint_bot_database_up',
      help: 'Whether this scrape could read the database (1) or not (0).',
      registers,
      async collect() {
        this.set((await self.snapshot()).ok ? 1 : 0);
      },
    });
    new Gauge({
      name: 'complaint_bot_complaints',
      help: 'Complaints in the database by status and department.',
      labelNames: ['status', 'department'],
      registers,
      async collect() {
        this.reset();
        for (const r of (await self.snapshot()).complaints) this.set({ status: r.status, department: r.department }, r.count);
      },
    });
    new Gauge({
      name: 'complaint_bot_outbox_messages',
      help: 'Outbox rows waiting (pending, including those being sent), held (WeChat window closed) or failed for good, by platform.',
      labelNames: ['platform', 'status'],
      registers,
      async collect() {
        this.reset();
        // 'sending' rows are pending rows a worker has claimed: counted as pending.
        for (const r of (await self.snapshot()).outbox) this.inc({ platform: r.channel, status: r.status === 'sending' ? 'pending' : r.status }, r.count);
      },
    });
    new Gauge({
      name: 'complaint_bot_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest outbox row still waiting to be sent, by platform (absent when none waits).',
      labelNames: ['platform'],
      registers,
      async collect() {
        this.reset();
        const now = (self.opts.now ?? (() => new Date()))().getTime();
        const oldest = new Map<string, number>();
        for (const r of (await self.snapshot()).outbox) {
          if ((r.status !== 'pending' && r.status !== 'sending') || !r.oldest) continue;
          oldest.set(r.channel, Math.min(oldest.get(r.channel) ?? Infinity, r.oldest.getTime()));
        }
        for (const [platform, at] of oldest) this.set({ platform }, Math.max(0, (now - at) / 1000));
      },
    });
    this.deliveries = new Counter({ name: 'complaint_bot_deliveries_total', help: 'Delivery attempts of outbox rows by platform and result (sent, retry, failed, held).', labelNames: ['platform', 'result'], registers });
    this.limited = new Counter({ name: 'complaint_bot_rate_limited_total', help: "Sends the platform refused for its rate limit (429 and the platforms' own codes).", labelNames: ['platform'], registers });
    this.inboundEvents = new Counter({ name: 'complaint_bot_inbound_events_total', help: 'Events received from the platforms by platform and kind (message, card_action).', labelNames: ['platform', 'kind'], registers });
    this.cardAnswers = new Histogram({
      name: 'complaint_bot_card_action_answer_seconds',
      help: 'Time to answer a Feishu card click (Feishu waits 3 s), by outcome (answered, late, refused, error).',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 5],
      registers,
    });
    this.breaches = new Counter({ name: 'complaint_bot_sla_breaches_total', help: 'SLA clocks found run out by the sweep of this instance.', registers });
    this.escalations = new Counter({ name: 'complaint_bot_sla_escalations_total', help: 'Complaints escalated one tier by the sweep of this instance because a clock ran out.', registers });
    this.jobRuns = new Counter({ name: 'complaint_bot_job_runs_total', help: 'Scheduled job runs by job and outcome (ran, skipped: another instance had the slot, failed).', labelNames: ['job', 'outcome'], registers });
    this.jobLag = new Histogram({
      name: 'complaint_bot_job_lag_seconds',
      help: 'How long after its slot a scheduled job started, by job.',
      labelNames: ['job'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 86400],
      registers,
    });
    this.exposed = Registry.merge([processMetrics(), this.registry]);
  }

  /** One pair of aggregate queries per scrape, shared by the gauges (prom-client collects them in parallel). */
  private snapshot(): Promise<Snapshot> {
    const now = Date.now();
    if (!this.dbSnapshot || now - this.dbSnapshot.at > SNAPSHOT_MS) this.dbSnapshot = { at: now, value: this.readDatabase() };
    return this.dbSnapshot.value;
  }

  private async readDatabase(): Promise<Snapshot> {
    try {
      const complaints = await this.db.$queryRaw<Snapshot['complaints']>`
        SELECT "status", "departmentId" AS "department", count(*)::int AS "count" FROM "Complaint" GROUP BY 1, 2`;
      const outbox = await this.db.$queryRaw<OutboxRow[]>`
        SELECT "channel", "status", count(*)::int AS "count", min("createdAt") AS "oldest" FROM "OutboxMessage"
        WHERE "status" IN ('pending', 'sending', 'held', 'failed') GROUP BY 1, 2`;
      return { ok: true, complaints, outbox };
    } catch (error) {
      this.opts.log.warn({ err: error }, 'metrics: cannot read the database');
      return { ok: false, complaints: [], outbox: [] };
    }
  }

  /** The exposition for /metrics. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    this.dbSnapshot = undefined;
    return { contentType: this.exposed.contentType, body: await this.exposed.metrics() };
  }

  delivery(platform: string, result: DeliveryResult): void {
    this.deliveries.inc({ platform, result });
  }

  rateLimited(platform: string): void {
    this.limited.inc({ platform });
  }

  inbound(platform: string, kind: 'message' | 'card_action'): void {
    this.inboundEvents.inc({ platform, kind });
  }

  cardAnswer(seconds: number, outcome: 'answered' | 'late' | 'refused' | 'error'): void {
    this.cardAnswers.observe({ outcome }, seconds);
  }

  sla(counts: { breaches: number; escalations: number }): void {
    if (counts.breaches) this.breaches.inc(counts.breaches);
    if (counts.escalations) this.escalations.inc(counts.escalations);
  }

  jobRun(job: string, outcome: 'ran' | 'skipped' | 'failed', lagSeconds: number): void {
    this.jobRuns.inc({ job, outcome });
    if (outcome !== 'skipped') this.jobLag.observe({ job }, Math.max(0, lagSeconds));
  }
}
