/**
 * Commands typed by staff in a Feishu chat: `/find TS-…` (a fresh card of that complaint), `/open`
 * (open complaints with their deadlines), `/overdue`, `/stats` (this week's figures), `/help`.
 * A department's group speaks for that department; the managers' chat (or `/open all`, or a private
 * chat with the bot) covers every department the sender may see. Plain chatter is ignored; an unknown
 * `/…` gets the help. Answers are queued to the same chat. `/digest [2026-W47]` posts the weekly digest
 * (managers, or anyone in the managers' chat). `/report 2026-11 | 2026-Q3 | 2026` posts the company's
 * report over that period into the managers' chat.
 */
import { DateTime } from 'luxon';
import type { Tx } from '../../store/database.ts';
import type { StaffConfig } from '../../config/schema.ts';
import { parseComplaintNumber } from '../../domain/complaint-number.ts';
import { t, type MessageKey } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { recordInboundEvent } from '../shared/record-inbound-event.ts';
import { findStaff, mayActOn, departmentsOf } from './staff-access.ts';
import { postCardInChat } from '../complaints/complaint-cards.ts';
import { enqueue } from '../shared/outbox.ts';
import { formatLocalTime } from '../shared/format.ts';
import { parseDigestCommand, sendWeeklyDigest } from '../reports/send-weekly-digest.ts';
import { requestExport } from '../records/request-export.ts';
import { postIntakeForm } from '../records/post-intake-form.ts';
import { showMyStats } from '../reports/show-my-stats.ts';
import { requestPeriodReport } from '../reports/request-period-report.ts';
import { sendPeriodReport } from '../reports/send-period-report.ts';
import type { ReportPeriod } from '../../domain/report-period.ts';
import { searchComplaints } from '../records/search-complaints.ts';
import { operationsChatOf } from '../operations/operations-chat.ts';
import { listFailedDeliveries } from '../operations/list-failed-deliveries.ts';
import { retryFailedDeliveries } from '../operations/retry-failed-deliveries.ts';

/** A text message to the bot in a Feishu chat, as the adapter decodes it. */
export interface StaffMessageInbound {
  /** Feishu's message id: a redelivered event carries the same one. */
  messageId: string;
  chatId: string;
  chatType: 'group' | 'p2p';
  senderOpenId: string;
  text: string;
}

const OPEN_STATUSES = ['registered', 'accepted', 'in_progress', 'waiting_customer', 'reopened'];
/** Lines listed before "…and N more": a text message should stay readable. */
export const LIST_LIMIT = 30;

