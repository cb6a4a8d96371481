/**
 * Escalation (升级) one tier up, with a reason: tier 1 calls the department's supervisor with an
 * @mention in the department's group; tier 2 calls the general manager in the managers' chat, where a
 * card of the complaint is posted so they can act on it. `fromTier` is the tier the clicked card
 * showed: a second click on the same tier does not escalate twice.
 */
import type { Tx } from '../../store/database.ts';
import type { Complaint } from '../../store/generated/client.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { AppError } from '../shared/errors.ts';
import { lockComplaint } from './lock-complaint.ts';
import { postCardInChat } from './complaint-cards.ts';
import { enqueue } from '../shared/outbox.ts';
import { MAX_ESCALATION_TIER, requireText, TEXT_LIMITS } from '../staff/staff-input.ts';
import { inertText } from '../shared/feishu-text.ts';

/** Feishu's mention in a text message; `openId` must be a plain open_id (ou_…). */
export function mention(openId: string | undefined): string {
  return openId && /^ou_[\w-]{1,100}$/.test(openId) ? `<at user_id="${openId}"></at> ` : '';
}

export async function escalateComplaint(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; reason: string; fromTier?: number }) {
  const current = await lockComplaint(tx, opts.complaintId, 'escalate');
  if (opts.fromTier !== undefined && opts.fromTier !== current.escalationTier)
    throw new AppError('TRANSITION_NOT_ALLOWED', 'already escalated', { reason: 'alreadyEscalated', tier: current.escalationTier });
  if (current.escalationTier >= MAX_ESCALATION_TIER) throw new AppError('TRANSITION_NOT_ALLOWED', 'already at the top tier', { reason: 'topTier' });
  const reason = requireText(opts.reason, 'reason', TEXT_LIMITS.reason);
  const tier = current.escalationTier + 1;
  const at = ctx.now();
  const { before } = await changeStatus(tx, {
    complaintId: current.id,
    action: 'escalate',
    actor: opts.actor,
    at,
    data: { escalationTier: tier },
    details: { tier, reason },
  });
  await announceEscalation(ctx, tx, before, tier, opts.actor, reason, at);
  return { before, tier };
}

/**
 * Tells the new tier: tier 1 the department's supervisor (@mention in the department's group), tier 2 the
 * general manager (managers' chat, with a card of the complaint there). Used by the staff's escalation
 * and by the sweep's batched one (src/app/sla/escalate-overdue-complaints.ts).
 */
export async function announceEscalation(ctx: AppContext, tx: Tx, before: Complaint, tier: number, actor: Actor, reason: string, at: Date): Promise<void> {
  const department = ctx.config.departments.find((d) => d.id === before.departmentId)!;
  const lang = ctx.config.defaultLanguage;
  const params = { number: before.number, department: department.name, who: actor.name ?? '', reason: inertText(reason) };
  if (tier === 1) {
    const text = mention(department.supervisor) + t(lang, 'staff.escalated.supervisor', params);
    await enqueue(tx, { channel: 'feishu', kind: 'text', target: department.chatId, payload: { text }, complaintId: before.id }, at);
  } else {
    const managers = ctx.config.staff.filter((s) => s.role === 'manager').map((s) => s.openId);
    const who = department.manager ? [department.manager] : managers;
    const text = who.map(mention).join('') + t(lang, 'staff.escalated.manager', params);
    const chatId = ctx.config.managersChatId ?? department.chatId;
    await enqueue(tx, { channel: 'feishu', kind: 'text', target: chatId, payload: { text }, complaintId: before.id }, at);
    if (ctx.config.managersChatId) await postCardInChat(tx, before.id, ctx.config.managersChatId, at);
  }
}
