/**
 * Buttons on channels that have none (WeChat): a message's buttons are shown as a numbered list, and the
 * customer answers with a number (or the button's label). The buttons of the last message sent are kept
 * on the customer's row, so the answer is understood after a restart and by any instance.
 */
import type { Db, Tx } from '../../store/database.ts';
import { Prisma } from '../../store/generated/client.ts';
import type { TextButton } from '../shared/outbox.ts';

type Client = Pick<Db, 'customer'> | Tx;

/** Every message sent replaces the remembered buttons (none clears them): only the latest list is answerable. */
export async function rememberButtons(db: Client, platform: string, userId: string, buttons: TextButton[][] | undefined): Promise<void> {
  const flat = buttons?.flat() ?? [];
  await db.customer.updateMany({
    where: { platform, platformUserId: userId },
    data: { lastButtons: flat.length ? (flat.map((b) => ({ label: b.label, data: b.data })) as Prisma.InputJsonValue) : Prisma.DbNull },
  });
}

/** Full-width digits become digits, and only letters and digits count: "✅ 确认提交" is answered by "确认提交". */
function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The button a typed reply stands for: its number in the last list sent, or its exact label. */
export async function buttonForReply(db: Client, platform: string, userId: string, text: string | undefined): Promise<string | undefined> {
  if (!text || text.length > 100) return undefined;
  const customer = await db.customer.findUnique({ where: { platform_platformUserId: { platform, platformUserId: userId } }, select: { lastButtons: true } });
  const buttons = parseButtons(customer?.lastButtons);
  if (!buttons.length) return undefined;
  const number = /^(\d{1,2})[.。、)）]?$/.exec(text.normalize('NFKC').trim());
  if (number) return buttons[Number(number[1]) - 1]?.data;
  const reply = normalize(text);
  return reply ? buttons.find((b) => normalize(b.label) === reply)?.data : undefined;
}

function parseButtons(value: unknown): TextButton[] {
  if (!Array.isArray(value)) return [];
  return value.filter((b): b is TextButton => typeof b === 'object' && b !== null && typeof b.label === 'string' && typeof b.data === 'string');
}
