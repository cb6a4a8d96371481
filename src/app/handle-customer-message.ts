/**
 * A customer's message or button press: the filing conversation, one step at a time, with its state in
 * the database so it survives restarts and works across instances.
 */
import type { Tx } from '../store/database.ts';
import type { Prisma } from '../store/generated/client.ts';
import { normalizePhone } from '../domain/phone.ts';
import { t, languageFromCode, type Language, type MessageKey } from '../i18n/index.ts';
import type { AppContext } from './context.ts';
import type { CustomerInbound } from './inbound.ts';
import { enqueue, type TextButton } from './outbox.ts';
import { recordInboundEvent } from './record-inbound-event.ts';
import { fileComplaint } from './file-complaint.ts';

export const MAX_TEXT = 2000;
const FLOW = 'file';
type Step = 'category' | 'description' | 'phone' | 'confirm';
interface Draft {
  category?: string;
  description?: string;
  phone?: string | null;
}

const START_WORDS = new Set(['/complain', '投诉', '我要投诉']);
const CANCEL_WORDS = new Set(['/cancel', '取消']);
const SKIP_WORDS = new Set(['skip', '跳过', '不留', '/skip']);

function commandOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const first = text.trim().split(/\s+/)[0]!.toLowerCase();
  return first.startsWith('/') ? first.replace(/@\w+$/, '') : first;
}

export async function handleCustomerMessage(ctx: AppContext, input: CustomerInbound): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const at = ctx.now();
    if (!(await recordInboundEvent(tx, input.platform, input.eventId, at))) return;
    const customer = await tx.customer.upsert({
      where: { platform_platformUserId: { platform: input.platform, platformUserId: input.userId } },
      create: {
        platform: input.platform,
        platformUserId: input.userId,
        chatId: input.chatId,
        displayName: input.displayName,
        language: languageFromCode(input.languageCode) ?? null,
        lastInboundAt: at,
      },
      update: { chatId: input.chatId, displayName: input.displayName, lastInboundAt: at },
    });
    const lang: Language = (customer.language as Language | null) ?? ctx.config.defaultLanguage;
    const reply = (key: MessageKey, params: Record<string, string | number> = {}, buttons?: TextButton[][]) =>
      enqueue(tx, { channel: input.platform, kind: 'text', target: input.chatId, payload: { text: t(lang, key, params), ...(buttons ? { buttons } : {}) } }, at);

    const conversation = await tx.conversation.findUnique({ where: { platform_userId: { platform: input.platform, userId: input.userId } } });
    const step = conversation?.flow === FLOW ? (conversation.step as Step) : undefined;
    const draft = (conversation?.data ?? {}) as Draft;
    const save = (next: Step, data: Draft) =>
      tx.conversation.upsert({
        where: { platform_userId: { platform: input.platform, userId: input.userId } },
        create: { platform: input.platform, userId: input.userId, flow: FLOW, step: next, data: data as Prisma.InputJsonValue, updatedAt: at },
        update: { flow: FLOW, step: next, data: data as Prisma.InputJsonValue, updatedAt: at },
      });
    const end = () => tx.conversation.deleteMany({ where: { platform: input.platform, userId: input.userId } });
    const categoryButtons = (): TextButton[][] =>
      ctx.config.categories.map((c) => [{ label: typeof c.name === 'string' ? c.name : c.name[lang], data: `cat:${c.id}` }]);
    const askPhone = async (data: Draft) => {
      await save('phone', data);
      await reply('customer.askPhone');
    };
    const askConfirm = async (data: Draft) => {
      await save('confirm', data);
      const category = ctx.config.categories.find((c) => c.id === data.category);
      const name = category ? (typeof category.name === 'string' ? category.name : category.name[lang]) : '';
      await reply('customer.summary', { category: name, description: data.description ?? '', phone: data.phone ?? t(lang, 'customer.skipWord') }, [
        [
          { label: t(lang, 'customer.confirm'), data: 'confirm' },
          { label: t(lang, 'customer.cancelButton'), data: 'cancel' },
        ],
      ]);
    };

    // Buttons: valid only at the step that offered them.
    if (input.button !== undefined) {
      if (input.button === 'cancel' && step) {
        await end();
        return reply('customer.cancelled');
      }
      if (input.button.startsWith('cat:') && step === 'category') {
        const id = input.button.slice(4);
        if (ctx.config.categories.some((c) => c.id === id)) {
          await save('description', { ...draft, category: id });
          return reply('customer.askDescription', { max: MAX_TEXT });
        }
      }
      if (input.button === 'confirm' && step === 'confirm' && draft.category && draft.description) {
        await fileComplaint(ctx, tx, { customerId: customer.id, categoryId: draft.category, description: draft.description, contactPhone: draft.phone ?? null, language: lang });
        await end();
        return;
      }
      return reply('customer.staleButton');
    }

    const command = commandOf(input.text);
    if (command && CANCEL_WORDS.has(command)) {
      if (!step) return reply('customer.nothingToCancel');
      await end();
      return reply('customer.cancelled');
    }
    if (command && START_WORDS.has(command)) {
      await save('category', {});
      return reply('customer.askCategory', {}, categoryButtons());
    }
    if (command === '/start' || command === '/help') return reply('customer.welcome', { company: ctx.config.company.name });
    if (command?.startsWith('/') && command !== '/skip') return reply('customer.unknownCommand', { command });

    if (!step) return reply('customer.hint');
    const text = input.text?.trim() ?? '';
    if (step === 'category') return reply('customer.askCategory', {}, categoryButtons());
    if (step === 'confirm') return askConfirm(draft);
    if (!text) return reply(input.hasMedia ? 'customer.needText' : 'customer.emptyText');
    if (text.length > MAX_TEXT) return reply('customer.tooLong', { length: text.length, max: MAX_TEXT });
    if (step === 'description') return askPhone({ ...draft, description: text });
    // step === 'phone'
    if (SKIP_WORDS.has(text.toLowerCase())) return askConfirm({ ...draft, phone: null });
    const phone = normalizePhone(text);
    if (!phone) return reply('customer.badPhone', { input: text.slice(0, 40) });
    return askConfirm({ ...draft, phone });
  });
  ctx.outboxChanged();
}
