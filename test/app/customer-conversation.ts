/** Helpers for customer-side tests: talk to the real pipeline as a customer and read what it queued. */
import type { AppContext } from '../../src/app/shared/context.ts';
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';
import type { TextButton } from '../../src/app/shared/outbox.ts';
import { handleCustomerMessage } from '../../src/app/customers/handle-customer-message.ts';
import { handleStaffAction, type StaffAction } from '../../src/app/staff/handle-staff-action.ts';

let seq = 0;

export function msg(userId: string, fields: Partial<CustomerInbound>): CustomerInbound {
  return { platform: 'telegram', eventId: `c${++seq}`, userId, chatId: userId, displayName: `Customer ${userId}`, languageCode: 'en', ...fields };
}

/** One customer event through the whole pipeline (dedup, guard, flows, commands, relay). */
export async function say(ctx: AppContext, userId: string, fields: Partial<CustomerInbound> | string): Promise<void> {
  await handleCustomerMessage(ctx, msg(userId, typeof fields === 'string' ? { text: fields } : fields));
}

export interface Sent {
  text: string;
  buttons: TextButton[][];
}

/** The last `n` texts queued to a customer's chat, oldest first. */
export async function sent(ctx: AppContext, chatId: string, n = 1): Promise<Sent[]> {
  const rows = await ctx.db.outboxMessage.findMany({ where: { target: chatId, channel: { in: ['telegram', 'wechat'] } }, orderBy: { id: 'desc' }, take: n });
  return rows.reverse().map((r) => {
    const payload = r.payload as unknown as { text: string; buttons?: TextButton[][] };
    return { text: payload.text, buttons: payload.buttons ?? [] };
  });
}

export async function lastText(ctx: AppContext, chatId: string): Promise<string> {
  return (await sent(ctx, chatId))[0]?.text ?? '';
}

export async function outboxCount(ctx: AppContext, chatId: string): Promise<number> {
  return ctx.db.outboxMessage.count({ where: { target: chatId } });
}

export function buttonData(s: Sent | undefined): string[] {
  return s?.buttons.flat().map((b) => b.data) ?? [];
}

/** Files a complaint through every step of the conversation with sensible answers; returns it. */
export async function fileThroughFlow(ctx: AppContext, userId: string, opts: { category?: string; description?: string; languageCode?: string } = {}) {
  const lc = opts.languageCode ?? 'en';
  const step = (fields: Partial<CustomerInbound>) => say(ctx, userId, { languageCode: lc, ...fields });
  await step({ text: '/complain' });
  await step({ button: `cat:${opts.category ?? 'service'}` });
  await step({ text: 'The courier of order 5521' });
  await step({ text: opts.description ?? 'The courier was rude at the door.' });
  await step({ button: 'when:today' });
  await step({ text: 'An apology' });
  await step({ button: 'skip' }); // phone
  if (ctx.config.categories.find((c) => c.id === (opts.category ?? 'service'))?.needsAddress) await step({ text: '1 Main Street, Shanghai' });
  await step({ button: 'skip' }); // requested reply time
  await step({ button: 'done' }); // no photos
  await step({ button: 'confirm' });
  return ctx.db.complaint.findFirstOrThrow({ where: { customer: { platformUserId: userId } }, orderBy: { id: 'desc' } });
}

let staffSeq = 0;
/** A staff action through the staff entry point (as a card click would), by the cs agent unless told otherwise. */
export async function staffDoes(ctx: AppContext, complaintId: number, action: StaffAction, operatorOpenId = 'ou_cs_agent_1') {
  return handleStaffAction(ctx, { eventId: `staff-${++staffSeq}-${complaintId}`, operatorOpenId, complaintId, action });
}

/** Accepts and resolves a complaint of the cs department. */
export async function acceptAndResolve(ctx: AppContext, complaintId: number, resolution = 'We apologised and refunded the fee.') {
  const accepted = await staffDoes(ctx, complaintId, { kind: 'accept' });
  const resolved = await staffDoes(ctx, complaintId, { kind: 'resolve', resolution });
  if (resolved.toast.type !== 'success') throw new Error(`resolve failed: ${accepted.toast.text} / ${resolved.toast.text}`);
}
