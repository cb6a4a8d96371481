/**
 * A complaint still open a month (escalation.upgradeToMajorAfterMonths) after registration becomes
 * major (docs/domain.md): severity changed by `system` with the audit event of a reclassification, every
 * deadline recomputed for the new severity (keeping waiting time and an extension), the supervisor told
 * in the department's group, and the cards redrawn. The sweep then handles the deadlines now past.
 */
import type { Tx } from '../../store/database.ts';
import type { Complaint } from '../../store/generated/client.ts';
import { deadlinesAfterSeverityChange } from '../../domain/deadline-adjustments.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus } from '../complaints/change-status.ts';
import { enqueue } from '../shared/outbox.ts';
import { refreshCardsOfComplaints, refreshComplaintCards } from '../complaints/complaint-cards.ts';
import { decide, isStatus } from '../../domain/lifecycle.ts';
import { mention } from '../complaints/escalate-complaint.ts';
import { formatLocalTime } from '../shared/format.ts';
import { complaintLabels, departmentOf, recordNotice } from './sla-notice.ts';

/** The new deadlines, the row's changes and the audit details of an upgrade to major (after its last transfer and reopening, as a staff reclassification). */
function upgradeOf(ctx: AppContext, complaint: Complaint, transferredAt: Date | null, reopenedAt: Date | null) {
  const months = ctx.config.escalation.upgradeToMajorAfterMonths;
  const deadlines = deadlinesAfterSeverityChange({ severity: 'major', policy: ctx.sla, calendar: ctx.calendarFor(complaint.departmentId), complaint, transferredAt, reopenedAt });
  const data = { severity: 'major', acceptDueAt: deadlines.acceptDueAt, firstReplyDueAt: deadlines.firstReplyDueAt, resolveDueAt: deadlines.resolveDueAt, hardLimitAt: deadlines.hardLimitAt };
  const details = {
    from: { category: complaint.category, severity: complaint.severity },
    category: complaint.category,
    severity: 'major',
    resolveDueAt: deadlines.resolveDueAt.toISOString(),
    reason: 'open_too_long',
    months,
  };
  return { data, details, actor: { id: 'system', name: t(ctx.config.defaultLanguage, 'system') } };
}

/** The supervisor's heads-up in the department's group (it is the major complaint's supervisor notice: no second one). */
function queueUpgradeText(ctx: AppContext, tx: Tx, before: Complaint, resolveDueAt: Date, now: Date): Promise<void> {
  const lang = ctx.config.defaultLanguage;
  const department = departmentOf(ctx.config, before.departmentId);
  const labels = complaintLabels(ctx.config, before, lang);
  const months = ctx.config.escalation.upgradeToMajorAfterMonths;
  const text = mention(department.supervisor) + t(lang, 'jobs.upgraded', { ...labels, months, resolveDue: formatLocalTime(resolveDueAt, ctx.calendar.timeZone) });
  return enqueue(tx, { channel: 'feishu', kind: 'text', target: department.chatId, payload: { text }, complaintId: before.id }, now);
}

export async function upgradeMonthOldComplaint(ctx: AppContext, tx: Tx, complaint: Complaint, now: Date): Promise<void> {
  const transfer = complaint.status === 'registered' ? await tx.complaintEvent.findFirst({ where: { complaintId: complaint.id, type: 'transfer' }, orderBy: { id: 'desc' } }) : null;
  const reopen = await tx.complaintEvent.findFirst({ where: { complaintId: complaint.id, type: 'reopen' }, orderBy: { id: 'desc' } });
  const { data, details, actor } = upgradeOf(ctx, complaint, transfer?.at ?? null, reopen?.at ?? null);
  const { before } = await changeStatus(tx, { complaintId: complaint.id, action: 'change_classification', actor, at: now, data, details });
  await recordNotice(tx, { complaintId: complaint.id, clock: 'severity', cycle: 0, kind: 'supervisor', dueAt: complaint.registeredAt }, now);
  await queueUpgradeText(ctx, tx, before, data.resolveDueAt, now);
  await refreshComplaintCards(tx, complaint.id, now);
}

