/**
 * A week of complaint work with a moving clock: from Monday 2026-11-23 08:00 to Tuesday 2026-12-01
 * 09:05, every 15 minutes the scheduler runs its due jobs (the sweep every 15 minutes here) and a stand-in outbox
 * delivers what was queued, while staff and customers act at their own moments in between. The test checks the exact list
 * of staff messages (reminders, escalations, alerts, re-posts) and the reports (digests, summary).
 *
 * A  Mon 10:00 service (cs, general)   accepted 10:30, resolved Tue 11:00, rated 4 Wed 10:00 → closed
 * B  Mon 11:00 quality (qa, important) accepted 11:50, resolved Tue 09:00, rated 2 Tue 14:00 → reopened,
 *    staff reply Wed 10:00, resolved again Wed 10:30, rated 5 Thu 10:00 → closed
 * C  Mon 14:00 network (tech, general) never accepted → supervisor, then general manager
 * D  Sat 11-28 10:00 billing (ops, general) after hours → re-posted Monday 09:00, accepted 09:20
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { testContext, TestClock } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { JobScheduler } from '../../src/jobs/scheduler.ts';
import { botJobs } from '../../src/jobs/jobs.ts';
import { lastSlotAt } from '../../src/jobs/slots.ts';
import { formatLocalTime } from '../../src/app/shared/format.ts';
import { acceptComplaint } from '../../src/app/complaints/accept-complaint.ts';
import { resolveComplaint } from '../../src/app/complaints/resolve-complaint.ts';
import { rateComplaint } from '../../src/app/complaints/rate-complaint.ts';
import { replyToCustomer } from '../../src/app/complaints/reply-to-customer.ts';
import { fileAt, sh, staff, type Ctx } from '../jobs/support.ts';

const STEP_MS = 15 * 60_000;

describe.each(testDatabases())('a simulated week on $name', (kind) => {
  let database: Database;
  let ctx: Ctx;
  const ids: Record<string, number> = {};
  const numbers: Record<string, string> = {};

  beforeAll(async () => {
    database = await kind.open();
    ctx = await testContext(database, new TestClock(sh('2026-11-23 08:00')));
    ctx.config.jobs.sweepEveryMinutes = 15;
    ctx.config.jobs.closeUnratedEveryMinutes = 60;
    const scheduler = new JobScheduler(ctx, botJobs(ctx));
    await scheduler.catchUp(); // installed Monday 08:00

    const tx = <T>(fn: Parameters<typeof ctx.db.$transaction>[0] extends (tx: infer X) => unknown ? (tx: X) => Promise<T> : never) => ctx.db.$transaction(fn);
    const file = async (key: string, category: string) => {
      const c = await fileAt(ctx, ctx.now(), category);
      ids[key] = c.id;
      numbers[key] = c.number;
    };
    const customerOf = async (key: string) => (await ctx.db.complaint.findUniqueOrThrow({ where: { id: ids[key]! } })).customerId;
    const accept = (key: string, who: string) => tx((t) => acceptComplaint(ctx, t, { complaintId: ids[key]!, actor: staff(who) }));
    // resolving also asks the customer for a rating (回访)
    const resolve = (key: string, who: string) => tx((t) => resolveComplaint(ctx, t, { complaintId: ids[key]!, actor: staff(who), resolution: 'Done.' }));
    const rate = async (key: string, rating: number) => {
      const customerId = await customerOf(key);
      await tx((t) => rateComplaint(ctx, t, { complaintId: ids[key]!, customerId, rating }));
    };
    const actions: [string, () => Promise<unknown>][] = [
      ['2026-11-23 10:00', () => file('A', 'service')],
      ['2026-11-23 10:30', () => accept('A', 'ou_cs_agent_1')],
      ['2026-11-23 11:00', () => file('B', 'quality')],
      ['2026-11-23 11:50', () => accept('B', 'ou_qa_agent_1')],
      ['2026-11-23 14:00', () => file('C', 'network')],
      ['2026-11-24 09:00', () => resolve('B', 'ou_qa_agent_1')],
      ['2026-11-24 11:00', () => resolve('A', 'ou_cs_agent_1')],
      ['2026-11-24 14:00', () => rate('B', 2)],
      ['2026-11-25 10:00', () => rate('A', 4)],
      ['2026-11-25 10:00', () => tx((t) => replyToCustomer(ctx, t, { complaintId: ids.B!, actor: staff('ou_qa_agent_1'), text: 'We are sorry; a technician comes today.' }))],
      ['2026-11-25 10:30', () => resolve('B', 'ou_qa_agent_1')],
      ['2026-11-26 10:00', () => rate('B', 5)],
      ['2026-11-28 10:00', () => file('D', 'billing')],
      ['2026-11-30 09:20', () => accept('D', 'ou_ops_agent_1')],
    ];

    let next = 0;
    for (let t = sh('2026-11-23 08:00').getTime(); t <= sh('2026-12-01 09:05').getTime(); t += STEP_MS) {
      // people act at their own moments between two ticks
      for (; next < actions.length && sh(actions[next]![0]).getTime() <= t; next++) {
        ctx.clock.current = sh(actions[next]![0]);
        await actions[next]![1]();
      }
      ctx.clock.current = new Date(t);
      // a working outbox: everything queued so far is delivered
      await ctx.db.outboxMessage.updateMany({ where: { status: 'pending' }, data: { status: 'sent', sentAt: ctx.now() } });
      // node-cron fires a job only at its own slots
      for (const job of scheduler.jobs) if (lastSlotAt(job.schedule, ctx.now(), 'Asia/Shanghai').getTime() === t) await scheduler.runDue(job.name);
    }
  }, 300_000);
  afterAll(async () => database?.close());

  it('sends exactly the expected reminders, escalations, alerts and re-posts', async () => {
    const rows = await ctx.db.outboxMessage.findMany({ where: { channel: 'feishu', kind: 'text' }, orderBy: { id: 'asc' } });
    const key = (complaintId: number | null) => Object.keys(ids).find((k) => ids[k] === complaintId) ?? '?';
    const what = (text: string) =>
      text.includes('⏰')
        ? `remind ${/的(.+?)时限还剩/.exec(text)![1]}`
        : text.includes('📣')
          ? 'supervisor'
          : text.includes('🌅')
            ? 'repost'
            : text.includes('⚠️')
              ? `overdue ${/的(.+?)已超时/.exec(text)![1]}`
              : text.includes('升级至')
                ? 'escalated'
                : 'other';
    const mention = (text: string) => /^<at user_id="(ou_\w+)"><\/at>/.exec(text)?.[1] ?? '-';
    const got = rows.map((r) => {
      const text = (r.payload as { text: string }).text;
      return `${formatLocalTime(r.createdAt, 'Asia/Shanghai')} ${r.target} ${key(r.complaintId)} ${what(text)} @${mention(text)}`;
    });
    expect(got).toEqual([
      '2026-11-23 11:00 oc_qa_group B supervisor @ou_qa_supervisor',
      '2026-11-23 11:45 oc_qa_group B remind 受理 @ou_qa_agent_1',
      '2026-11-23 15:30 oc_tech_group C remind 受理 @ou_tech_agent_1',
      '2026-11-23 16:00 oc_tech_group C escalated @ou_tech_supervisor',
      '2026-11-23 17:00 oc_qa_group B remind 首次答复 @ou_qa_agent_1',
      '2026-11-23 17:00 oc_qa_group B remind 办结 @ou_qa_agent_1',
      '2026-11-24 10:00 oc_tech_group C remind 主管跟进 @ou_tech_supervisor',
      '2026-11-24 11:00 oc_managers_group C escalated @ou_general_manager',
      '2026-11-24 14:00 oc_qa_group B other @-', // the rating reopened it (the customer helper's notice)
      '2026-11-25 09:30 oc_qa_group B remind 办结 @ou_qa_agent_1', // the new round's resolve clock
      '2026-11-25 09:30 oc_managers_group C remind 总经理督办 @ou_general_manager',
      '2026-11-25 11:30 oc_managers_group C overdue 总经理督办 @ou_general_manager',
      '2026-11-25 17:00 oc_tech_group C remind 首次答复 @ou_tech_agent_1',
      '2026-11-25 17:00 oc_tech_group C remind 办结 @ou_tech_agent_1',
      '2026-11-26 15:30 oc_managers_group C overdue 首次答复 @ou_general_manager',
      '2026-11-26 15:30 oc_managers_group C overdue 办结 @ou_general_manager',
      '2026-11-30 09:00 oc_ops_group D repost @-',
    ]);
  });

  it('ends with the expected states and tiers', async () => {
    const rows = await ctx.db.complaint.findMany({ where: { id: { in: Object.values(ids) } }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.status, r.escalationTier])).toEqual([
      ['closed', 0],
      ['closed', 0],
      ['registered', 2],
      ['accepted', 0],
    ]);
    expect(await ctx.db.complaintEvent.count({ where: { type: 'escalate', actor: 'system' } })).toBe(2);
  });

  it('posts the weekly digests on Monday 09:00 and the monthly summary on the 1st, each once', async () => {
    const cards = await ctx.db.outboxMessage.findMany({ where: { kind: 'card.raw' }, orderBy: { id: 'asc' } });
    const got = cards.map((r) => `${formatLocalTime(r.createdAt, 'Asia/Shanghai')} ${r.target} ${(r.payload as { card: { header: { title: { content: string } } } }).card.header.title.content}`);
    expect(got).toEqual([
      '2026-11-23 09:00 oc_managers_group 示例科技有限公司 投诉周报 2026-W47',
      '2026-11-30 09:00 oc_managers_group 示例科技有限公司 投诉周报 2026-W48',
      '2026-12-01 09:00 oc_cs_group 客服部 投诉月度汇总 2026-11',
      '2026-12-01 09:00 oc_qa_group 质检部 投诉月度汇总 2026-11',
      '2026-12-01 09:00 oc_tech_group 技术部 投诉月度汇总 2026-11',
      '2026-12-01 09:00 oc_ops_group 运营部 投诉月度汇总 2026-11',
      '2026-12-01 09:00 oc_managers_group 示例科技有限公司 投诉月度汇总 2026-11',
    ]);
    const text = (i: number) =>
      (cards[i]!.payload as { card: { body: { elements: { content?: string }[] } } }).card.body.elements.map((e) => e.content ?? '').join('\n');
    const week = text(1);
    expect(week).toContain('新增 **4**（较上周 +4）');
    expect(week).toContain('办结 **2**（较上周 +2）');
    expect(week).toContain('周末未结 **2**（较上周 +2）');
    expect(week).toContain('其中超时 **1**（较上周 +1）');
    expect(week).toContain('受理：**67%**（2/3');
    // B's first-reply column holds its recontact deadline after the reopening (48 business hours: next week): not a first reply
    expect(week).toContain('首次答复：**50%**（1/2');
    expect(week).not.toContain('回访不满意客户');
    expect(week).toContain('办结：**67%**（2/3');
    expect(week).toContain('受理：中位 40 分钟'); // 30 and 50 minutes
    expect(week).toContain('办结：中位 36 小时'); // 25 h and 47.5 h
    expect(week).toContain('平均 **4.50** 分（2 条评价');
    expect(week).toContain('重开率 **33%**（重开 1 / 办结 3');
    expect(week).toContain(`1. ${numbers.C} · 技术部 · 网络技术 · 一般 · 待受理`);
    expect(text(0)).toContain('新增 **0**');
    const company = text(6);
    expect(company).toContain('新增 **4**（较上月 +4）');
    expect(company).toContain('月末未结 **2**，其中超时 **1**');
  });
});
