/**
 * What the staff end-to-end tests share: complaints registered through the real use case (so these
 * tests do not depend on the customer's filing dialogue), reading and clicking the card the bot posted
 * in the Feishu emulator, and the database kinds to run on.
 */
import { expect } from 'vitest';
import type { User } from 'grammy/types';
import type { Harness } from '../support/harness.ts';
import { fileComplaint } from '../../src/app/complaints/file-complaint.ts';
import type { Complaint } from '../../src/store/generated/client.ts';

export { harnessKinds, type HarnessKind as Kind } from '../support/harness.ts';

type Json = Record<string, any>;

/** Every element of a card, depth first (forms, column sets and columns included). */
export function elementsOf(card: Json): Json[] {
  const out: Json[] = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const e of list as Json[]) {
      out.push(e);
      walk(e.elements);
      walk(e.columns);
    }
  };
  walk(card.body?.elements);
  return out;
}

export function findElement(card: Json, elementId: string): Json | undefined {
  return elementsOf(card).find((e) => e.element_id === elementId);
}

export function buttonValue(card: Json, elementId: string): Json {
  const button = findElement(card, elementId);
  if (!button) throw new Error(`no element ${elementId} on the card; elements: ${elementsOf(card).map((e) => e.element_id).filter(Boolean).join(', ')}`);
  return button.behaviors[0].value;
}