export interface UpgradeItem {
  /** the row as locked by the caller's transaction (FOR UPDATE) */
  complaint: Complaint;
  /** its last transfer and reopening (the sweep's clock facts know them) */
  transferredAt: Date | null;
  reopenedAt: Date | null;
}

/**
 * The batch form, for rows the caller's transaction has locked: the same change, audit event, notice,
 * message and cards for each, with one statement per kind of write whatever the batch's size. Returns
 * the rows as they are after the upgrade, and the items the lifecycle does not allow (done one by one).
 */
export async function upgradeMonthOldComplaints(ctx: AppContext, tx: Tx, items: UpgradeItem[], now: Date): Promise<{ upgraded: Map<number, Complaint>; rest: UpgradeItem[] }> {
  const upgraded = new Map<number, Complaint>();
  const rest: UpgradeItem[] = [];
  const plans: (UpgradeItem & { to: string } & ReturnType<typeof upgradeOf>)[] = [];
  for (const item of items) {
    const decision = isStatus(item.complaint.status) ? decide(item.complaint.status, 'change_classification') : null;
    if (!decision?.ok) rest.push(item);
    else plans.push({ ...item, to: decision.to, ...upgradeOf(ctx, item.complaint, item.transferredAt, item.reopenedAt) });
  }
  if (!plans.length) return { upgraded, rest };
  const ids = plans.map((p) => p.complaint.id);
  const iso = (pick: (p: (typeof plans)[number]) => Date) => plans.map((p) => pick(p).toISOString());
  await tx.$executeRaw`
    UPDATE "Complaint" c SET "severity" = 'major', "acceptDueAt" = u."accept", "firstReplyDueAt" = u."reply", "resolveDueAt" = u."resolve", "hardLimitAt" = u."hard",
      "status" = u."to", "version" = c."version" + 1, "updatedAt" = ${now}::timestamp(3), "nextDueAt" = ${now}::timestamp(3)
    FROM unnest(${ids}::int[], ${iso((p) => p.data.acceptDueAt)}::timestamp(3)[], ${iso((p) => p.data.firstReplyDueAt)}::timestamp(3)[],
      ${iso((p) => p.data.resolveDueAt)}::timestamp(3)[], ${iso((p) => p.data.hardLimitAt)}::timestamp(3)[], ${plans.map((p) => p.to)}::text[])
      AS u("id", "accept", "reply", "resolve", "hard", "to")
    WHERE c."id" = u."id"`;
  await tx.$executeRaw`
    INSERT INTO "ComplaintEvent" ("complaintId", "type", "fromStatus", "toStatus", "actor", "actorName", "data", "at")
    SELECT e."id", 'change_classification', e."from", e."to", ${plans[0]!.actor.id}, ${plans[0]!.actor.name}, e."data"::jsonb, ${now}::timestamp(3)
    FROM unnest(${ids}::int[], ${plans.map((p) => p.complaint.status)}::text[], ${plans.map((p) => p.to)}::text[],
      ${plans.map((p) => JSON.stringify(p.details))}::text[]) AS e("id", "from", "to", "data")`;
  await tx.$executeRaw`
    INSERT INTO "SlaNotice" ("complaintId", "clock", "cycle", "kind", "dueAt", "sentAt")
    SELECT n."id", 'severity', 0, 'supervisor', n."due", ${now}::timestamp(3)
    FROM unnest(${ids}::int[], ${iso((p) => p.complaint.registeredAt)}::timestamp(3)[]) AS n("id", "due")
    ON CONFLICT ("complaintId", "clock", "cycle", "kind") DO NOTHING`;
  for (const p of plans) {
    await queueUpgradeText(ctx, tx, p.complaint, p.data.resolveDueAt, now);
    upgraded.set(p.complaint.id, { ...p.complaint, ...p.data, status: p.to, version: p.complaint.version + 1, updatedAt: now, nextDueAt: now });
  }
  await refreshCardsOfComplaints(tx, new Map(plans.map((p) => [p.complaint.id, departmentOf(ctx.config, p.complaint.departmentId).chatId])), now);
  return { upgraded, rest };
}
