/**
 * Commands a customer may send outside a conversation (/my, /status, /add, /withdraw, /appeal, /lang,
 * /help …) and the buttons that belong to no conversation (a complaint's details, withdraw confirmation,
 * ratings, language). Returns false when the event is none of these.
 */
import type { Complaint } from '../../store/generated/client.ts';
import { isOpen, STATUSES } from '../../domain/lifecycle.ts';
import type { Language } from '../../i18n/index.ts';
import type { CustomerSession } from './customer-session.ts';
import type { TextButton } from '../shared/outbox.ts';
import { AppError } from '../shared/errors.ts';
import { findCustomerComplaint, statusName } from './customer-helpers.ts';
import { parseCustomerCommand, type ParsedCommand } from './customer-command-words.ts';
import { startAddInfo, startAppeal, startRatingComment } from './customer-follow-up-flow.ts';
import { listMyComplaints } from './list-my-complaints.ts';
import { showComplaintStatus } from './show-complaint-status.ts';
import { addComplaintInfo } from '../complaints/add-complaint-info.ts';
import { appealComplaint } from '../complaints/appeal-complaint.ts';
import { withdrawComplaint } from '../complaints/withdraw-complaint.ts';
import { rateComplaint } from '../complaints/rate-complaint.ts';
import { parseRatingButton } from '../complaints/request-rating.ts';
import { setCustomerLanguage } from './set-customer-language.ts';
import { refuse } from './refuse-customer-input.ts';
import { showMyData } from '../records/show-my-data.ts';
import { FINISHED_STATUSES, requestDataDeletion } from '../records/request-data-deletion.ts';

const OPEN_STATUSES = STATUSES.filter((st) => isOpen(st));
type Target = 'status' | 'add' | 'withdraw' | 'appeal';
/** The button that acts on one complaint, per command. */
const TARGET_BUTTON: Record<Target, string> = { status: 'st', add: 'add', withdraw: 'wdask', appeal: 'ap' };

async function showStatus(s: CustomerSession, ref: { number: string } | { id: number }): Promise<boolean> {
  const shown = await showComplaintStatus(s.ctx, s.tx, { customerId: s.customer.id, lang: s.lang, ref });
  if (!shown) return false;
  await s.replyText(shown.text, shown.buttons);
  return true;
}

async function askWithdraw(s: CustomerSession, complaint: Complaint): Promise<void> {
  if (!OPEN_STATUSES.includes(complaint.status as (typeof OPEN_STATUSES)[number])) {
    await s.reply('customer.withdraw.notOpen', { number: complaint.number, status: statusName(s.lang, complaint.status) });
    return;
  }
  await s.reply('customer.withdraw.confirm', { number: complaint.number }, [
    [
      { label: s.text('customer.withdraw.yes'), data: `wd:${complaint.id}` },
      { label: s.text('customer.withdraw.no'), data: 'wdno' },
    ],
  ]);
}

/** Runs a command on one complaint of the customer's. */
async function actOn(s: CustomerSession, target: Target, complaint: Complaint, rest: string): Promise<void> {
  // An archived complaint is read-only: it can be looked at, not added to, appealed or withdrawn.
  if (complaint.archivedAt && target !== 'status') return s.reply('archive.customer', { number: complaint.number });
  if (target === 'status') await showStatus(s, { id: complaint.id });
  else if (target === 'withdraw') await askWithdraw(s, complaint);
  else if (target === 'add') {
    if (!rest) return startAddInfo(s, complaint);
    try {
      await addComplaintInfo(s.ctx, s.tx, { complaintId: complaint.id, customerId: s.customer.id, text: rest });
      await s.reply('customer.add.added', { number: complaint.number });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'TRANSITION_NOT_ALLOWED') throw error;
      await s.reply('customer.add.notOpen', { number: complaint.number, status: statusName(s.lang, complaint.status) });
    }
  } else if (rest) await appealComplaint(s.ctx, s.tx, { complaintId: complaint.id, customerId: s.customer.id, reason: rest });
  else await startAppeal(s, complaint);
}

/** A command about one complaint: by its number, or picked from the customer's complaints. */
async function targetCommand(s: CustomerSession, target: Target, parsed: ParsedCommand): Promise<void> {
  if ('number' in parsed && parsed.number) {
    const complaint = await findCustomerComplaint(s.tx, s.customer.id, { number: parsed.number });
    if (!complaint) await s.reply('customer.notFound', { number: parsed.number });
    else await actOn(s, target, complaint, parsed.rest);
    return;
  }
  const onlyOpen = target === 'add' || target === 'withdraw';
  const candidates = await s.tx.complaint.findMany({
    where: { customerId: s.customer.id, ...(onlyOpen ? { status: { in: OPEN_STATUSES } } : {}) },
    orderBy: { id: 'desc' },
    take: 6,
  });
  if (!candidates.length) {
    await s.reply(onlyOpen ? 'customer.noOpen' : 'customer.my.none');
    return;
  }
  if (candidates.length === 1) {
    await actOn(s, target, candidates[0]!, parsed.rest);
    return;
  }
  const buttons: TextButton[][] = candidates.map((c) => [{ label: `${c.number} · ${statusName(s.lang, c.status)}`, data: `${TARGET_BUTTON[target]}:${c.id}` }]);
  await s.reply('customer.pick', {}, buttons);
}

