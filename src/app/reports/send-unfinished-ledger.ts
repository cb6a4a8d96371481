/**
 * The unfinished ledger (未了事宜台账), on the 4th (jobs.unfinishedLedger): every department gets the list
 * of its complaints carried over from last month — registered before this month began and still open —
 * oldest first, capped at reports.ledgerMaxItems (the rest are counted). Read through the status index.
 */
import type { Db, Tx } from '../../store/database.ts';
import type { Language } from '../../i18n/index.ts';
import { monthLabel, monthStartOf } from '../../domain/digest.ts';
import { renderLedgerCard } from '../../../cards/summary-card.ts';
import type { AppContext } from '../shared/context.ts';
import { claimJobSlot, finishJobSlot, type JobSlot } from '../shared/claim-job-slot.ts';
import { OPEN_STATUSES } from './compute-weekly-figures.ts';
import type { LedgerItem, UnfinishedLedger } from './report-figures.ts';
import { enqueue } from '../shared/outbox.ts';
import { reportNames } from './send-weekly-digest.ts';

export const UNFINISHED_LEDGER_JOB = 'unfinished-ledger';

export async function buildUnfinishedLedgers(ctx: AppContext, at: Date, db: Db | Tx = ctx.db): Promise<UnfinishedLedger[]> {
  const tz = ctx.calendar.timeZone;
  const lang = ctx.config.defaultLanguage;
  const before = monthStartOf(at, tz);
  const rows = await db.$queryRaw<(LedgerItem & { departmentId: string; total: number })[]>`
    SELECT "departmentId", "number", "category", "severity", "status", "registeredAt", "resolveDueAt", "handlerName", "escalationTier", "total"
    FROM (
      SELECT *, row_number() OVER (PARTITION BY "departmentId" ORDER BY "registeredAt", "id") AS "rn",
        (count(*) OVER (PARTITION BY "departmentId"))::int AS "total"
      FROM "Complaint" WHERE "status" = ANY(${OPEN_STATUSES}::text[]) AND "registeredAt" < ${before}
    ) x WHERE "rn" <= ${ctx.config.reports.ledgerMaxItems} ORDER BY "departmentId", "rn"`;
  const { categoryNames } = reportNames(ctx, lang);
  const lastMonth = monthLabel(monthStartOf(new Date(before.getTime() - 1), tz), tz);
  return ctx.config.departments.map((d) => {
    const mine = rows.filter((r) => r.departmentId === d.id);
    return {
      departmentId: d.id,
      department: d.name,
      chatId: d.chatId,
      month: lastMonth,
      before,
      total: mine[0]?.total ?? 0,
      items: mine.map(({ departmentId: _d, total: _t, ...item }) => item),
      categoryNames,
      timeZone: tz,
      language: lang,
      generatedAt: ctx.now(),
      lateSince: null,
    };
  });
}

/** Queues each department's ledger card; false when another instance had the slot. */
export async function sendUnfinishedLedger(ctx: AppContext, opts: { at?: Date; slot?: JobSlot } = {}): Promise<boolean> {
  const at = opts.at ?? opts.slot?.scheduledAt ?? ctx.now();
  const sent = await ctx.db.$transaction(
    async (tx) => {
      const now = ctx.now();
      if (opts.slot && !(await claimJobSlot(tx, opts.slot, now))) return false;
      for (const ledger of await buildUnfinishedLedgers(ctx, at, tx)) {
        const card = renderLedgerCard({ ...ledger, lateSince: opts.slot?.late ? opts.slot.scheduledAt : null });
        await enqueue(tx, { channel: 'feishu', kind: 'card.raw', target: ledger.chatId, payload: { card } }, now);
      }
      if (opts.slot) await finishJobSlot(tx, opts.slot, ctx.now());
      return true;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  if (sent) ctx.outboxChanged();
  return sent;
}
