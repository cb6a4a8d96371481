/**
 * A customer adds information, photos or files to one of their open complaints: stored with an audit
 * event, shown to the department in the thread under the complaint's card, and the card is redrawn.
 */
import type { Tx } from '../store/database.ts';
import type { Prisma } from '../store/generated/client.ts';
import { isOpen, isStatus } from '../domain/lifecycle.ts';
import { MAX_TEXT } from '../domain/customer-text.ts';
import { t } from '../i18n/index.ts';
import type { AppContext } from './context.ts';
import { AppError } from './errors.ts';
import type { CustomerAttachment } from './inbound.ts';
import { enqueue } from './outbox.ts';
import { refreshComplaintCards, threadCard } from './complaint-cards.ts';
import { lockComplaint } from './lock-complaint.ts';
import { customerActor } from './customer-helpers.ts';
import { inertText } from './feishu-text.ts';

export interface AddComplaintInfoInput {
  complaintId: number;
  customerId: number;
  text?: string;
  attachments?: CustomerAttachment[];
}

/** Stores a customer's photos and files as evidence of a complaint. */
export async function storeAttachments(tx: Tx, complaintId: number, platform: string, attachments: CustomerAttachment[] | undefined, at: Date, caption?: string): Promise<number> {
  if (!attachments?.length) return 0;
  await tx.attachment.createMany({
    data: attachments.map((a) => ({
      complaintId,
      platform,
      fileId: a.fileId,
      kind: a.kind,
      fileName: a.fileName ?? null,
      mimeType: a.mimeType ?? null,
      caption: caption ? caption.slice(0, 500) : null,
      createdAt: at,
    })),
  });
  return attachments.length;
}

export async function addComplaintInfo(ctx: AppContext, tx: Tx, input: AddComplaintInfoInput) {
  const text = input.text?.trim() ?? '';
  const files = input.attachments ?? [];
  if (!text && !files.length) throw new AppError('INVALID_INPUT', 'nothing to add', { reason: 'empty' });
  if (text.length > MAX_TEXT) throw new AppError('INVALID_INPUT', 'text too long', { reason: 'tooLong', length: text.length });
  await lockComplaint(tx, input.complaintId);
  const complaint = await tx.complaint.findUnique({ where: { id: input.complaintId }, include: { customer: true, department: true } });
  if (!complaint || complaint.customerId !== input.customerId) throw new AppError('NOT_FOUND', `complaint ${input.complaintId} not found`);
  if (!isStatus(complaint.status) || !isOpen(complaint.status)) throw new AppError('TRANSITION_NOT_ALLOWED', `${complaint.number} is ${complaint.status}`, { complaint });
  const at = ctx.now();
  const actor = customerActor(complaint.customer);
  const stored = await storeAttachments(tx, complaint.id, complaint.customer.platform, files, at, text || undefined);
  await tx.complaintEvent.create({
    data: {
      complaintId: complaint.id,
      type: 'info_added',
      actor: actor.id,
      actorName: actor.name ?? null,
      data: { ...(text ? { text } : {}), attachments: stored } as Prisma.InputJsonValue,
      at,
    },
  });
  const lang = ctx.config.defaultLanguage;
  const parts = [
    ...(text ? [t(lang, 'customer.notice.infoAdded', { number: complaint.number, customer: inertText(complaint.customer.displayName), text: inertText(text) })] : []),
    ...(stored ? [t(lang, 'customer.notice.filesAdded', { number: complaint.number, customer: inertText(complaint.customer.displayName), count: stored })] : []),
  ];
  const card = await threadCard(tx, complaint.id, complaint.department.chatId);
  if (card) await enqueue(tx, { channel: 'feishu', kind: 'thread.reply', target: card.chatId, payload: { cardId: card.id, text: parts.join('\n') }, complaintId: complaint.id }, at);
  else await enqueue(tx, { channel: 'feishu', kind: 'text', target: complaint.department.chatId, payload: { text: parts.join('\n') }, complaintId: complaint.id }, at);
  await refreshComplaintCards(tx, complaint.id, at);
  return { complaint, attachments: stored };
}
