/**
 * The SLA sweep on a real database with an injected clock: reminders at 75 %, the escalation ladder,
 * after-hours intake, holidays, the month-old upgrade and the follow-up clocks after resolution.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { testContext } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { clockProgress, computeDeadlines } from '../../src/domain/sla.ts';
import { addBusinessMinutes, businessMinutesBetween } from '../../src/domain/calendar.ts';
import { reopenComplaint } from '../../src/app/complaints/reopen-complaint.ts';
import { formatBusinessMinutes } from '../../src/app/sla/sla-notice.ts';
import { acceptAt, at, feishuTexts, fileAt, lastOutboxId, resolveAt, sh, staff, sweepAt, type Ctx } from '../jobs/support.ts';

describe.each(testDatabases())('SLA sweep on $name', (kind) => {
  let database: Database;
  let ctx: Ctx;
  beforeAll(async () => {
    database = await kind.open();
    ctx = await testContext(database);
  });
  afterAll(async () => database?.close());

  const textsFor = async (complaintId: number, after = 0) => (await feishuTexts(ctx, after)).filter((t) => t.complaintId === complaintId);

  it('reminds the department at 75 % of the accept clock, naming the complaint and the time left, once', async () => {
    // Monday 10:00, general: accept within 2 business hours → due 12:00, 75 % at 11:30.
    const c = await fileAt(ctx, '2026-11-23 10:00', 'service');
    expect(c.acceptDueAt).toEqual(sh('2026-11-23 12:00'));
    await sweepAt(ctx, '2026-11-23 10:00');
    const row = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.nextDueAt).toEqual(sh('2026-11-23 11:30')); // the sweep comes back exactly when something is due

    await sweepAt(ctx, '2026-11-23 11:29');
    expect(clockProgress({ startAt: c.clockStartAt, dueAt: c.acceptDueAt, now: sh('2026-11-23 11:29'), calendar: ctx.calendar })).toBeLessThan(0.75);
    expect(await textsFor(c.id)).toEqual([]);

    const counts = await sweepAt(ctx, '2026-11-23 11:30');
    expect(clockProgress({ startAt: c.clockStartAt, dueAt: c.acceptDueAt, now: sh('2026-11-23 11:30'), calendar: ctx.calendar })).toBe(0.75);
    expect(counts.reminders).toBe(1);
    const texts = await textsFor(c.id);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.target).toBe('oc_cs_group');
    expect(texts[0]!.text).toBe(`${at('ou_cs_agent_1')}${at('ou_cs_agent_2')}⏰ 投诉 ${c.number}（一般·服务态度）的受理时限还剩 30分钟，截止 2026-11-23 12:00。尚无人受理：请客服部值班人员受理。`);

    await sweepAt(ctx, '2026-11-23 11:31');
    await sweepAt(ctx, '2026-11-23 11:45');
    expect(await textsFor(c.id)).toHaveLength(1);
    expect(await ctx.db.slaNotice.count({ where: { complaintId: c.id, clock: 'accept', kind: 'remind' } })).toBe(1);
  });

  it('mentions the handler in reminders once the complaint is accepted', async () => {
    const c = await fileAt(ctx, '2026-11-24 09:00', 'service');
    await acceptAt(ctx, '2026-11-24 09:10', c.id, 'ou_cs_agent_1');
    // first reply and resolve: 24 business hours = 1440 min; 75 % = 1080 min, placed by the business calendar
    const remindAt = addBusinessMinutes(c.clockStartAt, 1080, ctx.calendar);
    await sweepAt(ctx, new Date(remindAt.getTime() - 60_000));
    expect(await textsFor(c.id)).toEqual([]);
    await sweepAt(ctx, remindAt);
    const texts = await textsFor(c.id);
    expect(texts.map((t) => t.text)).toEqual([
      expect.stringMatching(new RegExp(`^${at('ou_cs_agent_1')}⏰ 投诉 ${c.number}（一般·服务态度）的首次答复时限还剩 6小时`)),
      expect.stringMatching(new RegExp(`^${at('ou_cs_agent_1')}⏰ 投诉 ${c.number}（一般·服务态度）的办结时限还剩 6小时`)),
    ]);
  });

  it('escalates through all three tiers: supervisor by @mention in the group, then the general manager in the managers chat', async () => {
    const c = await fileAt(ctx, '2026-11-25 10:00', 'service'); // Wednesday, never accepted
    await sweepAt(ctx, '2026-11-25 11:59');
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } })).escalationTier).toBe(0);

    const first = await sweepAt(ctx, '2026-11-25 12:00');
    expect(first.escalations).toBe(1);
    let row = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.escalationTier).toBe(1);
    expect(row.status).toBe('registered'); // escalation keeps the status
    expect(row.escalatedAt).toEqual(sh('2026-11-25 12:00'));
    // the supervisor's own clock: 4 business hours from 12:00 (lunch 12:00–13:30) → 17:30
    expect(row.escalationDueAt).toEqual(sh('2026-11-25 17:30'));
    const event = await ctx.db.complaintEvent.findFirstOrThrow({ where: { complaintId: c.id, type: 'escalate' } });
    expect(event.actor).toBe('system');
    expect(event.data).toMatchObject({ tier: 1 });
    let texts = await textsFor(c.id);
    expect(texts.at(-1)!.target).toBe('oc_cs_group');
    expect(texts.at(-1)!.text.startsWith(at('ou_cs_supervisor'))).toBe(true);
    expect(texts.at(-1)!.text).toContain('受理已超时（截止 2026-11-25 12:00）');

    await sweepAt(ctx, '2026-11-25 12:05'); // nothing twice
    expect(await ctx.db.complaintEvent.count({ where: { complaintId: c.id, type: 'escalate' } })).toBe(1);

    // 75 % of the supervisor's 4 h → 16:30, the supervisor is reminded
    const before = await lastOutboxId(ctx);
    await sweepAt(ctx, '2026-11-25 16:30');
    texts = await textsFor(c.id, before);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.target).toBe('oc_cs_group');
    expect(texts[0]!.text).toBe(`${at('ou_cs_supervisor')}⏰ 投诉 ${c.number}（一般·服务态度）的主管跟进时限还剩 1小时，截止 2026-11-25 17:30。请主管跟进。`);

    await sweepAt(ctx, '2026-11-25 17:30');
    row = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.escalationTier).toBe(2);
    expect(row.escalationDueAt).toEqual(sh('2026-11-26 18:00')); // 8 business hours: 0.5 h today + 7.5 h Thursday
    texts = await textsFor(c.id, before);
    const managers = texts.filter((t) => t.target === 'oc_managers_group');
    expect(managers).toHaveLength(1);
    expect(managers[0]!.text.startsWith(at('ou_general_manager'))).toBe(true);
    expect(await ctx.db.outboxMessage.count({ where: { complaintId: c.id, kind: 'card.send', target: 'oc_managers_group' } })).toBe(1);
    expect(await ctx.db.complaintEvent.count({ where: { complaintId: c.id, type: 'escalate' } })).toBe(2);

    // the manager's clock runs out: told again in the managers chat, no tier beyond the top
    const beforeTop = await lastOutboxId(ctx);
    await sweepAt(ctx, '2026-11-26 18:00');
    texts = await textsFor(c.id, beforeTop);
    expect(texts.filter((t) => t.target === 'oc_managers_group').map((t) => t.text)).toContainEqual(
      `${at('ou_general_manager')}⚠️ 投诉 ${c.number}（客服部·一般·服务态度）的总经理督办已超时（截止 2026-11-26 18:00）。总经理督办已是最高一级，不再升级，请总经理尽快处理。`,
    );
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } })).escalationTier).toBe(2);
    expect(await ctx.db.complaintEvent.count({ where: { complaintId: c.id, type: 'escalate' } })).toBe(2);
  });

  it('stops the escalation clock when the breach is cured (accepted after escalation)', async () => {
    const c = await fileAt(ctx, '2026-11-30 09:00', 'service');
    await sweepAt(ctx, '2026-11-30 11:00'); // accept due → tier 1
    await acceptAt(ctx, '2026-11-30 11:10', c.id, 'ou_cs_agent_2');
    await sweepAt(ctx, '2026-11-30 11:15');
    await sweepAt(ctx, '2026-11-30 16:30'); // the tier-1 clock would have run out here
    const row = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.escalationTier).toBe(1);
    expect(await ctx.db.slaNotice.count({ where: { complaintId: c.id, clock: 'tier1' } })).toBe(0);
  });

  it('after hours: clocks start at work start, the card is re-posted at 09:00, and an unseen complaint alerts the supervisor at the end of the first hour', async () => {
    // Sunday 22:00: clocks start Monday 09:00, intake due 10:00.
    const seen = await fileAt(ctx, '2026-12-06 22:00', 'service');
    const unseen = await fileAt(ctx, '2026-12-06 22:05', 'other');
    expect(unseen.clockStartAt).toEqual(sh('2026-12-07 09:00'));
    expect(unseen.intakeDueAt).toEqual(sh('2026-12-07 10:00'));
    expect(unseen.acceptDueAt).toEqual(sh('2026-12-07 11:00'));
    await sweepAt(ctx, '2026-12-06 23:00');
    expect(await textsFor(unseen.id)).toEqual([]);
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: unseen.id } })).nextDueAt).toEqual(sh('2026-12-07 09:00'));

    const cardsBefore = await ctx.db.outboxMessage.count({ where: { complaintId: unseen.id, kind: 'card.send' } });
    await sweepAt(ctx, '2026-12-07 09:00');
    const texts = await textsFor(unseen.id);
    expect(texts.map((t) => t.text)).toEqual([`🌅 投诉 ${unseen.number}（一般·其他）于非工作时间 2026-12-06 22:05 登记，请在 2026-12-07 10:00 前查看受理（受理时限 2026-12-07 11:00）。`]);
    expect(await ctx.db.outboxMessage.count({ where: { complaintId: unseen.id, kind: 'card.send' } })).toBe(cardsBefore + 1);

    await acceptAt(ctx, '2026-12-07 09:30', seen.id, 'ou_cs_agent_1');
    const before = await lastOutboxId(ctx);
    await sweepAt(ctx, '2026-12-07 10:00');
    expect(await textsFor(seen.id, before)).toEqual([]);
    const alert = await textsFor(unseen.id, before);
    expect(alert.map((t) => t.text)).toEqual([`${at('ou_cs_supervisor')}⚠️ 投诉 ${unseen.number}（一般·其他）的非工作时间来件接收已超时（截止 2026-12-07 10:00），请尽快处理。`]);
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: unseen.id } })).escalationTier).toBe(0); // intake alerts, acceptance escalates
  });

  it('counts no time on holidays: a complaint before the National Day break is reminded on the first working day after it', async () => {
    // Wednesday 2026-09-30 17:00: 1 h left today; Oct 1–7 are holidays or weekend; Thursday Oct 8 09:00 + 1 h.
    const c = await fileAt(ctx, '2026-09-30 17:00', 'service');
    expect(c.acceptDueAt).toEqual(sh('2026-10-08 10:00'));
    await sweepAt(ctx, '2026-09-30 17:59');
    await sweepAt(ctx, '2026-10-02 10:00');
    await sweepAt(ctx, '2026-10-08 09:29');
    expect(await textsFor(c.id)).toEqual([]);
    await sweepAt(ctx, '2026-10-08 09:30');
    expect((await textsFor(c.id)).map((t) => t.text)).toEqual([`${at('ou_cs_agent_1')}${at('ou_cs_agent_2')}⏰ 投诉 ${c.number}（一般·服务态度）的受理时限还剩 30分钟，截止 2026-10-08 10:00。尚无人受理：请客服部值班人员受理。`]);
  });

  it('tells the supervisor about an important complaint at once, and only once', async () => {
    const c = await fileAt(ctx, '2026-12-08 10:00', 'quality'); // important → 质检部
    await sweepAt(ctx, '2026-12-08 10:00');
    await sweepAt(ctx, '2026-12-08 10:01');
    const texts = await textsFor(c.id);
    expect(texts.map((t) => [t.target, t.text])).toEqual([
      ['oc_qa_group', `${at('ou_qa_supervisor')}📣 重要投诉 ${c.number}（产品质量）已登记，请主管关注。受理时限 2026-12-08 11:00，办结时限 2026-12-08 17:30。`],
    ]);
  });

  it('upgrades a complaint still open a month after registration to major, with an audit event and recomputed deadlines', async () => {
    const c = await fileAt(ctx, '2026-10-12 10:00', 'billing'); // ops, general
    await acceptAt(ctx, '2026-10-12 10:20', c.id, 'ou_ops_agent_1');
    await sweepAt(ctx, '2026-11-12 09:59');
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } })).severity).toBe('general');
    const before = await lastOutboxId(ctx);
    const counts = await sweepAt(ctx, '2026-11-12 10:00');
    expect(counts.upgrades).toBeGreaterThanOrEqual(1);
    const row = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.severity).toBe('major');
    const major = computeDeadlines({ registeredAt: c.registeredAt, severity: 'major', policy: ctx.sla, calendar: ctx.calendar });
    expect(row.resolveDueAt).toEqual(major.resolveDueAt);
    expect(row.firstReplyDueAt).toEqual(major.firstReplyDueAt);
    const event = await ctx.db.complaintEvent.findFirstOrThrow({ where: { complaintId: c.id, type: 'change_classification' } });
    expect(event.actor).toBe('system');
    expect(event.data).toMatchObject({ severity: 'major', reason: 'open_too_long', from: { severity: 'general' } });
    const texts = await textsFor(c.id, before);
    expect(texts[0]!.text).toBe(`${at('ou_ops_supervisor')}📈 投诉 ${c.number}（价格收费）登记已满 1 个月仍未办结，已自动升级为重大投诉；新的办结时限 2026-10-13 16:00。`);
    expect(texts.filter((t) => t.text.includes('请主管关注'))).toEqual([]); // the upgrade message is the supervisor's heads-up
    await sweepAt(ctx, '2026-11-12 10:05');
    expect(await ctx.db.complaintEvent.count({ where: { complaintId: c.id, type: 'change_classification' } })).toBe(1);
  });

  it('a month-old complaint that was reopened is upgraded in its reopened round: the resolve clock counts from the reopening, the recontact deadline stays', async () => {
    const c = await fileAt(ctx, '2026-10-19 10:00', 'billing'); // ops, general
    await acceptAt(ctx, '2026-10-19 10:20', c.id, 'ou_ops_agent_1');
    await resolveAt(ctx, '2026-10-20 10:00', c.id, 'ou_ops_agent_1');
    ctx.clock.current = sh('2026-11-16 10:00');
    await ctx.db.$transaction((tx) => reopenComplaint(ctx, tx, { complaintId: c.id, actor: staff('ou_ops_agent_1'), reason: 'customer not satisfied' }));
    const reopened = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    const counts = await sweepAt(ctx, '2026-11-19 10:00'); // a month after registration
    expect(counts.upgrades).toBe(1);
    const row = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.severity).toBe('major');
    expect(row.resolveDueAt).toEqual(addBusinessMinutes(sh('2026-11-16 10:00'), ctx.sla.clocks.major.resolve, ctx.calendar));
    expect(row.firstReplyDueAt).toEqual(reopened.firstReplyDueAt);
  });

  it('follow-up clocks: reminds when the result has not reached the customer and the survey was not sent, and stays quiet once they were', async () => {
    const quiet = await fileAt(ctx, '2026-12-14 09:00', 'service');
    const loud = await fileAt(ctx, '2026-12-14 09:05', 'other');
    for (const c of [quiet, loud]) {
      await acceptAt(ctx, '2026-12-14 09:30', c.id, 'ou_cs_agent_1');
      await resolveAt(ctx, '2026-12-14 10:00', c.id, 'ou_cs_agent_1');
    }
    // resolving queued the result and the rating request; the outbox delivered both for `quiet`, nothing for
    // `loud` (e.g. a WeChat customer outside the 48-hour window)
    await ctx.db.outboxMessage.updateMany({ where: { complaintId: quiet.id, channel: 'telegram' }, data: { status: 'sent', sentAt: sh('2026-12-14 10:01') } });
    await sweepAt(ctx, '2026-12-14 10:05');
    const resolvedAt = sh('2026-12-14 10:00');
    const remindAt = addBusinessMinutes(resolvedAt, 1080, ctx.calendar);
    const dueAt = addBusinessMinutes(resolvedAt, 1440, ctx.calendar);
    const before = await lastOutboxId(ctx);
    await sweepAt(ctx, remindAt);
    expect(await textsFor(quiet.id, before)).toEqual([]);
    expect((await textsFor(loud.id, before)).map((t) => t.text)).toEqual([
      expect.stringContaining('的处理结果反馈客户时限还剩 6小时'),
      expect.stringContaining('的满意度回访时限还剩 6小时'),
    ]);
    await sweepAt(ctx, dueAt);
    const alerts = (await textsFor(loud.id, before)).slice(2);
    expect(alerts.map((t) => [t.target, t.text.startsWith(at('ou_cs_supervisor')), t.text.includes('已超时')])).toEqual([
      ['oc_cs_group', true, true],
      ['oc_cs_group', true, true],
    ]);
    expect(await textsFor(quiet.id, before)).toEqual([]);
    const row = await ctx.db.complaint.findUniqueOrThrow({ where: { id: loud.id } });
    expect(row.feedbackDueAt).toEqual(dueAt);
    expect(row.surveyDueAt).toEqual(dueAt);
  });

  it('reopened: the unsatisfied customer must be contacted again; the reminder names that clock and comes once per reopening', async () => {
    const c = await fileAt(ctx, '2026-12-15 09:00', 'service');
    await acceptAt(ctx, '2026-12-15 09:10', c.id, 'ou_cs_agent_2');
    await resolveAt(ctx, '2026-12-15 09:30', c.id, 'ou_cs_agent_2');
    ctx.clock.current = sh('2026-12-15 10:00');
    await ctx.db.$transaction((tx) => reopenComplaint(ctx, tx, { complaintId: c.id, actor: staff('ou_cs_agent_2'), reason: 'customer not satisfied' }));
    const reopened = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    const total = businessMinutesBetween(sh('2026-12-15 10:00'), reopened.firstReplyDueAt, ctx.calendar);
    const remindAt = addBusinessMinutes(sh('2026-12-15 10:00'), 0.75 * total, ctx.calendar);
    const before = await lastOutboxId(ctx);
    // 48 business hours: longer than the resolve clock (24), which runs out first and escalates on its own
    expect(total).toBe(48 * 60);
    const reminders = async () => (await textsFor(c.id, before)).map((t) => t.text).filter((t) => t.includes('回访不满意客户'));
    await sweepAt(ctx, new Date(remindAt.getTime() - 60_000));
    expect(await reminders()).toEqual([]);
    await sweepAt(ctx, remindAt);
    expect(await reminders()).toEqual([expect.stringContaining(`投诉 ${c.number}（一般·服务态度）的回访不满意客户时限还剩`)]);
    expect(await ctx.db.slaNotice.findMany({ where: { complaintId: c.id, kind: 'remind' }, select: { clock: true, cycle: true } })).toEqual([{ clock: 'recontact', cycle: 1 }]);
  });

  it('before anyone accepted, the reminder @mentions the department\'s agents on duty and says who should act', async () => {
    const c = await fileAt(ctx, '2026-12-21 10:00', 'service'); // Monday, 客服部, accept due 12:00
    const before = await lastOutboxId(ctx);
    await sweepAt(ctx, '2026-12-21 11:30');
    const texts = await textsFor(c.id, before);
    expect(texts.map((t) => t.text)).toEqual([
      `${at('ou_cs_agent_1')}${at('ou_cs_agent_2')}⏰ 投诉 ${c.number}（一般·服务态度）的受理时限还剩 30分钟，截止 2026-12-21 12:00。尚无人受理：请客服部值班人员受理。`,
    ]);
  });

  it('escalation messages say what happens when the tier\'s own time runs out, and that the top tier has no next tier', async () => {
    const c = await fileAt(ctx, '2026-12-22 10:00', 'service');
    let before = await lastOutboxId(ctx);
    await sweepAt(ctx, '2026-12-22 12:00');
    const toSupervisor = (await textsFor(c.id, before)).map((t) => t.text).find((t) => t.includes('升级至主管'))!;
    expect(toSupervisor).toContain('请在 2026-12-22 17:30 前处理，届时仍未处理将升级至总经理督办');
    before = await lastOutboxId(ctx);
    await sweepAt(ctx, '2026-12-22 17:30');
    const toManager = (await textsFor(c.id, before)).map((t) => t.text).find((t) => t.includes('升级至总经理'))!;
    expect(toManager).toContain('请在 2026-12-23 18:00 前处理；总经理督办已是最高一级，届时不再升级，将再次提醒总经理');
    before = await lastOutboxId(ctx);
    await sweepAt(ctx, '2026-12-23 18:00');
    expect((await textsFor(c.id, before)).map((t) => t.text)).toContainEqual(
      `${at('ou_general_manager')}⚠️ 投诉 ${c.number}（客服部·一般·服务态度）的总经理督办已超时（截止 2026-12-23 18:00）。总经理督办已是最高一级，不再升级，请总经理尽快处理。`,
    );
  });

  it('a tier\'s deadline falls on the whole minute, so the sweep of that minute calls the next tier even when sweeps run a little after the minute', async () => {
    const c = await fileAt(ctx, '2026-12-24 09:00', 'service'); // accept due 11:00
    // the sweep of 11:00 runs 700 ms after the minute, the one of 16:30 only 200 ms after
    await sweepAt(ctx, new Date(sh('2026-12-24 11:00').getTime() + 700));
    const row = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.escalationTier).toBe(1);
    expect(row.escalationDueAt).toEqual(sh('2026-12-24 16:30')); // 4 business hours, lunch 12:00–13:30 left out
    await sweepAt(ctx, new Date(sh('2026-12-24 16:30').getTime() + 200));
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } })).escalationTier).toBe(2);
  });

  it('time left is said honestly: under a minute is "不到1分钟", otherwise the nearest minute', () => {
    expect(formatBusinessMinutes(20 / 60, 'zh')).toBe('不到1分钟');
    expect(formatBusinessMinutes(0, 'zh')).toBe('不到1分钟');
    expect(formatBusinessMinutes(20 / 60, 'en')).toBe('under 1 min');
    expect(formatBusinessMinutes(29.99, 'zh')).toBe('30分钟');
    expect(formatBusinessMinutes(60.2, 'zh')).toBe('1小时');
    expect(formatBusinessMinutes(90, 'en')).toBe('1 h 30 min');
  });

  it('reads only complaints that are due', async () => {
    await sweepAt(ctx, '2026-12-20 12:00'); // Sunday: settle everything filed above
    const counts = await sweepAt(ctx, '2026-12-20 12:01');
    expect(counts.complaints).toBe(0);
    const due = await ctx.db.complaint.count({ where: { nextDueAt: { lte: sh('2026-12-20 12:01') } } });
    expect(due).toBe(0);
  });
});
