/** A staff member accepts (受理) a complaint: status, audit event, and a message to the customer. */
import type { Tx } from '../../store/database.ts';
import { t, type Language } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { enqueue } from '../shared/outbox.ts';

export async function acceptComplaint(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor }) {
  const at = ctx.now();
  const { before } = await changeStatus(tx, {
    complaintId: opts.complaintId,
    action: 'accept',
    actor: opts.actor,
    at,
    data: { acceptedAt: at, handlerOpenId: opts.actor.id.replace(/^feishu:/, ''), handlerName: opts.actor.name ?? null },
  });
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: before.customerId } });
  const department = ctx.config.departments.find((d) => d.id === before.departmentId);
  const lang = (customer.language as Language | null) ?? ctx.config.defaultLanguage;
  await enqueue(
    tx,
    {
      channel: customer.platform as 'telegram' | 'wechat',
      kind: 'text',
      target: customer.chatId,
      payload: { text: t(lang, 'customer.accepted', { number: before.number, department: department?.name ?? before.departmentId, handler: opts.actor.name ?? '' }) },
      complaintId: before.id,
    },
    at,
  );
  return before;
}