/** The card's JSON with the markdown entity escapes decoded, i.e. the texts as Feishu shows them. */
export function cardText(h: Harness, messageId: string): string {
  return JSON.stringify(h.feishu.message(messageId).card).replace(/&#(\d{1,6});/g, (_, n: string) => String.fromCodePoint(Number(n)));
}

export interface Filed {
  complaint: Complaint;
  number: string;
  messageId: string;
  user: User;
}

/** Registers a complaint for a new Telegram customer and waits for its card in the department's group. */
export async function fileFor(
  h: Harness,
  opts: { category?: string; description?: string; phone?: string | null; language?: 'en' | 'zh'; user?: User } = {},
): Promise<Filed> {
  const ctx = h.bot.ctx;
  const language = opts.language ?? 'en';
  const user = opts.user ?? h.telegram.createUser({ first_name: `Cust${Math.floor(Math.random() * 1e6)}`, language_code: language });
  const complaint = await ctx.db.$transaction(async (tx) => {
    const customer = await tx.customer.upsert({
      where: { platform_platformUserId: { platform: 'telegram', platformUserId: String(user.id) } },
      create: { platform: 'telegram', platformUserId: String(user.id), chatId: String(user.id), displayName: user.first_name, language },
      update: {},
    });
    return fileComplaint(ctx, tx, {
      customerId: customer.id,
      categoryId: opts.category ?? 'service',
      description: opts.description ?? 'The courier was rude at the door.',
      contactPhone: opts.phone === undefined ? '13812345678' : opts.phone,
      language,
    });
  });
  ctx.outboxChanged();
  const messageId = await cardMessageId(h, complaint.id);
  await customerGot(h, user, complaint.number);
  return { complaint, number: complaint.number, messageId, user };
}

/** Waits until the complaint's current card in `chatId` (default: any) was posted, and returns its message id. */
export async function cardMessageId(h: Harness, complaintId: number, chatId?: string, notIn: string[] = []): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const card = await h.bot.ctx.db.cardMessage.findFirst({
      where: { complaintId, active: true, messageId: { not: null, notIn }, ...(chatId ? { chatId } : {}) },
      orderBy: { id: 'desc' },
    });
    if (card?.messageId && h.feishu.hasMessage(card.messageId)) return card.messageId;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no posted card for complaint ${complaintId}${chatId ? ` in ${chatId}` : ''}`);
}

/** Clicks a button of the card as it is now in the emulator (with the form's typed values). */
export async function click(h: Harness, messageId: string, operator: string, elementId: string, formValue?: Record<string, unknown>) {
  const value = buttonValue(h.feishu.message(messageId).card as Json, elementId);
  return h.feishu.clickButton({ messageId, operator: { open_id: operator }, value, ...(formValue ? { formValue } : {}) });
}

/** The root form holding the element `elementId` (forms sit only at the card's root), or undefined. */
export function formHolding(card: Json, elementId: string): Json | undefined {
  return (card.body?.elements ?? []).find((e: Json) => e.tag === 'form' && elementsOf({ body: { elements: e.elements } }).some((x) => x.element_id === elementId));
}

/** A form's text boxes and its submit buttons: what a user can type into, and then click, in it. */
export function formParts(form: Json): { inputs: Json[]; submits: Json[] } {
  const all = elementsOf({ body: { elements: form.elements } });
  return { inputs: all.filter((e) => e.tag === 'input'), submits: all.filter((e) => e.tag === 'button' && e.form_action_type === 'submit') };
}

/**
 * Types into a form and clicks one of its submit buttons, as Feishu does: the callback carries the values
 * of the fields of the clicked button's form only. Typing into a field of another form throws.
 */
export async function submitForm(h: Harness, messageId: string, operator: string, buttonId: string, typed: Record<string, string>) {
  const card = h.feishu.message(messageId).card as Json;
  const form = formHolding(card, buttonId);
  if (!form) throw new Error(`button ${buttonId} is in no form of the card`);
  const names = elementsOf({ body: { elements: form.elements } }).map((e) => e.name);
  for (const name of Object.keys(typed)) if (!names.includes(name)) throw new Error(`no field ${name} in the form of ${buttonId} (${form.name}: ${names.join(', ')})`);
  return h.feishu.clickButton({ messageId, operator: { open_id: operator }, value: buttonValue(card, buttonId), formValue: typed });
}

/** Waits for a Telegram message to the customer whose text matches. */
export async function customerGot(h: Harness, user: { id: number }, match: string | RegExp): Promise<string> {
  const call = await h.telegram.waitForCall(
    (c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(user.id) && (typeof match === 'string' ? String(c.params.text).includes(match) : match.test(String(c.params.text))),
    { timeoutMs: 5000 },
  );
  return String(call.params.text);
}

/** Waits until the outbox has nothing left to send (so what a test checks afterwards has happened). */
export async function outboxSettled(h: Harness): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const pending = await h.bot.ctx.db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } });
    if (pending === 0) return;
    h.bot.ctx.outboxChanged();
    await new Promise((r) => setTimeout(r, 25));
  }
  const rows = await h.bot.ctx.db.outboxMessage.findMany({ where: { status: { in: ['pending', 'sending'] } } });
  throw new Error(`outbox not settled: ${JSON.stringify(rows.map((r) => ({ id: r.id, kind: r.kind, attempts: r.attempts, lastError: r.lastError })))}`);
}

/** Texts the bot sent to a Feishu chat (not thread replies), oldest first. */
export function textsIn(h: Harness, chatId: string): string[] {
  return h.feishu
    .messagesIn(chatId)
    .filter((m) => m.msgType === 'text')
    .map((m) => m.text ?? '');
}

/** The complaint's row and its audit trail, to show nothing changed. */
export async function snapshot(h: Harness, complaintId: number) {
  const db = h.bot.ctx.db;
  const complaint = await db.complaint.findUniqueOrThrow({ where: { id: complaintId } });
  const events = await db.complaintEvent.count({ where: { complaintId } });
  const outbox = await db.outboxMessage.count({ where: { complaintId } });
  return { complaint, events, outbox };
}

export function expectUnchanged(before: Awaited<ReturnType<typeof snapshot>>, after: Awaited<ReturnType<typeof snapshot>>): void {
  expect(after.complaint).toEqual(before.complaint);
  expect(after.events).toBe(before.events);
  expect(after.outbox).toBe(before.outbox);
}
