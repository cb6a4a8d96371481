import { describe, expect, it } from 'vitest';
import { allowedActions, decide, STATUSES, ACTIONS } from '../../src/domain/lifecycle.ts';

describe('lifecycle', () => {
  it.each([
    ['registered', 'accept', 'accepted'],
    ['registered', 'reject', 'rejected'],
    ['accepted', 'start_work', 'in_progress'],
    ['in_progress', 'ask_customer', 'waiting_customer'],
    ['waiting_customer', 'customer_replied', 'in_progress'],
    ['accepted', 'resolve', 'resolved'],
    ['in_progress', 'resolve', 'resolved'],
    ['resolved', 'close', 'closed'],
    ['resolved', 'reopen', 'reopened'],
    ['closed', 'reopen', 'reopened'],
    ['reopened', 'resolve', 'resolved'],
    ['in_progress', 'transfer', 'registered'],
    ['accepted', 'escalate', 'accepted'],
    ['registered', 'withdraw', 'closed'],
    ['closed', 'note', 'closed'],
    ['registered', 'change_classification', 'registered'],
    ['waiting_customer', 'change_classification', 'waiting_customer'],
    ['accepted', 'extend_deadline', 'accepted'],
    ['waiting_customer', 'extend_deadline', 'waiting_customer'],
    ['registered', 'reveal_phone', 'registered'],
    ['closed', 'reveal_phone', 'closed'],
    ['registered', 'customer_message', 'registered'],
    ['reopened', 'customer_message', 'reopened'],
    ['waiting_customer', 'reply_customer', 'waiting_customer'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(decide(from, action)).toEqual({ ok: true, from, to });
  });

  it.each([
    ['registered', 'resolve'],
    ['accepted', 'accept'],
    ['resolved', 'accept'],
    ['rejected', 'accept'],
    ['closed', 'resolve'],
    ['accepted', 'reject'],
    ['resolved', 'transfer'],
    ['waiting_customer', 'transfer'],
    ['resolved', 'change_classification'],
    ['registered', 'extend_deadline'],
    ['resolved', 'extend_deadline'],
    ['rejected', 'reveal_phone'],
    ['waiting_customer', 'customer_message'],
    ['resolved', 'customer_message'],
    ['registered', 'reply_customer'],
    ['registered', 'ask_customer'],
  ] as const)('refuses %s --%s', (from, action) => {
    expect(decide(from, action)).toMatchObject({ ok: false, code: 'TRANSITION_NOT_ALLOWED' });
  });

  it('every status has a way forward except the final ones, and only notes are allowed on a rejected complaint', () => {
    for (const s of STATUSES) expect(allowedActions(s).length).toBeGreaterThan(0);
    expect(allowedActions('rejected')).toEqual(['note']);
    expect(ACTIONS.every((a) => STATUSES.some((s) => decide(s, a).ok))).toBe(true);
  });
});
