/** A staff member resolves a complaint with a resolution note, which the customer receives. */
import type { Tx } from '../store/database.ts';
import { t, type Language } from '../i18n/index.ts';
import type { AppContext } from './context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { AppError } from './errors.ts';
import { enqueue } from './outbox.ts';

export const MAX_RESOLUTION = 2000;

export async function resolveComplaint(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; resolution: string }) {
  const resolution = opts.resolution.trim();
  if (!resolution) throw new AppError('INVALID_INPUT', 'resolution is empty', { reason: 'empty' });
  if (resolution.length > MAX_RESOLUTION) throw new AppError('INVALID_INPUT', 'resolution too long', { reason: 'tooLong', length: resolution.length });
  const at = ctx.now();
  const current = await tx.complaint.findUnique({ where: { id: opts.complaintId } });
  const { before } = await changeStatus(tx, {
    complaintId: opts.complaintId,
    action: 'resolve',
    actor: opts.actor,
    at,
    data: { resolvedAt: at, resolution, firstReplyAt: current?.firstReplyAt ?? at },
    details: { resolution },
  });
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: before.customerId } });
  const lang = (customer.language as Language | null) ?? ctx.config.defaultLanguage;
  await enqueue(
    tx,
    {
      channel: customer.platform as 'telegram' | 'wechat',
      kind: 'text',
      target: customer.chatId,
      payload: { text: t(lang, 'customer.resolved', { number: before.number, resolution }) },
      complaintId: before.id,
    },
    at,
  );
  return before;
}