export async function handleStaffCommand(ctx: AppContext, input: StaffMessageInbound): Promise<void> {
  const words = input.text.replace(/@_user_\d+|@_all/g, ' ').trim().split(/\s+/).filter(Boolean);
  const command = words[0]?.toLowerCase();
  if (!command?.startsWith('/') && command !== '新投诉') return; // chatter (新投诉 alone is the Chinese /new)
  let digestWeek: Date | undefined;
  let reportPeriod: ReportPeriod | null = null;
  await ctx.db.$transaction(async (tx) => {
    const at = ctx.now();
    if (!(await recordInboundEvent(tx, 'feishu-message', input.messageId, at))) return;
    const lang = ctx.config.defaultLanguage;
    const answer = (key: MessageKey, params: Record<string, string | number> = {}) =>
      enqueue(tx, { channel: 'feishu', kind: 'text', target: input.chatId, payload: { text: t(lang, key, params) } }, at);
    const staff = findStaff(ctx.config, input.senderOpenId);
    if (!staff) {
      ctx.log.warn({ sender: input.senderOpenId, chatId: input.chatId, command }, 'staff command refused: not in the staff list');
      return answer('staff.command.notStaff');
    }
    // `/failed` (list) and `/failed retry ID|all`: messages that could not be delivered, in the operations chat.
    if (command === '/failed') {
      if (input.chatId !== operationsChatOf(ctx.config)) return answer('operations.onlyHere');
      if (!words[1]) {
        await enqueue(tx, { channel: 'feishu', kind: 'text', target: input.chatId, payload: { text: await listFailedDeliveries(tx, lang) } }, at);
        return;
      }
      const which = words[2]?.toLowerCase() === 'all' ? 'all' : Number(words[2]?.replace(/^#/, ''));
      if (words[1].toLowerCase() !== 'retry' || (which !== 'all' && !Number.isSafeInteger(which))) return answer('operations.usage');
      return answer('operations.retried', { count: await retryFailedDeliveries(tx, which, at) });
    }
    const chatDepartment = ctx.config.departments.find((d) => d.chatId === input.chatId);
    const managersChat = input.chatId === ctx.config.managersChatId;
    if (!chatDepartment && !managersChat && input.chatType !== 'p2p') return answer('staff.command.notLinked');

    if (command === '/find') {
      const ref = words[1] ?? '';
      if (!parseComplaintNumber(ref)) {
        // by phone (full or last 4 digits) or by text in the description
        const text = await searchComplaints(ctx, tx, { staff, departmentId: chatDepartment?.id ?? null, query: words.slice(1).join(' ') });
        return enqueue(tx, { channel: 'feishu', kind: 'text', target: input.chatId, payload: { text } }, at);
      }
      const complaint = await tx.complaint.findUnique({ where: { number: ref.toUpperCase() }, include: { department: true } });
      if (!complaint || !mayActOn(ctx.config, staff, complaint.departmentId)) return answer('staff.command.notFound', { number: ref.toUpperCase() });
      if (chatDepartment && chatDepartment.id !== complaint.departmentId)
        return answer('staff.command.elsewhere', { number: complaint.number, department: complaint.department.name });
      await postCardInChat(tx, complaint.id, input.chatId, at);
      return;
    }
    if (command === '/stats' && words[1]?.toLowerCase() === 'me') return showMyStats(ctx, tx, { staff, chatId: input.chatId, at });
    if (command === '/open' || command === '/overdue' || command === '/stats') {
      const wantAll = words[1]?.toLowerCase() === 'all';
      const mine = departmentsOf(ctx.config, staff);
      let scope: string[];
      if (chatDepartment && !wantAll) {
        if (!mayActOn(ctx.config, staff, chatDepartment.id)) return answer('staff.command.forbidden', { department: chatDepartment.name });
        scope = [chatDepartment.id];
      } else scope = mine;
      if (!scope.length) return answer('staff.command.forbidden', { department: chatDepartment?.name ?? '' });
      const text = command === '/stats' ? await stats(ctx, tx, scope, at) : await list(ctx, tx, scope, at, command === '/overdue');
      await enqueue(tx, { channel: 'feishu', kind: 'text', target: input.chatId, payload: { text } }, at);
      return;
    }
    if (command === '/new' || command === '/新投诉' || command === '新投诉') return postIntakeForm(ctx, tx, { chatId: input.chatId, at });
    if (command === '/export') return requestExport(ctx, tx, { staff, chatId: input.chatId, managersChat, args: words.slice(1), at });
    if (command === '/report' || command === '/报告') {
      reportPeriod = await requestPeriodReport(ctx, tx, { chatId: input.chatId, managersChat, args: words.slice(1), at });
      return;
    }
    if (command === '/digest') {
      if (!managersChat && staff.role !== 'manager') return answer('staff.command.digestManagersOnly');
      const parsed = parseDigestCommand(words.slice(1).join(' '), at, ctx.calendar.timeZone);
      if (!parsed.ok) return answer(parsed.reason === 'future' ? 'digest.command.future' : 'digest.command.badWeek');
      digestWeek = parsed.weekStart;
      return;
    }
    return answer('staff.command.help');
  });
  // The digest is computed in its own (longer) transaction, after the command was recorded.
  if (digestWeek) await sendWeeklyDigest(ctx, { weekStart: digestWeek, chatId: input.chatId });
  if (reportPeriod) await sendPeriodReport(ctx, { period: reportPeriod, chatId: input.chatId });
  ctx.outboxChanged();
}

function departmentNames(ctx: AppContext, scope: string[]): string {
  return scope.map((id) => ctx.config.departments.find((d) => d.id === id)?.name ?? id).join('、');
}

/** The due that matters now: acceptance while registered, else resolution; none while waiting for the customer. */
function currentDue(c: { status: string; acceptDueAt: Date; resolveDueAt: Date }): Date | null {
  if (c.status === 'waiting_customer') return null;
  return c.status === 'registered' ? c.acceptDueAt : c.resolveDueAt;
}

async function list(ctx: AppContext, tx: Tx, scope: string[], at: Date, overdueOnly: boolean): Promise<string> {
  const lang = ctx.config.defaultLanguage;
  const rows = await tx.complaint.findMany({
    where: { departmentId: { in: scope }, status: { in: OPEN_STATUSES } },
    include: { department: true },
    orderBy: [{ registeredAt: 'asc' }, { id: 'asc' }],
  });
  const shown = rows
    .map((c) => ({ c, due: currentDue(c) }))
    .filter(({ due }) => !overdueOnly || (due !== null && due.getTime() < at.getTime()))
    .sort((a, b) => (a.due?.getTime() ?? Infinity) - (b.due?.getTime() ?? Infinity));
  const title = t(lang, overdueOnly ? 'staff.command.overdueTitle' : 'staff.command.openTitle', { departments: departmentNames(ctx, scope), count: shown.length });
  if (!shown.length) return `${title}\n${t(lang, overdueOnly ? 'staff.command.noneOverdue' : 'staff.command.noneOpen')}`;
  const lines = shown.slice(0, LIST_LIMIT).map(({ c, due }) =>
    t(lang, 'staff.command.line', {
      number: c.number,
      status: t(lang, `card.status.${c.status}` as MessageKey),
      department: c.department.name,
      handler: c.handlerName ?? t(lang, 'staff.command.noHandler'),
      due: due ? `${t(lang, c.status === 'registered' ? 'staff.command.acceptBy' : 'staff.command.resolveBy', { time: formatLocalTime(due, ctx.calendar.timeZone) })}${due.getTime() < at.getTime() ? t(lang, 'staff.command.overdueMark') : ''}` : t(lang, 'staff.command.paused'),
    }),
  );
  if (shown.length > LIST_LIMIT) lines.push(t(lang, 'staff.command.more', { count: shown.length - LIST_LIMIT }));
  return [title, ...lines].join('\n');
}

async function stats(ctx: AppContext, tx: Tx, scope: string[], at: Date): Promise<string> {
  const lang = ctx.config.defaultLanguage;
  const weekStart = DateTime.fromJSDate(at).setZone(ctx.calendar.timeZone).startOf('week').toJSDate();
  const inScope = { departmentId: { in: scope } };
  const events = await tx.complaintEvent.findMany({
    where: { at: { gte: weekStart, lte: at }, type: { in: ['accept', 'resolve', 'reject', 'reopen'] }, complaint: inScope },
    include: { complaint: { select: { resolveDueAt: true } } },
  });
  const count = (type: string) => events.filter((e) => e.type === type).length;
  const resolved = events.filter((e) => e.type === 'resolve');
  const onTime = resolved.filter((e) => e.at.getTime() <= e.complaint.resolveDueAt.getTime()).length;
  const open = await tx.complaint.findMany({ where: { ...inScope, status: { in: OPEN_STATUSES } }, select: { status: true, acceptDueAt: true, resolveDueAt: true } });
  const overdue = open.filter((c) => {
    const due = currentDue(c);
    return due !== null && due.getTime() < at.getTime();
  }).length;
  return t(lang, 'staff.command.stats', {
    departments: departmentNames(ctx, scope),
    since: formatLocalTime(weekStart, ctx.calendar.timeZone),
    registered: await tx.complaint.count({ where: { ...inScope, registeredAt: { gte: weekStart, lte: at } } }),
    accepted: count('accept'),
    resolved: resolved.length,
    onTime: resolved.length ? `${Math.round((onTime / resolved.length) * 100)}%` : '—',
    rejected: count('reject'),
    reopened: count('reopen'),
    open: open.length,
    overdue,
  });
}
