/**
 * One inbound customer event inside its transaction: who wrote, in which language, their conversation
 * state, and how to answer. Handed to each part of the customer pipeline (flows, commands, relay).
 */
import type { Tx } from '../../store/database.ts';
import type { Customer, Conversation, Prisma } from '../../store/generated/client.ts';
import { t, type Language, type MessageKey } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import type { CustomerInbound } from '../shared/inbound.ts';
import { enqueue, type TextButton } from '../shared/outbox.ts';

export class CustomerSession {
  constructor(
    readonly ctx: AppContext,
    readonly tx: Tx,
    readonly input: CustomerInbound,
    readonly customer: Customer,
    readonly lang: Language,
    readonly at: Date,
    public conversation: Conversation | null,
    /** This customer's messages in the current minute, this one included (counted when the event was opened). */
    readonly messagesThisMinute = 1,
    /** The same message as the one just before it from this customer, in the same minute and step (answered once). */
    readonly repeated = false,
  ) {}

  /** The first word, lower-cased, without a @botname suffix: '/complain', '投诉', … */
  get command(): string | undefined {
    const text = this.input.text?.trim();
    if (!text) return undefined;
    const first = text.split(/\s+/)[0]!.toLowerCase();
    return first.startsWith('/') ? first.replace(/@\w+$/, '') : first;
  }

  /** A text in the customer's language, worded for the channel they wrote from. */
  text(key: MessageKey, params: Record<string, string | number> = {}): string {
    return t(this.lang, key, params, this.input.platform);
  }

  /** Queues an answer to this customer on the channel they wrote from. */
  async reply(key: MessageKey, params: Record<string, string | number> = {}, buttons?: TextButton[][]): Promise<void> {
    await this.replyText(this.text(key, params), buttons);
  }

  async replyText(text: string, buttons?: TextButton[][]): Promise<void> {
    await enqueue(this.tx, { channel: this.input.platform, kind: 'text', target: this.input.chatId, payload: { text, ...(buttons ? { buttons } : {}) } }, this.at);
  }

  /** Saves the conversation's flow, step and draft. */
  async saveConversation(flow: string, step: string, data: object): Promise<void> {
    const key = { platform: this.input.platform, userId: this.input.userId };
    const json = data as Prisma.InputJsonValue;
    this.conversation = await this.tx.conversation.upsert({
      where: { platform_userId: key },
      create: { ...key, flow, step, data: json, updatedAt: this.at },
      update: { flow, step, data: json, updatedAt: this.at },
    });
  }

  async endConversation(): Promise<void> {
    await this.tx.conversation.deleteMany({ where: { platform: this.input.platform, userId: this.input.userId } });
    this.conversation = null;
  }
}
