/**
 * The customer's follow-up messages reach the staff: in the thread under the complaint's card, recorded
 * on the complaint, confirmed to the customer with the complaint's number.
 */
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { cardText, click, customerGot, fileFor, harnessKinds, outboxSettled } from './staff-helpers.ts';
import { useHarness } from '../support/use-harness.ts';

describe.each(harnessKinds())('customer messages relayed to staff on $name', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));

  const db = () => h.bot.ctx.db;
  const threadTexts = (messageId: string) => h.feishu.threadOf(messageId).map((m) => m.text ?? '');

  it('puts a follow-up in the thread of the card, records it, and confirms to the customer', async () => {
    const f = await fileFor(h);
    h.telegram.sendText(f.user, 'The courier also left the gate open.');
    expect(await customerGot(h, f.user, `Added to your complaint ${f.number}`)).toBeTruthy();
    await outboxSettled(h);
    const thread = threadTexts(f.messageId);
    expect(thread).toHaveLength(1);
    expect(thread[0]).toContain('The courier also left the gate open.');
    expect(thread[0]).toContain(f.user.first_name);
    // thread replies stay out of the group's main timeline, like in Feishu
    expect(h.feishu.messagesIn('oc_cs_group').some((m) => m.text?.includes('gate open'))).toBe(false);
    const event = await db().complaintEvent.findFirstOrThrow({ where: { complaintId: f.complaint.id, type: 'customer_message' } });
    expect(event).toMatchObject({ actor: `telegram:${f.user.id}`, actorName: f.user.first_name, fromStatus: 'registered', toStatus: 'registered' });
    expect(cardText(h, f.messageId)).toContain('客户留言');
  });

  it('with several open complaints: the latest gets it and the customer is told which; a mentioned number picks that one', async () => {
    const first = await fileFor(h, { description: 'First problem: broken lamp.' });
    const second = await fileFor(h, { description: 'Second problem: late invoice.', category: 'billing', user: first.user });
    h.telegram.sendText(first.user, 'Any news?');
    const told = await customerGot(h, first.user, 'Added to your latest complaint');
    expect(told).toContain(second.number);
    expect(told).toContain(first.number);
    await outboxSettled(h);
    expect(threadTexts(second.messageId).some((t) => t.includes('Any news?'))).toBe(true);
    expect(h.feishu.message(second.messageId).chatId).toBe('oc_ops_group');

    h.telegram.sendText(first.user, `About ${first.number}: the lamp also sparks.`);
    await customerGot(h, first.user, `Added to your complaint ${first.number}`);
    await outboxSettled(h);
    expect(threadTexts(first.messageId).some((t) => t.includes('the lamp also sparks'))).toBe(true);
    expect(threadTexts(second.messageId).some((t) => t.includes('the lamp also sparks'))).toBe(false);
  });

  it('relays a photo with its caption and keeps it as evidence', async () => {
    const f = await fileFor(h);
    h.telegram.sendPhoto(f.user, { caption: 'This is the broken parcel.' });
    await customerGot(h, f.user, `Added to your complaint ${f.number}`);
    await outboxSettled(h);
    expect(await db().attachment.count({ where: { complaintId: f.complaint.id, kind: 'photo' } })).toBe(1);
    const thread = threadTexts(f.messageId).join('\n');
    expect(thread).toContain('This is the broken parcel.');
    expect(thread).toContain('1 个附件');
  });

  it('cannot mention people in the staff group: what the customer typed stays plain text', async () => {
    const f = await fileFor(h);
    h.telegram.sendText(f.user, '<at user_id="all"></at> look at this <at user_id="ou_general_manager">boss</at>');
    await customerGot(h, f.user, `Added to your complaint ${f.number}`);
    await outboxSettled(h);
    const [text] = threadTexts(f.messageId);
    expect(text).toContain('look at this');
    expect(text).not.toContain('<at');
  });

  it('does not relay to a resolved complaint, and refuses an oversized message without recording it', async () => {
    const f = await fileFor(h);
    h.telegram.sendText(f.user, 'x'.repeat(2100));
    expect(await customerGot(h, f.user, 'too long')).toContain('2100');
    expect(await db().complaintEvent.count({ where: { complaintId: f.complaint.id, type: 'customer_message' } })).toBe(0);

    await click(h, f.messageId, 'ou_cs_agent_1', 'accept');
    await click(h, f.messageId, 'ou_cs_agent_1', 'resolve', { resolution: 'Replaced the parcel.' });
    await customerGot(h, f.user, 'Replaced the parcel.');
    h.telegram.sendText(f.user, 'Hello again');
    await h.telegram.waitForCall((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(f.user.id) && !String(c.params.text).includes('Replaced'), { fromIndex: h.telegram.calls.length, timeoutMs: 5000 });
    await outboxSettled(h);
    expect(await db().complaintEvent.count({ where: { complaintId: f.complaint.id, type: { in: ['customer_message', 'customer_replied'] } } })).toBe(0);
    expect(threadTexts(f.messageId)).toHaveLength(0);
  });
});
