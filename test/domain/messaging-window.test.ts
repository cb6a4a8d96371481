import { describe, expect, it } from 'vitest';
import { messagingWindow, WECHAT_WINDOW } from '../../src/domain/messaging-window.ts';

const wrote = new Date('2026-11-23T02:00:00Z');
const hours = (h: number) => new Date(wrote.getTime() + h * 3_600_000);

describe('messagingWindow (WeChat: 5 messages in the 48 hours after the customer wrote)', () => {
  it('is closed for a customer who never wrote', () => {
    expect(messagingWindow({ lastInboundAt: null, sentSinceInbound: 0 }, wrote)).toEqual({ open: false, remaining: 0, closesAt: null });
  });

  it('opens with 5 messages when the customer writes and counts them down', () => {
    expect(messagingWindow({ lastInboundAt: wrote, sentSinceInbound: 0 }, wrote)).toEqual({ open: true, remaining: 5, closesAt: hours(48) });
    expect(messagingWindow({ lastInboundAt: wrote, sentSinceInbound: 4 }, hours(1))).toEqual({ open: true, remaining: 1, closesAt: hours(48) });
    expect(messagingWindow({ lastInboundAt: wrote, sentSinceInbound: 5 }, hours(1))).toEqual({ open: false, remaining: 0, closesAt: hours(48) });
    expect(messagingWindow({ lastInboundAt: wrote, sentSinceInbound: 9 }, hours(1)).remaining).toBe(0);
  });

  it('closes 48 hours after the customer wrote, to the millisecond', () => {
    expect(messagingWindow({ lastInboundAt: wrote, sentSinceInbound: 0 }, new Date(hours(48).getTime() - 1)).open).toBe(true);
    expect(messagingWindow({ lastInboundAt: wrote, sentSinceInbound: 0 }, hours(48))).toEqual({ open: false, remaining: 0, closesAt: hours(48) });
  });

  it('takes other limits', () => {
    expect(WECHAT_WINDOW).toEqual({ hours: 48, messages: 5 });
    expect(messagingWindow({ lastInboundAt: wrote, sentSinceInbound: 1 }, hours(0.5), { hours: 1, messages: 3 })).toEqual({ open: true, remaining: 2, closesAt: hours(1) });
  });
});
