/**
 * A message to the bot in a Feishu chat (`im.message.receive_v1`) → the product's StaffMessageInbound.
 * Only text from people is taken (not from bots, not images or cards); anything malformed is logged
 * and dropped, never thrown: Feishu redelivers events that fail.
 */
import { z } from 'zod';
import type { StaffMessageInbound } from '../../src/app/staff/handle-staff-command.ts';
import type { Logger } from '../../src/logger.ts';

const messageEventSchema = z.object({
  sender: z.object({ sender_id: z.object({ open_id: z.string().min(1).max(128) }), sender_type: z.string().optional() }),
  message: z.object({
    message_id: z.string().min(1).max(128),
    chat_id: z.string().min(1).max(128),
    chat_type: z.string().max(32),
    message_type: z.string().max(32),
    content: z.string().max(150_000),
  }),
});

export function decodeStaffMessage(raw: unknown): StaffMessageInbound | null {
  const parsed = messageEventSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { sender, message } = parsed.data;
  if (sender.sender_type && sender.sender_type !== 'user') return null;
  if (message.message_type !== 'text') return null;
  let text: unknown;
  try {
    text = (JSON.parse(message.content) as { text?: unknown }).text;
  } catch {
    return null;
  }
  if (typeof text !== 'string') return null;
  return {
    messageId: message.message_id,
    chatId: message.chat_id,
    chatType: message.chat_type === 'p2p' ? 'p2p' : 'group',
    senderOpenId: sender.sender_id.open_id,
    text: text.slice(0, 2000),
  };
}

export function createStaffMessageHandler(deps: { handle: (input: StaffMessageInbound) => Promise<void>; log: Logger }) {
  return async function onMessage(raw: unknown): Promise<void> {
    const input = decodeStaffMessage(raw);
    if (!input) {
      deps.log.debug('Feishu: ignored a message event that is not a text from a person');
      return;
    }
    try {
      await deps.handle(input);
    } catch (error) {
      deps.log.error({ err: error, chatId: input.chatId, messageId: input.messageId }, 'Feishu: handling a staff message failed');
    }
  };
}
