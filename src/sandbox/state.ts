/**
 * What the sandbox page shows, read from the emulators as each platform would show it to its user:
 * the customers' chats (Telegram, WeChat), the Feishu groups with their cards and threads, the staff's
 * private chats with the bot, and the simulated clock.
 */
import type { Message } from 'grammy/types';
import type { FeishuMessage } from './emulators/feishu/index.ts';
import { CHANNEL_CREDENTIALS } from './mode.ts';
import type { SandboxWorld, TimeStep } from './sandbox.ts';

export const OUTSIDER_OPEN_ID = 'ou_sandbox_outsider';

export interface ChatLine {
  id: string;
  from: 'bot' | 'customer';
  at: number;
  text: string;
  photo?: string;
  buttons?: { text: string; data: string }[][];
  template?: { id: string; data: Record<string, string> };
}

export interface FeishuLine {
  id: string;
  at: number;
  from: string;
  kind: string;
  text?: string;
  card?: unknown;
  image?: string;
  updated?: boolean;
  thread?: FeishuLine[];
}

function telegramLines(world: SandboxWorld, chatId: number): ChatLine[] {
  return world.telegram.chatHistory(chatId).map((m: Message) => {
    const photo = m.photo?.[m.photo.length - 1];
    const keyboard = m.reply_markup?.inline_keyboard;
    const line: ChatLine = {
      id: String(m.message_id),
      from: m.from?.id === world.telegram.bot.id ? 'bot' : 'customer',
      at: m.date * 1000,
      text: m.text ?? m.caption ?? (m.document ? `📎 ${m.document.file_name ?? ''}` : ''),
    };
    if (photo) line.photo = `/sandbox/api/file?telegram=${encodeURIComponent(photo.file_id)}`;
    if (keyboard) line.buttons = keyboard.map((row) => row.flatMap((b) => ('callback_data' in b ? [{ text: b.text, data: b.callback_data }] : [])));
    return line;
  });
}

async function wechatLines(world: SandboxWorld, customerId: string, openId: string): Promise<ChatLine[]> {
  const typed: ChatLine[] = (world.typed.get(customerId) ?? []).map((t) => ({ id: t.id, from: 'customer', at: t.at, text: t.image ? '🖼️' : t.text }));
  const sent: ChatLine[] = world.wechat.messagesTo(openId).map((m, i) => ({
    id: `wx-out-${i}`,
    from: 'bot',
    at: m.at.getTime(),
    text: m.text ?? '',
    ...(m.kind === 'template' ? { template: { id: m.templateId ?? '', data: m.data ?? {} } } : {}),
  }));
  return [...typed, ...sent].sort((a, b) => a.at - b.at);
}

function feishuLine(world: SandboxWorld, m: FeishuMessage, withThread: boolean): FeishuLine {
  const line: FeishuLine = { id: m.messageId, at: m.createTime, from: 'bot', kind: m.msgType, updated: m.updated };
  if (m.msgType === 'interactive') line.card = m.card;
  else if (m.msgType === 'text') line.text = m.text ?? '';
  else if (m.msgType === 'image') line.image = `/sandbox/api/file?feishu=${encodeURIComponent(String(m.parsed.image_key ?? ''))}`;
  else line.text = `[${m.msgType}]`;
  if (withThread) {
    const replies = world.feishu.threadOf(m.messageId).filter((r) => r.messageId !== m.messageId);
    if (replies.length) line.thread = replies.map((r) => feishuLine(world, r, false));
  }
  return line;
}

function feishuChat(world: SandboxWorld, chatId: string): FeishuLine[] {
  const posted = world.feishu.messagesIn(chatId).map((m) => feishuLine(world, m, true));
  const typed: FeishuLine[] = (world.typed.get(chatId) ?? []).map((t) => ({ id: t.id, at: t.at, from: t.from, kind: 'text', text: t.text }));
  return [...posted, ...typed].sort((a, b) => a.at - b.at);
}

export async function sandboxState(world: SandboxWorld) {
  const { config, db } = world.bot.ctx;
  const customers = await Promise.all(
    world.customers.map(async (c) => {
      if (c.channel === 'telegram') {
        const keyboard = world.telegram.replyKeyboard(c.telegramId!);
        return { ...c, messages: telegramLines(world, c.telegramId!), keyboard: keyboard?.keyboard.map((row) => row.map((b) => (typeof b === 'string' ? b : b.text))) };
      }
      const w = world.wechat.windowOf(c.openId!);
      const held = await db.outboxMessage.count({ where: { channel: 'wechat', target: c.openId!, status: 'held' } });
      return {
        ...c,
        messages: await wechatLines(world, c.id, c.openId!),
        window: { open: w.open, sent: w.sent, limit: w.limit, lastMessageAt: w.lastMessageAt?.getTime() ?? null, closesAt: w.closesAt?.getTime() ?? null, held },
      };
    }),
  );
  const groups = [
    ...config.departments.map((d) => ({ chatId: d.chatId, name: d.name, kind: 'department' as const, department: d.id })),
    ...(config.managersChatId ? [{ chatId: config.managersChatId, name: null, kind: 'managers' as const }] : []),
    ...(config.supervisionChatId ? [{ chatId: config.supervisionChatId, name: null, kind: 'supervision' as const }] : []),
  ].map((g) => ({ ...g, messages: feishuChat(world, g.chatId) }));
  const staff = config.staff.map((s) => {
    const p2p = world.feishu.p2pChatOf(s.openId);
    return { openId: s.openId, name: s.name, role: s.role, department: s.department ?? null, direct: p2p ? feishuChat(world, p2p) : [] };
  });
  const steps: TimeStep[] = ['hour', 'workday', 'digest', 'month'];
  return {
    version: world.version,
    clock: { now: world.clock.nowMs(), wall: Date.now(), timeZone: world.bot.ctx.calendar.timeZone, moving: world.moving, targets: Object.fromEntries(steps.map((s) => [s, world.targetOf(s).getTime()])) },
    company: config.company.name,
    defaultLanguage: config.defaultLanguage,
    credentials: CHANNEL_CREDENTIALS,
    customers,
    groups,
    staff,
    outsider: OUTSIDER_OPEN_ID,
  };
}
