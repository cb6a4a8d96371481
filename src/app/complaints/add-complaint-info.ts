/**
 * A customer adds information, photos or files to one of their open complaints: stored with an audit
 * event, shown to the department in the thread under the complaint's card, and the card is redrawn.
 */
import type { Tx } from '../../store/database.ts';
import type { Attachment } from '../../store/generated/client.ts';
import { isOpen, isStatus } from '../../domain/lifecycle.ts';
import { MAX_TEXT } from '../../domain/customer-text.ts';
import { t, type Language } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import type { CustomerAttachment } from '../shared/inbound.ts';
import { enqueue } from '../shared/outbox.ts';
import { refreshComplaintCards, threadCard } from './complaint-cards.ts';
import { lockComplaint } from './lock-complaint.ts';
import { customerActor, loadOwnComplaint } from '../customers/customer-helpers.ts';
import { inertText } from '../shared/feishu-text.ts';
import { recordEvent } from './change-status.ts';

export interface AddComplaintInfoInput {
  complaintId: number;
  customerId: number;
  text?: string;
  attachments?: CustomerAttachment[];
}

/** Stores a customer's photos and files as evidence of a complaint; returns the rows, in order. */
export async function storeAttachments(tx: Tx, complaintId: number, platform: string, attachments: CustomerAttachment[] | undefined, at: Date, caption?: string): Promise<Attachment[]> {
  const rows: Attachment[] = [];
  for (const a of attachments ?? []) {
    rows.push(
      await tx.attachment.create({
        data: {
          complaintId,
          platform,
          fileId: a.fileId,
          kind: a.kind,
          fileName: a.fileName ?? null,
          mimeType: a.mimeType ?? null,
          caption: caption ? caption.slice(0, 500) : null,
          createdAt: at,
        },
      }),
    );
  }
  return rows;
}

/** Image types Feishu shows in a message; a file of another type is named in a text line instead. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/tiff']);

export function showsAsImage(a: Pick<Attachment, 'kind' | 'mimeType'>): boolean {
  return a.kind === 'photo' || (a.mimeType !== null && IMAGE_TYPES.has(a.mimeType.toLowerCase()));
}

/** One line per stored file that is not shown as an image: its name. */
export function fileLines(lang: Language, stored: Attachment[]): string[] {
  return stored.filter((a) => !showsAsImage(a)).map((a) => t(lang, 'staff.thread.file', { name: inertText(a.fileName ?? a.mimeType ?? a.kind) }));
}

/**
 * Posts what the customer sent in the thread under the complaint's card (without a card: the text in the
 * department's group): the text lines, then each photo as an image (fetched and uploaded at send time).
 */
export async function postInThread(tx: Tx, complaintId: number, departmentChatId: string, lines: string[], stored: Attachment[], at: Date): Promise<void> {
  const card = await threadCard(tx, complaintId, departmentChatId);
  const text = lines.join('\n');
  if (text && card) await enqueue(tx, { channel: 'feishu', kind: 'thread.reply', target: card.chatId, payload: { cardId: card.id, text }, complaintId }, at);
  else if (text) await enqueue(tx, { channel: 'feishu', kind: 'text', target: departmentChatId, payload: { text }, complaintId }, at);
  if (!card) return;
  for (const a of stored.filter(showsAsImage)) {
    await enqueue(tx, { channel: 'feishu', kind: 'thread.image', target: card.chatId, payload: { cardId: card.id, attachmentId: a.id }, complaintId }, at);
  }
}

export async function addComplaintInfo(ctx: AppContext, tx: Tx, input: AddComplaintInfoInput) {
  const text = input.text?.trim() ?? '';
  const files = input.attachments ?? [];
  if (!text && !files.length) throw new AppError('INVALID_INPUT', 'nothing to add', { reason: 'empty' });
  if (text.length > MAX_TEXT) throw new AppError('INVALID_INPUT', 'text too long', { reason: 'tooLong', length: text.length });
  await lockComplaint(tx, input.complaintId);
  const complaint = await loadOwnComplaint(tx, input.complaintId, input.customerId);
  if (!isStatus(complaint.status) || !isOpen(complaint.status)) throw new AppError('TRANSITION_NOT_ALLOWED', `${complaint.number} is ${complaint.status}`, { complaint });
  const at = ctx.now();
  const actor = customerActor(complaint.customer);
  const stored = await storeAttachments(tx, complaint.id, complaint.customer.platform, files, at, text || undefined);
  await recordEvent(tx, { complaintId: complaint.id, type: 'info_added', actor, at, details: { ...(text ? { text } : {}), attachments: stored.length } });
  const lang = ctx.config.defaultLanguage;
  const parts = [
    ...(text ? [t(lang, 'customer.notice.infoAdded', { number: complaint.number, customer: inertText(complaint.customer.displayName), text: inertText(text) })] : []),
    ...(stored.length ? [t(lang, 'customer.notice.filesAdded', { number: complaint.number, customer: inertText(complaint.customer.displayName), count: stored.length })] : []),
    ...fileLines(lang, stored),
  ];
  await postInThread(tx, complaint.id, complaint.department.chatId, parts, stored, at);
  await refreshComplaintCards(tx, complaint.id, at);
  return { complaint, attachments: stored.length };
}
