/**
 * The filing conversation: category → what happened → contact phone → confirm, one step at a time.
 * `handleFilingFlow` returns false when the event is not for this flow.
 */
import { normalizePhone } from '../domain/phone.ts';
import type { CustomerSession } from './customer-session.ts';
import type { TextButton } from './outbox.ts';
import { fileComplaint } from './file-complaint.ts';

export const MAX_TEXT = 2000;
export const FILING_FLOW = 'file';
type Step = 'category' | 'description' | 'phone' | 'confirm';
interface Draft {
  category?: string;
  description?: string;
  phone?: string | null;
}

const START_WORDS = new Set(['/complain', '投诉', '我要投诉']);
const CANCEL_WORDS = new Set(['/cancel', '取消']);
const SKIP_WORDS = new Set(['skip', '/skip', '跳过', '不留']);

function categoryName(s: CustomerSession, id: string | undefined): string {
  const c = s.ctx.config.categories.find((x) => x.id === id);
  return !c ? '' : typeof c.name === 'string' ? c.name : c.name[s.lang];
}

function categoryButtons(s: CustomerSession): TextButton[][] {
  return s.ctx.config.categories.map((c) => [{ label: categoryName(s, c.id), data: `cat:${c.id}` }]);
}

async function askConfirm(s: CustomerSession, draft: Draft): Promise<void> {
  await s.saveConversation(FILING_FLOW, 'confirm', draft);
  await s.reply('customer.summary', { category: categoryName(s, draft.category), description: draft.description ?? '', phone: draft.phone ?? s.text('customer.skipWord') }, [
    [
      { label: s.text('customer.confirm'), data: 'confirm' },
      { label: s.text('customer.cancelButton'), data: 'cancel' },
    ],
  ]);
}

export async function handleFilingFlow(s: CustomerSession): Promise<boolean> {
  const { input } = s;
  const active = s.conversation?.flow === FILING_FLOW;
  const step = active ? (s.conversation!.step as Step) : undefined;
  const draft = (active ? s.conversation!.data : {}) as Draft;
  const command = s.command;

  if (input.button !== undefined) {
    if (!step) return false;
    if (input.button === 'cancel') {
      await s.endConversation();
      await s.reply('customer.cancelled');
      return true;
    }
    if (input.button.startsWith('cat:') && step === 'category') {
      const id = input.button.slice(4);
      if (s.ctx.config.categories.some((c) => c.id === id)) {
        await s.saveConversation(FILING_FLOW, 'description', { ...draft, category: id });
        await s.reply('customer.askDescription', { max: MAX_TEXT });
        return true;
      }
    }
    if (input.button === 'confirm' && step === 'confirm' && draft.category && draft.description) {
      await fileComplaint(s.ctx, s.tx, { customerId: s.customer.id, categoryId: draft.category, description: draft.description, contactPhone: draft.phone ?? null, language: s.lang });
      await s.endConversation();
      return true;
    }
    await s.reply('customer.staleButton');
    return true;
  }

  if (command && START_WORDS.has(command)) {
    await s.saveConversation(FILING_FLOW, 'category', {});
    await s.reply('customer.askCategory', {}, categoryButtons(s));
    return true;
  }
  if (!step) return false;
  if (command && CANCEL_WORDS.has(command)) {
    await s.endConversation();
    await s.reply('customer.cancelled');
    return true;
  }
  if (command?.startsWith('/') && !SKIP_WORDS.has(command)) return false; // other commands are answered elsewhere

  const text = input.text?.trim() ?? '';
  if (step === 'category') {
    await s.reply('customer.askCategory', {}, categoryButtons(s));
    return true;
  }
  if (step === 'confirm') {
    await askConfirm(s, draft);
    return true;
  }
  if (!text) {
    await s.reply(input.hasMedia ? 'customer.needText' : 'customer.emptyText');
    return true;
  }
  if (text.length > MAX_TEXT) {
    await s.reply('customer.tooLong', { length: text.length, max: MAX_TEXT });
    return true;
  }
  if (step === 'description') {
    await s.saveConversation(FILING_FLOW, 'phone', { ...draft, description: text });
    await s.reply('customer.askPhone');
    return true;
  }
  if (SKIP_WORDS.has(text.toLowerCase())) {
    await askConfirm(s, { ...draft, phone: null });
    return true;
  }
  const phone = normalizePhone(text);
  if (!phone) {
    await s.reply('customer.badPhone', { input: text.slice(0, 40) });
    return true;
  }
  await askConfirm(s, { ...draft, phone });
  return true;
}
