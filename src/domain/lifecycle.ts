/**
 * The complaint lifecycle as one transition table. Every status change goes through `decide`,
 * so there is exactly one place that says what may happen to a complaint in which state.
 */
export const STATUSES = [
  'registered',
  'accepted',
  'in_progress',
  'waiting_customer',
  'resolved',
  'closed',
  'rejected',
  'reopened',
] as const;
export type Status = (typeof STATUSES)[number];

export const ACTIONS = [
  'accept',
  'start_work',
  'ask_customer',
  'customer_replied',
  'reply_customer',
  'resolve',
  'close',
  'reject',
  'reopen',
  'transfer',
  'escalate',
  'withdraw',
  'note',
  'change_classification',
  'extend_deadline',
  'reveal_phone',
  'customer_message',
] as const;
export type Action = (typeof ACTIONS)[number];

const OPEN: Status[] = ['registered', 'accepted', 'in_progress', 'waiting_customer', 'reopened'];
const WORKING: Status[] = ['accepted', 'in_progress', 'waiting_customer', 'reopened'];

/** `to: null` keeps the status (an event such as transfer or a note is still recorded). */
const TABLE: Record<Action, { from: readonly Status[]; to: Status | null }> = {
  accept: { from: ['registered'], to: 'accepted' },
  start_work: { from: ['accepted', 'reopened'], to: 'in_progress' },
  ask_customer: { from: WORKING, to: 'waiting_customer' },
  customer_replied: { from: ['waiting_customer'], to: 'in_progress' },
  reply_customer: { from: WORKING, to: null },
  resolve: { from: WORKING, to: 'resolved' },
  close: { from: ['resolved'], to: 'closed' },
  reject: { from: ['registered'], to: 'rejected' },
  reopen: { from: ['resolved', 'closed'], to: 'reopened' },
  transfer: { from: ['registered', 'accepted', 'in_progress', 'reopened'], to: 'registered' },
  escalate: { from: OPEN, to: null },
  withdraw: { from: OPEN, to: 'closed' },
  note: { from: STATUSES, to: null },
  change_classification: { from: OPEN, to: null },
  /** the one allowed extension of the resolve deadline */
  extend_deadline: { from: WORKING, to: null },
  /** someone allowed to see the full phone number looked at it */
  reveal_phone: { from: [...OPEN, 'resolved', 'closed'], to: null },
  /** the customer wrote about an open complaint that was not waiting for them */
  customer_message: { from: ['registered', 'accepted', 'in_progress', 'reopened'], to: null },
};

export type Decision =
  | { ok: true; from: Status; to: Status }
  | { ok: false; code: 'TRANSITION_NOT_ALLOWED'; from: Status; action: Action };

export function decide(current: Status, action: Action): Decision {
  const rule = TABLE[action];
  if (!rule.from.includes(current)) return { ok: false, code: 'TRANSITION_NOT_ALLOWED', from: current, action };
  return { ok: true, from: current, to: rule.to ?? current };
}

export function allowedActions(current: Status): Action[] {
  return ACTIONS.filter((a) => TABLE[a].from.includes(current));
}

export function isOpen(status: Status): boolean {
  return OPEN.includes(status);
}

export function isStatus(value: string): value is Status {
  return (STATUSES as readonly string[]).includes(value);
}
