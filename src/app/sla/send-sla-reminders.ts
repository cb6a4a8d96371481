/**
 * The SLA sweep's messages that do not change a complaint: the owner's reminder at 75 % of a clock, the
 * alert when a clock that does not escalate runs out (or one runs out at the top tier), the re-post of a
 * complaint that arrived after hours, and the supervisor's heads-up about an important or major complaint.
 * Each is recorded as a notice first and sent only if the record is new, so it goes out once.
 */
import type { Tx } from '../../store/database.ts';
import type { Complaint } from '../../store/generated/client.ts';
import { TOP_TIER, type NoticeClock, type NoticeKind, type SlaStep } from '../../domain/sla-clocks.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { enqueue } from '../shared/outbox.ts';
import { formatLocalTime } from '../shared/format.ts';
import { postCardInChat } from '../complaints/complaint-cards.ts';
import { mention } from '../complaints/escalate-complaint.ts';
import { clockLabel, complaintLabels, departmentOf, formatBusinessMinutes, recordNotice, tierActors, tierChat, tierMentions } from './sla-notice.ts';

export type NoticeStep = Exclude<SlaStep, { kind: 'upgrade' }>;

/** The tier a clock's messages go to: the tier clocks to their own tier, the rest to the department (1 = supervisor for alerts). */
function tierOf(step: NoticeStep, complaint: Complaint): number {
  if (step.kind === 'supervisor' || step.kind === 'repost') return step.kind === 'supervisor' ? 1 : 0;
  if (step.clock.id === 'tier1') return 1;
  if (step.clock.id === 'tier2') return TOP_TIER;
  if (step.kind === 'remind') return 0;
  // a clock that only alerts goes to the supervisor; an escalating one here means the top tier is reached
  return step.clock.onOverdue === 'alert' ? Math.max(1, complaint.escalationTier) : TOP_TIER;
}

/** The notice record of a step: its once-only key (clock, cycle, kind) and the due it is about. */
export function noticeRecord(step: NoticeStep): { clock: NoticeClock; cycle: number; kind: NoticeKind; dueAt: Date } {
  return step.kind === 'supervisor'
    ? { clock: 'severity', cycle: 0, kind: 'supervisor', dueAt: step.dueAt }
    : { clock: step.clock.id, cycle: step.clock.cycle, kind: step.kind, dueAt: step.clock.dueAt };
}

/** Sends one step's message if it was not sent before; returns whether it was sent now. */
export async function sendSlaNotice(ctx: AppContext, tx: Tx, complaint: Complaint, step: NoticeStep, now: Date): Promise<boolean> {
  if (!(await recordNotice(tx, { complaintId: complaint.id, ...noticeRecord(step) }, now))) return false;
  await queueSlaNotice(ctx, tx, complaint, step, now);
  return true;
}

/** Queues one step's message, whose notice was just recorded (the sweep records a batch's notices in one statement). */
export async function queueSlaNotice(ctx: AppContext, tx: Tx, complaint: Complaint, step: NoticeStep, now: Date): Promise<void> {
  const lang = ctx.config.defaultLanguage;
  const department = departmentOf(ctx.config, complaint.departmentId);
  const labels = complaintLabels(ctx.config, complaint, lang);
  const tier = tierOf(step, complaint);
  const chatId = tierChat(ctx.config, department, tier);
  const at = (d: Date) => formatLocalTime(d, ctx.calendar.timeZone);
  let text: string;
  switch (step.kind) {
    case 'supervisor':
      text = mention(department.supervisor) + t(lang, 'jobs.supervisorAlert', labels);
      break;
    case 'repost':
      await postCardInChat(tx, complaint.id, department.chatId, now);
      text = t(lang, 'jobs.repost', { ...labels, intakeDue: at(step.clock.dueAt) });
      break;
    case 'remind': {
      const who = tierActors(ctx.config, department, tier, complaint.handlerOpenId, lang);
      text = who.mentions + t(lang, 'jobs.remind', { ...labels, clock: clockLabel(lang, step.clock.id), left: formatBusinessMinutes(step.leftMinutes, lang), due: at(step.clock.dueAt) }) + who.actBy;
      break;
    }
    case 'overdue':
      text =
        tierMentions(ctx.config, department, tier, complaint.handlerOpenId) +
        t(lang, tier >= TOP_TIER ? 'jobs.overdueTopTier' : 'jobs.overdue', { ...labels, clock: clockLabel(lang, step.clock.id), due: at(step.clock.dueAt) });
      break;
  }
  await enqueue(tx, { channel: 'feishu', kind: 'text', target: chatId, payload: { text }, complaintId: complaint.id }, now);
}
