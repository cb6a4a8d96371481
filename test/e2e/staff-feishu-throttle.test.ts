/**
 * The Feishu sender keeps to 5 messages a second per group (Feishu's limit, shared by all bots), in
 * order, without slowing other groups: the real SDK against the emulator, with the limiter on a fake
 * clock so the waits are exact and the test does not depend on timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeishuEmulator } from '../../src/sandbox/emulators/feishu/index.ts';
import { APP_ID, APP_SECRET } from '../support/harness.ts';
import { FeishuClient } from '../../adapters/feishu/feishu-client.ts';
import { feishuSender, FEISHU_PER_TARGET } from '../../src/delivery/senders.ts';
import { PerKeyRateLimiter } from '../../src/delivery/rate-limiter.ts';
import { exampleConfig } from '../support/context.ts';
import type { OutboxMessage } from '../../src/store/generated/client.ts';
import type { Db } from '../../src/store/database.ts';

describe('Feishu sender throttle', () => {
  const emu = new FeishuEmulator({ appId: APP_ID, appSecret: APP_SECRET });
  beforeAll(() => emu.start());
  afterAll(() => emu.stop());

  it('spaces the 6th message to a group by the window, keeps the order, and lets another group through', async () => {
    let now = 0;
    const waits: { key: string; ms: number }[] = [];
    let lastKey = '';
    const limiter = new PerKeyRateLimiter({ ...FEISHU_PER_TARGET, now: () => now, sleep: async (ms) => void (waits.push({ key: lastKey, ms }), (now += ms)) });
    const take = limiter.take.bind(limiter);
    limiter.take = (key: string) => ((lastKey = key), take(key));
    const sender = feishuSender(new FeishuClient({ appId: APP_ID, appSecret: APP_SECRET, domain: emu.domain }), {} as Db, exampleConfig(), { limiter });
    const row = (id: number, target: string): OutboxMessage =>
      ({ id, channel: 'feishu', kind: 'text', target, payload: { text: `${target} #${id}` }, status: 'sending', attempts: 1, nextAttemptAt: new Date(), lastError: null, complaintId: null, cardId: null, createdAt: new Date(), sentAt: null, attemptId: null, sendStartedAt: null, reportedAt: null }) as OutboxMessage;
    const targets = ['oc_a', 'oc_a', 'oc_a', 'oc_b', 'oc_a', 'oc_a', 'oc_a', 'oc_b', 'oc_a'];
    for (const [i, target] of targets.entries()) await sender.send(row(i + 1, target));

    expect(waits).toEqual([
      { key: 'chat:oc_a', ms: FEISHU_PER_TARGET.windowMs },
    ]);
    expect(emu.messagesIn('oc_a').map((m) => m.text)).toEqual(['oc_a #1', 'oc_a #2', 'oc_a #3', 'oc_a #5', 'oc_a #6', 'oc_a #7', 'oc_a #9']);
    expect(emu.messagesIn('oc_b').map((m) => m.text)).toEqual(['oc_b #4', 'oc_b #8']);
  });
});
