/**
 * Structured resolution (issue 10, item 2) end to end: the resolve form on the Feishu card records the
 * result, the cause category and text, the improvement measure and the compensation; the customer gets
 * them in plain words on Telegram; the card shows them; wrong input gets a toast and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { useHarness } from '../support/use-harness.ts';
import { cardText, click, customerGot, expectUnchanged, fileFor, findElement, harnessKinds, snapshot } from './staff-helpers.ts';

const AGENT = 'ou_cs_agent_1';

describe.each(harnessKinds())('structured resolution on $name', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));
  const row = (id: number) => h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { id } });

  it('the resolve form offers the configured causes and compensation kinds', async () => {
    const f = await fileFor(h);
    await click(h, f.messageId, AGENT, 'accept');
    const card = h.feishu.message(f.messageId).card as Record<string, any>;
    const causes = findElement(card, 'cause_select')!;
    expect(causes.options.map((o: any) => o.value)).toEqual(['product_defect', 'staff_conduct', 'process', 'third_party', 'misunderstanding', 'other']);
    expect(causes.options[1].text.content).toBe('员工行为');
    expect(findElement(card, 'comp_kind_select')!.options.map((o: any) => o.value)).toContain('refund');
    for (const id of ['cause_detail_input', 'measure_input', 'comp_amount_input']) expect(findElement(card, id)).toBeDefined();
  });

  it('records result, cause, measure and compensation; the customer reads them in plain words; the card shows them', async () => {
    const f = await fileFor(h, { language: 'en' });
    await click(h, f.messageId, AGENT, 'accept');
    const answer = await click(h, f.messageId, AGENT, 'resolve', {
      resolution: 'We apologised and re-delivered the parcel.',
      cause: 'staff_conduct',
      cause_detail: 'the courier skipped the doorbell',
      measure: 'Couriers are retrained on doorstep conduct.',
      compensation_kind: 'voucher',
      compensation_amount: '¥50.5',
    });
    expect(answer.toast?.type).toBe('success');
    const c = await row(f.complaint.id);
    expect([c.status, c.resolution, c.causeCategory, c.causeDetail, c.improvement, c.compensationKind, c.compensationCents]).toEqual([
      'resolved',
      'We apologised and re-delivered the parcel.',
      'staff_conduct',
      'the courier skipped the doorbell',
      'Couriers are retrained on doorstep conduct.',
      'voucher',
      5050,
    ]);
    const text = await customerGot(h, f.user, 'We apologised and re-delivered the parcel.');
    expect(text).toContain('Cause: Staff conduct (the courier skipped the doorbell)');
    expect(text).toContain('What we are changing: Couriers are retrained on doorstep conduct.');
    expect(text).toContain('Compensation: Voucher, 50.50 yuan');
    expect(text).toContain('Thank you for telling us');
    const card = cardText(h, f.messageId).replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))); // Feishu markdown entity escapes
    for (const part of ['原因分析', '员工行为 · the courier skipped the doorbell', '改进措施', '代金券 ¥50.50']) expect(card).toContain(part);
    const event = await h.bot.ctx.db.complaintEvent.findFirstOrThrow({ where: { complaintId: f.complaint.id, type: 'resolve' } });
    expect(event.data).toMatchObject({ cause: 'staff_conduct', measure: 'Couriers are retrained on doorstep conduct.', compensation: { kind: 'voucher', cents: 5050 } });
  });

  it('a plain result alone still resolves, and the customer gets just the result', async () => {
    const f = await fileFor(h, { language: 'en' });
    await click(h, f.messageId, AGENT, 'accept');
    expect((await click(h, f.messageId, AGENT, 'resolve', { resolution: 'Refunded the fee.' })).toast?.type).toBe('success');
    const text = await customerGot(h, f.user, 'Refunded the fee.');
    expect(text).not.toContain('Cause:');
    expect(text).not.toContain('Thank you');
  });

  it('wrong input gets a toast naming the field and changes nothing', async () => {
    const f = await fileFor(h);
    await click(h, f.messageId, AGENT, 'accept');
    const before = await snapshot(h, f.complaint.id);
    const cases: [Record<string, string>, RegExp][] = [
      [{ resolution: 'ok', cause: 'aliens' }, /原因分类不是可选的值/],
      [{ resolution: 'ok', compensation_kind: 'refund', compensation_amount: 'fifty' }, /补偿金额不是有效的金额/],
      [{ resolution: 'ok', compensation_amount: '50' }, /请先填写补偿/],
      [{ resolution: 'ok', measure: 'x'.repeat(1001) }, /改进措施太长/],
      [{ resolution: '   ', cause: 'process' }, /请先填写处理结果/],
    ];
    for (const [form, toast] of cases) {
      const answer = await click(h, f.messageId, AGENT, 'resolve', form);
      expect(answer.toast?.type).toBe('warning');
      expect(answer.toast?.content).toMatch(toast);
    }
    expectUnchanged(before, await snapshot(h, f.complaint.id));
  });

  it('with resolution.requireCause set, a resolution without a cause is refused', async () => {
    const f = await fileFor(h);
    await click(h, f.messageId, AGENT, 'accept');
    h.bot.ctx.config.resolution.requireCause = true;
    try {
      const answer = await click(h, f.messageId, AGENT, 'resolve', { resolution: 'Done.' });
      expect(answer.toast).toMatchObject({ type: 'warning', content: '请先填写原因分类' });
      expect((await row(f.complaint.id)).status).toBe('accepted');
      expect((await click(h, f.messageId, AGENT, 'resolve', { resolution: 'Done.', cause: 'process' })).toast?.type).toBe('success');
    } finally {
      h.bot.ctx.config.resolution.requireCause = false;
    }
  });

  it('reopening clears the cause and measure with the result', async () => {
    const f = await fileFor(h);
    await click(h, f.messageId, AGENT, 'accept');
    await click(h, f.messageId, AGENT, 'resolve', { resolution: 'Done.', cause: 'process', measure: 'New checklist.' });
    expect((await click(h, f.messageId, AGENT, 'reopen', { reopen_reason: 'Customer called back: not fixed' })).toast?.type).toBe('success');
    const c = await row(f.complaint.id);
    expect([c.resolution, c.causeCategory, c.improvement]).toEqual([null, null, null]);
  });
});
