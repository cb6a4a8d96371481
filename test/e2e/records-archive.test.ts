/**
 * Archive (归档; issue 10, item 5) end to end on the emulators: the daily job archives complaints closed
 * (or rejected) longer ago than records.archiveAfterDays, records it in the audit trail, and only those;
 * an archived complaint is read-only — an old card's click gets "archived" without a redraw, the
 * customer's /add and /appeal are refused with a clear answer — and still found by /find (a read-only
 * card without buttons), /status and the phone search; its cards are no longer patched by the outbox.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, beforeAll } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { useHarness } from '../support/use-harness.ts';
import { click, customerGot, elementsOf, fileFor, harnessKinds, outboxSettled, snapshot, expectUnchanged, type Filed } from './staff-helpers.ts';
import { handleStaffAction } from '../../src/app/staff/handle-staff-action.ts';
import { archiveClosedComplaints, ARCHIVE_JOB } from '../../src/app/records/archive-closed-complaints.ts';
import { JobScheduler } from '../../src/jobs/scheduler.ts';
import { botJobs } from '../../src/jobs/jobs.ts';
import { enqueue } from '../../src/app/shared/outbox.ts';
import { refreshComplaintCards } from '../../src/app/complaints/complaint-cards.ts';

const DAY = 24 * 3600_000;
const CS = 'oc_cs_group';
const AGENT = 'ou_cs_agent_1';

function messageEvent(chatId: string, openId: string, text: string) {
  return {
    sender: { sender_id: { open_id: openId, union_id: 'on_test', user_id: 'u_test' }, sender_type: 'user', tenant_key: 'tenant' },
    message: {
      message_id: `om_${randomBytes(8).toString('hex')}`,
      root_id: '',
      parent_id: '',
      create_time: String(Date.now()),
      chat_id: chatId,
      chat_type: 'group',
      message_type: 'text',
      content: JSON.stringify({ text }),
      mentions: [],
    },
  };
}

describe.each(harnessKinds())('archive on $name', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));
  const db = () => h.bot.ctx.db;
  let seq = 0;
  let old: Filed;
  let recent: Filed;
  let rejected: Filed;
  let open: Filed;

  async function staffAct(complaintId: number, action: Parameters<typeof handleStaffAction>[1]['action']) {
    const result = await handleStaffAction(h.bot.ctx, { eventId: `archive-${++seq}`, operatorOpenId: AGENT, complaintId, action });
    expect(result.toast.type, result.toast.text).toBe('success');
  }

  /** Closed `days` ago (resolved through the card, then closed as rated, moved back in time). */
  async function closedDaysAgo(f: Filed, days: number) {
    await staffAct(f.complaint.id, { kind: 'accept' });
    await staffAct(f.complaint.id, { kind: 'resolve', resolution: '已道歉并退款。', cause: 'staff_conduct', measure: '培训' });
    await outboxSettled(h);
    const at = new Date(Date.now() - days * DAY);
    await db().complaint.update({ where: { id: f.complaint.id }, data: { status: 'closed', closedAt: at, closeReason: 'rated', rating: 5, ratedAt: at } });
  }

  beforeAll(async () => {
    old = await fileFor(h, { description: '快递员态度恶劣，旧投诉', phone: '13900001111', language: 'zh' });
    recent = await fileFor(h, { description: '最近的投诉' });
    rejected = await fileFor(h, { description: '被驳回的旧投诉' });
    open = await fileFor(h, { description: '仍在处理的旧投诉' });
    await closedDaysAgo(old, 181);
    await closedDaysAgo(recent, 179);
    await staffAct(rejected.complaint.id, { kind: 'reject', reason: 'settled', note: '' });
    await outboxSettled(h);
    await db().$executeRaw`UPDATE "Complaint" SET "updatedAt" = ${new Date(Date.now() - 200 * DAY)} WHERE "id" = ${rejected.complaint.id}`;
    await db().$executeRaw`UPDATE "Complaint" SET "registeredAt" = ${new Date(Date.now() - 300 * DAY)} WHERE "id" = ${open.complaint.id}`;
  });

  it('the daily job archives what closed (or was rejected) more than records.archiveAfterDays (180) ago, once, with an audit event', async () => {
    expect(h.bot.ctx.config.records.archiveAfterDays).toBe(180);
    const scheduler = new JobScheduler(h.bot.ctx, botJobs(h.bot.ctx));
    const result = (await scheduler.runDue(ARCHIVE_JOB, h.bot.ctx.now(), 'startup')) as { numbers: string[] };
    expect(result.numbers.sort()).toEqual([old.number, rejected.number].sort());
    const rows = await db().complaint.findMany({ where: { id: { in: [old, recent, rejected, open].map((f) => f.complaint.id) } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.number, r.archivedAt !== null])).toEqual([
      [old.number, true],
      [recent.number, false],
      [rejected.number, true],
      [open.number, false],
    ]);
    const event = await db().complaintEvent.findFirstOrThrow({ where: { complaintId: old.complaint.id, type: 'archive' } });
    expect(event).toMatchObject({ actor: 'system:archive', fromStatus: 'closed', toStatus: 'closed', data: { afterDays: 180 } });
    // a second run finds nothing left to do
    expect((await archiveClosedComplaints(h.bot.ctx))!.numbers).toEqual([]);
    expect(await db().complaintEvent.count({ where: { type: 'archive' } })).toBe(2);
  });

  it('an old card clicked: a toast "archived", no redraw, nothing changes', async () => {
    const cardBefore = JSON.stringify(h.feishu.message(old.messageId).card);
    const before = await snapshot(h, old.complaint.id);
    const answer = await click(h, old.messageId, AGENT, 'reveal');
    expect(answer.toast).toMatchObject({ type: 'info', content: `${old.number} 已归档，只能查看，不能再操作。` });
    expect(answer.card).toBeUndefined();
    const reopen = await click(h, old.messageId, AGENT, 'reopen', { reopen_reason: '客户又来电' });
    expect(reopen.toast?.content).toContain('已归档');
    await outboxSettled(h);
    expectUnchanged(before, await snapshot(h, old.complaint.id));
    expect(JSON.stringify(h.feishu.message(old.messageId).card)).toBe(cardBefore);
  });

  it('the customer: /add and /appeal get a clear answer and change nothing; /status still shows it, archived, without buttons', async () => {
    const before = await snapshot(h, old.complaint.id);
    h.telegram.sendText(old.user, `/add ${old.number} 还有一件事`);
    expect(await customerGot(h, old.user, `投诉 ${old.number} 已归档`)).toContain('/complain');
    h.telegram.sendText(old.user, `/appeal ${old.number} 我不满意`);
    expect(await customerGot(h, old.user, `投诉 ${old.number} 已归档，只能查询进度`)).toBeTruthy();
    await outboxSettled(h);
    const after = await snapshot(h, old.complaint.id);
    expect(after.complaint).toEqual(before.complaint);
    expect(after.events).toBe(before.events);
    h.telegram.sendText(old.user, `/status ${old.number}`);
    const status = await h.telegram.waitForCall((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(old.user.id) && String(c.params.text).includes('已于'), { timeoutMs: 5000 });
    expect(String(status.params.text)).toMatch(/🗄 已于 .* 归档（只读）/);
    expect(status.params.reply_markup).toBeUndefined();
  });

  it('/find still finds it (by number and by phone): a read-only card, without buttons', async () => {
    const say = async (text: string) => {
      const n = h.feishu.messagesIn(CS).length;
      expect((await h.feishu.pushEvent('im.message.receive_v1', messageEvent(CS, AGENT, text), { via: 'ws' })).status).toBe(200);
      await outboxSettled(h);
      return h.feishu.messagesIn(CS).slice(n);
    };
    const oldCard = JSON.stringify(h.feishu.message(old.messageId).card);
    const posted = await say(`/find ${old.number}`);
    const card = posted.find((m) => m.msgType === 'interactive')!.card as Record<string, any>;
    const ids = elementsOf(card).map((e) => e.element_id);
    expect(ids).toContain('archived');
    expect(elementsOf(card).filter((e) => e.tag === 'button')).toEqual([]);
    expect(JSON.stringify(card)).toContain('已归档');
    // the card it replaces in the chat is not patched ("outdated") either: an archived complaint's cards stay as they were
    expect(JSON.stringify(h.feishu.message(old.messageId).card)).toBe(oldCard);
    const byPhone = await say('/find 1111');
    expect(byPhone.map((m) => m.text ?? '').join('\n')).toContain(old.number);
  });

  it('the outbox does not patch an archived complaint’s card', async () => {
    const card = await db().cardMessage.findFirstOrThrow({ where: { complaintId: old.complaint.id, messageId: old.messageId } });
    const cardBefore = JSON.stringify(h.feishu.message(old.messageId).card);
    const patches = () => h.feishu.calls.filter((c) => c.method === 'PATCH' && c.path.endsWith(old.messageId)).length;
    const patchedBefore = patches();
    await db().$transaction((tx) => enqueue(tx, { channel: 'feishu', kind: 'card.patch', target: card.chatId, payload: { cardId: card.id }, complaintId: old.complaint.id }, new Date()));
    h.bot.ctx.outboxChanged();
    await outboxSettled(h);
    expect(patches()).toBe(patchedBefore);
    expect(JSON.stringify(h.feishu.message(old.messageId).card)).toBe(cardBefore);
    // a redraw asked for by a use case (e.g. after /forget de-identifies it) queues nothing: no patch, no fresh card
    const queued = await db().outboxMessage.count();
    await db().$transaction((tx) => refreshComplaintCards(tx, old.complaint.id, new Date(Date.now() + 15 * DAY)));
    expect(await db().outboxMessage.count()).toBe(queued);
    // the recent one (not archived) is patched as before
    const other = await db().cardMessage.findFirstOrThrow({ where: { complaintId: recent.complaint.id, messageId: recent.messageId } });
    await db().$transaction((tx) => enqueue(tx, { channel: 'feishu', kind: 'card.patch', target: other.chatId, payload: { cardId: other.id }, complaintId: recent.complaint.id }, new Date()));
    h.bot.ctx.outboxChanged();
    await outboxSettled(h);
    expect(h.feishu.calls.filter((c) => c.method === 'PATCH' && c.path.endsWith(recent.messageId)).length).toBeGreaterThan(0);
  });
});
