/**
 * A card click (`card.action.trigger`) → validated staff action → the app → the answer Feishu expects:
 * a toast and the clicked card redrawn from the database, within 3 s. Shared by the long connection and HTTP.
 * A click that fails validation (forged, malformed, from an unknown card version) gets an error toast,
 * a log line, and changes nothing.
 * Clicks on one complaint's cards are handled one at a time in arrival order (different complaints at
 * once); the time a click waits behind another counts against the 3 s answer.
 */
import { z } from 'zod';
import { parseCardAction } from '../../cards/actions.ts';
import type { StaffActionInput, StaffActionResult } from '../../src/app/staff/handle-staff-action.ts';
import type { Logger } from '../../src/logger.ts';
import { KeyedQueue } from '../../src/app/shared/keyed-queue.ts';

/** The fields of a card.action.trigger event we use (after header and event are merged, as the SDK does). */
const cardEventSchema = z.object({
  event_id: z.string().min(1).max(128).optional(),
  operator: z.object({ open_id: z.string().min(1).max(128) }),
  action: z.object({
    value: z.unknown(),
    form_value: z.unknown().optional(),
  }),
  context: z.object({ open_message_id: z.string().max(128).optional(), open_chat_id: z.string().max(128).optional() }).optional(),
});

export interface CardCallbackResponse {
  toast: { type: 'success' | 'info' | 'warning' | 'error'; content: string };
  card?: { type: 'raw'; data: object };
}

export interface CardActionDeps {
  handle: (input: StaffActionInput) => Promise<StaffActionResult>;
  /** The card to answer with: the clicked message's card, drawn from the database. */
  renderCard: (complaintId: number, messageId?: string) => Promise<object | null>;
  /** When the answer could not be given in time, the card is redrawn later through the outbox. */
  refreshLater: (complaintId: number) => Promise<void>;
  texts: { badRequest: string; error: string; processing: string };
  log: Logger;
  /** Feishu waits 3 s; answer before that. */
  answerWithinMs?: number;
  /** Told how long each answer took and how it ended (the /metrics latency histogram). */
  observe?: (seconds: number, outcome: 'answered' | 'late' | 'refused' | 'error') => void;
  /** Complaints whose clicks are handled at once (one complaint's clicks always one at a time). Default 32. */
  concurrency?: number;
}

export function createCardActionHandler(deps: CardActionDeps) {
  const limit = deps.answerWithinMs ?? 2500;
  const clicks = new KeyedQueue({ concurrency: deps.concurrency ?? 32 });
  return async function onCardAction(raw: unknown): Promise<CardCallbackResponse> {
    const started = performance.now();
    const observe = (outcome: 'answered' | 'late' | 'refused' | 'error') => deps.observe?.((performance.now() - started) / 1000, outcome);
    const event = cardEventSchema.safeParse(raw);
    const parsed = event.success ? parseCardAction(event.data.action.value, event.data.action.form_value) : undefined;
    if (!event.success || !parsed?.ok) {
      const problem = event.success ? (parsed && !parsed.ok ? parsed.problem : '') : event.error.issues[0]?.message;
      deps.log.warn({ problem, operator: event.success ? event.data.operator.open_id : undefined }, 'Feishu: refused a card action with an invalid value');
      observe('refused');
      return { toast: { type: 'error', content: deps.texts.badRequest } };
    }
    const e = event.data;
    const input: StaffActionInput = {
      eventId: e.event_id ?? `${e.operator.open_id}:${e.context?.open_message_id ?? ''}:${Date.now()}`,
      operatorOpenId: e.operator.open_id,
      complaintId: parsed.complaintId,
      messageId: e.context?.open_message_id,
      action: parsed.action,
    };
    // One complaint's clicks in order; a click on no complaint (the intake form: 0) waits behind its card only.
    const key = input.complaintId ? `complaint:${input.complaintId}` : `card:${input.messageId ?? input.eventId}`;
    const work = clicks.run(key, async (): Promise<CardCallbackResponse> => {
      const result = await deps.handle(input);
      const card = result.card ?? (result.complaintId ? await deps.renderCard(result.complaintId, input.messageId) : null);
      return { toast: { type: result.toast.type, content: result.toast.text }, ...(card ? { card: { type: 'raw' as const, data: card } } : {}) };
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limit)));
    try {
      const answer = await Promise.race([work, late]);
      if (answer !== 'late') {
        observe('answered');
        return answer;
      }
      deps.log.warn({ complaintId: input.complaintId }, 'Feishu: card action took too long; answering now, redrawing later');
      work.then(() => deps.refreshLater(input.complaintId)).catch(() => {});
      observe('late');
      return { toast: { type: 'info', content: deps.texts.processing } };
    } catch (error) {
      deps.log.error({ err: error, complaintId: input.complaintId }, 'Feishu: card action failed');
      observe('error');
      return { toast: { type: 'error', content: deps.texts.error } };
    } finally {
      clearTimeout(timer);
    }
  };
}
