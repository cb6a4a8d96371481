/**
 * A platform's messaging window: after a customer writes, the company may send them a limited number of
 * messages for a limited time (WeChat official accounts: 5 customer-service messages within 48 hours).
 * Outside it, messages wait until the customer writes again. Pure: time comes in as an argument.
 */

export interface WindowLimits {
  /** How long after the customer's last message the window stays open. */
  hours: number;
  /** How many messages may be sent in it. */
  messages: number;
}

/** WeChat official account rule: 5 customer-service messages in the 48 hours after the customer wrote. */
export const WECHAT_WINDOW: WindowLimits = { hours: 48, messages: 5 };

export interface WindowState {
  /** When the customer last wrote; null if never. */
  lastInboundAt: Date | null;
  /** Messages sent since then. */
  sentSinceInbound: number;
}

export interface MessagingWindow {
  /** A message may be sent now. */
  open: boolean;
  /** How many more messages may be sent before the customer writes again (0 when closed). */
  remaining: number;
  /** When the window closes (or closed) by time; null if the customer never wrote. */
  closesAt: Date | null;
}

export function messagingWindow(state: WindowState, now: Date, limits: WindowLimits = WECHAT_WINDOW): MessagingWindow {
  if (!state.lastInboundAt) return { open: false, remaining: 0, closesAt: null };
  const closesAt = new Date(state.lastInboundAt.getTime() + limits.hours * 3_600_000);
  const left = Math.max(0, limits.messages - Math.max(0, state.sentSinceInbound));
  const open = now.getTime() < closesAt.getTime() && left > 0;
  return { open, remaining: open ? left : 0, closesAt };
}
