/**
 * Bad input on the card, table-driven: forged and malformed button values, replayed events, empty or
 * oversized text, choices that are not offered, actions the status no longer allows. Each gets a toast,
 * changes nothing, and the bot stays up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { buttonValue, click, expectUnchanged, fileFor, harnessKinds, snapshot, type Filed } from './staff-helpers.ts';

const AGENT = 'ou_cs_agent_1';
type Toast = { type: string; content: string };

describe.each(harnessKinds())('bad input on the card on $name', (kind) => {
  let h: Harness;
  let cleanup: () => Promise<void>;
  let accepted: Filed;
  let registered: Filed;
  beforeAll(async () => {
    const setup = await kind.setup();
    cleanup = setup.cleanup;
    h = await startHarness({ databaseUrl: setup.databaseUrl });
    accepted = await fileFor(h);
    await click(h, accepted.messageId, AGENT, 'accept');
    registered = await fileFor(h);
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup?.();
  });

  const value = (f: Filed, a: string) => buttonValue(h.feishu.message(f.messageId).card!, a);
  const c = () => accepted.complaint.id;

  // [name, which complaint, value, form, expected toast type, expected toast text]
  const cases: [string, () => Filed, () => unknown, Record<string, unknown> | unknown | undefined, string, RegExp][] = [
    ['a value without version and action', () => accepted, () => ({ c: c() }), undefined, 'error', /无法识别的操作/],
    ['a value of another card version', () => accepted, () => ({ v: 2, a: 'accept', c: c() }), undefined, 'error', /无法识别的操作/],
    ['an unknown action', () => accepted, () => ({ v: 1, a: 'delete_everything', c: c() }), undefined, 'error', /无法识别的操作/],
    ['an id that is not a number', () => accepted, () => ({ v: 1, a: 'note', c: 'DROP TABLE "Complaint"' }), undefined, 'error', /无法识别的操作/],
    ['an extra field', () => accepted, () => ({ v: 1, a: 'note', c: c(), admin: true }), undefined, 'error', /无法识别的操作/],
    ['an escalation tier out of range', () => accepted, () => ({ v: 1, a: 'escalate', c: c(), t: 9 }), { route_reason: 'x' }, 'error', /无法识别的操作/],
    ['a value that is an array', () => accepted, () => [1, 'note'], undefined, 'error', /无法识别的操作/],
    ['a form that is not an object', () => accepted, () => value(accepted, 'note'), 'just a string', 'error', /无法识别的操作/],
    ['a complaint that does not exist', () => accepted, () => ({ v: 1, a: 'note', c: 987654 }), { note_text: 'x' }, 'error', /这张卡片不属于该投诉/], // the clicked card is bound to its own complaint
    ['an empty reply', () => accepted, () => value(accepted, 'reply'), { reply_text: '' }, 'warning', /请先填写内容/],
    ['a reply of spaces only', () => accepted, () => value(accepted, 'reply'), { reply_text: '   \n ' }, 'warning', /请先填写内容/],
    ['a reply that is not text', () => accepted, () => value(accepted, 'reply'), { reply_text: 42 }, 'warning', /请先填写内容/],
    ['a reply that is too long', () => accepted, () => value(accepted, 'reply'), { reply_text: 'x'.repeat(2001) }, 'warning', /内容太长（2001 字），请控制在 2000 字以内/],
    ['a question with no text', () => accepted, () => value(accepted, 'ask'), {}, 'warning', /请先填写内容/],
    ['a resolution that is too long', () => accepted, () => value(accepted, 'resolve'), { resolution: '长'.repeat(2001) }, 'warning', /处理结果太长/],
    ['a transfer without a department', () => accepted, () => value(accepted, 'transfer'), { route_reason: 'x' }, 'warning', /请先填写部门/],
    ['a transfer to an unknown department', () => accepted, () => value(accepted, 'transfer'), { department: 'legal', route_reason: 'x' }, 'warning', /部门不是可选的值/],
    ['a transfer to the same department', () => accepted, () => value(accepted, 'transfer'), { department: 'cs', route_reason: 'x' }, 'warning', /已经在这个部门/],
    ['a transfer without a reason', () => accepted, () => value(accepted, 'transfer'), { department: 'tech' }, 'warning', /请先填写原因/],
    ['an escalation with an oversized reason', () => accepted, () => value(accepted, 'escalate'), { route_reason: 'r'.repeat(501) }, 'warning', /原因太长（501 字）/],
    ['a severity that is not offered', () => accepted, () => value(accepted, 'classify'), { category: 'service', severity: 'catastrophic' }, 'warning', /级别不是可选的值/],
    ['an extension that is not offered', () => accepted, () => value(accepted, 'extend'), { extension: '99d', extend_reason: 'x' }, 'warning', /延期时长不是可选的值/],
    ['an extension without a reason', () => accepted, () => value(accepted, 'extend'), { extension: '2h' }, 'warning', /请先填写原因/],
    ['accepting twice', () => accepted, () => ({ v: 1, a: 'accept', c: c() }), undefined, 'info', /您已于 .* 受理/], // the clicker accepted it herself
    ['rejecting an accepted complaint', () => accepted, () => ({ v: 1, a: 'reject', c: c() }), { reject_reason: 'no_facts' }, 'warning', /当前状态为“已受理”，不能执行此操作/],
    ['reopening an open complaint', () => accepted, () => ({ v: 1, a: 'reopen', c: c() }), { reopen_reason: 'x' }, 'warning', /不能执行此操作/],
    ['replying before it is accepted', () => registered, () => ({ v: 1, a: 'reply', c: registered.complaint.id }), { reply_text: 'hi' }, 'warning', /当前状态为“待受理”/],
    ['a rejection without a reason', () => registered, () => value(registered, 'reject'), { reject_note: 'x' }, 'warning', /请先填写原因/],
    ['a rejection reason that is not offered', () => registered, () => value(registered, 'reject'), { reject_reason: 'because' }, 'warning', /原因不是可选的值/],
  ];

  it.each(cases)('refuses %s with a toast and changes nothing', async (_name, which, valueOf, form, type, text) => {
    const f = which();
    const before = await snapshot(h, f.complaint.id);
    const answer = await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: AGENT }, value: valueOf() as Record<string, unknown>, ...(form !== undefined ? { formValue: form as Record<string, unknown> } : {}) });
    expect(answer.toast?.type).toBe(type);
    expect((answer.toast as Toast).content).toMatch(text);
    expectUnchanged(before, await snapshot(h, f.complaint.id));
  });

  it('handles a redelivered click once', async () => {
    const event = h.feishu.buildCardActionEvent({ messageId: accepted.messageId, operator: { open_id: AGENT }, value: value(accepted, 'note'), formValue: { note_text: 'Delivered twice' } });
    const first = await h.feishu.deliverEvent(event);
    const second = await h.feishu.deliverEvent(event);
    expect((first.json as { toast: Toast }).toast.type).toBe('success');
    expect((second.json as { toast: Toast }).toast).toMatchObject({ type: 'info', content: `${accepted.number} 当前状态：已受理` });
    expect(await h.bot.ctx.db.complaintEvent.count({ where: { complaintId: c(), type: 'note' } })).toBe(1);
  });

  it.each([
    ['no operator', { action: { value: { v: 1, a: 'note', c: 1 } } }],
    ['no action', { operator: { open_id: AGENT } }],
    ['an operator that is not text', { operator: { open_id: { $ne: null } }, action: { value: {} } }],
    ['nothing at all', {}],
  ])('answers a malformed event (%s) with an error toast and stays up', async (_name, event) => {
    const before = await snapshot(h, c());
    const answer = await h.feishu.pushEvent('card.action.trigger', event);
    expect(answer.status).toBe(200);
    expect((answer.json as { toast: Toast }).toast.type).toBe('error');
    expectUnchanged(before, await snapshot(h, c()));
    expect((await fetch(`http://127.0.0.1:${h.bot.port}/healthz`)).status).toBe(200);
  });
});