async function handleButton(s: CustomerSession, data: string): Promise<void> {
  const rating = parseRatingButton(data);
  if (rating) {
    try {
      const { complaint } = await rateComplaint(s.ctx, s.tx, { complaintId: rating.complaintId, customerId: s.customer.id, rating: rating.score });
      await startRatingComment(s, complaint);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const complaint = error.details.complaint as Complaint | undefined;
      if (error.code === 'ARCHIVED' && complaint) await s.reply('archive.customer', { number: complaint.number });
      else if (error.code === 'TRANSITION_NOT_ALLOWED' && complaint) await s.reply('customer.rate.notAwaiting', { number: complaint.number, status: statusName(s.lang, complaint.status) });
      else await s.reply('customer.staleButton');
    }
    return;
  }
  if (data === 'lang:zh' || data === 'lang:en') {
    await setCustomerLanguage(s.ctx, s.tx, { customerId: s.customer.id, language: data.slice(5) as Language });
    return;
  }
  if (data === 'wdno') {
    await s.reply('customer.withdraw.kept');
    return;
  }
  if (data === 'fgno') {
    await s.reply('forget.kept');
    return;
  }
  if (data === 'fgyes') {
    await confirmForget(s);
    return;
  }
  const m = /^(st|add|wdask|wd|ap):(\d{1,10})$/.exec(data);
  const complaint = m ? await findCustomerComplaint(s.tx, s.customer.id, { id: Number(m[2]) }) : null;
  if (!m || !complaint) {
    await refuse(s, 'customer.staleButton');
    return;
  }
  const kind = m[1];
  if (kind === 'st') await showStatus(s, { id: complaint.id });
  else if (kind === 'add') await startAddInfo(s, complaint);
  else if (kind === 'ap') await startAppeal(s, complaint);
  else if (kind === 'wdask') await askWithdraw(s, complaint);
  else {
    try {
      await withdrawComplaint(s.ctx, s.tx, { complaintId: complaint.id, customerId: s.customer.id });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'TRANSITION_NOT_ALLOWED') throw error;
      await s.reply('customer.withdraw.notOpen', { number: complaint.number, status: statusName(s.lang, complaint.status) });
    }
  }
}

/** A bare "1"–"5" rates the customer's one complaint that waits for a rating (for channels without buttons too). */
async function typedRating(s: CustomerSession): Promise<boolean> {
  const text = s.input.text?.trim() ?? '';
  if (!/^[1-5]$/.test(text) || s.input.attachments?.length) return false;
  const waiting = await s.tx.complaint.findMany({ where: { customerId: s.customer.id, status: 'resolved' }, take: 2 });
  if (waiting.length !== 1) return false;
  await handleButton(s, `rate:${waiting[0]!.id}:${text}`);
  return true;
}

/** `/mydata`: everything stored about the customer, in as many messages as the channel needs. */
async function sendMyData(s: CustomerSession): Promise<void> {
  const texts = await showMyData(s.ctx, s.tx, { customer: s.customer, lang: s.lang, channel: s.input.platform, at: s.at });
  for (const text of texts) await s.replyText(text);
}

/** `/forget`: says what deletion means and asks yes or no (buttons; on WeChat a numbered list). */
async function askForget(s: CustomerSession): Promise<void> {
  const pending = await s.tx.dataRequest.findFirst({ where: { customerId: s.customer.id, kind: 'forget', status: 'pending' } });
  if (pending) return s.reply('forget.pending', { id: pending.id });
  const open = await s.tx.complaint.count({ where: { customerId: s.customer.id, status: { notIn: FINISHED_STATUSES } } });
  await s.reply('forget.confirm', { open }, [
    [
      { label: s.text('forget.yes'), data: 'fgyes' },
      { label: s.text('forget.no'), data: 'fgno' },
    ],
  ]);
}

async function confirmForget(s: CustomerSession): Promise<void> {
  const result = await requestDataDeletion(s.ctx, s.tx, { customer: s.customer, at: s.at });
  if (result.state === 'unavailable') await s.reply('forget.unavailable');
  else await s.reply(result.state === 'sent' ? 'forget.sent' : 'forget.pending', { id: result.id });
}

export async function handleCustomerCommand(s: CustomerSession): Promise<boolean> {
  if (s.input.button !== undefined) {
    await handleButton(s, s.input.button);
    return true;
  }
  const parsed = parseCustomerCommand(s.input.text);
  if (!parsed) return typedRating(s);
  switch (parsed.name) {
    case 'help':
      await s.reply('customer.welcome', { company: s.ctx.config.company.name });
      break;
    case 'my': {
      const list = await listMyComplaints(s.ctx, s.tx, { customerId: s.customer.id, lang: s.lang, channel: s.input.platform });
      await s.replyText(list.text, list.buttons);
      break;
    }
    case 'status':
    case 'add':
    case 'withdraw':
    case 'appeal':
      await targetCommand(s, parsed.name, parsed);
      break;
    case 'lang':
      await s.reply('customer.lang.ask', {}, [
        [
          { label: s.text('customer.lang.zh'), data: 'lang:zh' },
          { label: s.text('customer.lang.en'), data: 'lang:en' },
        ],
      ]);
      break;
    case 'mydata':
      await sendMyData(s);
      break;
    case 'forget':
      await askForget(s);
      break;
    case 'cancel':
      await s.reply('customer.nothingToCancel');
      break;
    case 'back':
    case 'nothing':
      await s.reply('customer.nothingInProgress');
      break;
    default:
      await refuse(s, 'customer.unknownCommand', { command: parsed.word });
  }
  return true;
}
