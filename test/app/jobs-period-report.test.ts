/**
 * The quarterly and yearly reports (每季度审查, 年度总结; issue 10, item 4) against the hand-counted
 * fixtures (test/jobs/report-fixtures.ts, plus the appeals, measures and one late resolution added
 * below): the monthly figures over the period, the trend by month, the measures, the hard-limit
 * breaches, the appeals; the job on the first working day after the quarter, once across instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { testContext, TestClock } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { buildPeriodReport, QUARTERLY_REPORT_JOB, reportedPeriodOf, sendPeriodReport, YEARLY_REPORT_JOB } from '../../src/app/reports/send-period-report.ts';
import { parseReportPeriod, type ReportPeriod } from '../../src/domain/report-period.ts';
import { renderPeriodReportCard } from '../../cards/period-report-card.ts';
import { JobScheduler } from '../../src/jobs/scheduler.ts';
import { botJobs } from '../../src/jobs/jobs.ts';
import { schedulerInstalledAt } from '../../src/app/shared/claim-job-slot.ts';
import { seedReportFixtures } from '../jobs/report-fixtures.ts';
import { sh, type Ctx } from '../jobs/support.ts';

const TZ = 'Asia/Shanghai';
const cardText = (card: Record<string, unknown>) =>
  ((card.body as { elements: { content?: string }[] }).elements ?? []).map((e) => e.content ?? '').join('\n');
const period = (text: string, now: Date): ReportPeriod => {
  const p = parseReportPeriod(text, now, TZ);
  if (!p.ok) throw new Error(text);
  return p.period;
};

describe.each(testDatabases())('quarterly and yearly reports on $name', (kind) => {
  let database: Database;
  let ctx: Ctx;
  let numbers: Record<string, { id: number; number: string }>;
  beforeAll(async () => {
    database = await kind.open();
    ctx = await testContext(database, new TestClock(sh('2027-01-04 10:00')));
    numbers = await seedReportFixtures(ctx);
    const db = ctx.db;
    // c9 resolved 3 days after its hard limit; c7 and c10 record measures; appeals on c6, c1 (Q4) and c10 (Q3)
    await db.complaint.update({ where: { id: numbers.c9!.id }, data: { hardLimitAt: sh('2026-11-21 09:00') } });
    await db.complaint.update({ where: { id: numbers.c7!.id }, data: { improvement: ' 快递员培训 ' } });
    await db.complaint.update({ where: { id: numbers.c10!.id }, data: { improvement: '流程优化' } });
    for (const [key, at] of [['c6', '2026-11-25 09:00'], ['c1', '2026-12-02 10:00'], ['c10', '2026-07-20 10:00']] as const)
      await db.complaintEvent.create({ data: { complaintId: numbers[key]!.id, type: 'appeal', actor: 'customer:1', at: sh(at), data: { reason: 'not satisfied' } } });
  });
  afterAll(async () => database?.close());

  it('reports the quarter or year before the slot', () => {
    expect(reportedPeriodOf('quarter', sh('2027-01-04 09:30'), TZ).label).toBe('2026-Q4');
    expect(reportedPeriodOf('quarter', sh('2026-10-08 09:30'), TZ).label).toBe('2026-Q3');
    expect(reportedPeriodOf('year', sh('2027-01-04 10:00'), TZ)).toMatchObject({ label: '2026', start: sh('2026-01-01 00:00'), end: sh('2027-01-01 00:00') });
  });

  it('2026-Q4: the monthly figures over the quarter, the trend by month (hand-counted)', async () => {
    const r = await buildPeriodReport(ctx, period('2026-Q4', ctx.now()));
    const f = r.figures;
    expect(r.soFar).toBeNull();
    // registered in Q4: c1–c9; resolved: c1, c6, c7, c9 (c2 reopened); open at 2027-01-01: c2, c3, c4, c8, all overdue
    expect([f.new, f.resolved, f.open, f.overdue]).toEqual([9, 4, 4, 4]);
    // acceptance due in Q4: met c1, c6, c7, c8, c9; missed c2 (late), c3, c4 (never); c5 rejected
    expect(f.attainment.accept).toEqual({ met: 5, missed: 3 });
    expect(f.resolve.medianHours).toBeCloseTo(50.5); // 24, 24, 77, 119 hours
    expect(f.ratings).toEqual([0, 1, 1, 1, 1]);
    expect(f.trend).toEqual([
      { month: '2026-10', new: 1, resolved: 0 },
      { month: '2026-11', new: 8, resolved: 4 },
      { month: '2026-12', new: 0, resolved: 0 },
    ]);
    expect(f.causes).toEqual([
      { cause: 'staff_conduct', count: 2 },
      { cause: 'product_defect', count: 1 },
      { cause: null, count: 1 },
    ]);
    expect(r.handlers!.map((h) => [h.name, h.accepted, h.resolved])).toEqual([
      ['王芳', 2, 2],
      ['周婷', 1, 1],
      ['陈静', 2, 1],
    ]);
  });

  it('2026-Q4: the measures taken, the hard-limit breaches (by how much) and the appeals', async () => {
    const r = await buildPeriodReport(ctx, period('2026-Q4', ctx.now()));
    expect(r.measures).toEqual([
      { cause: 'staff_conduct', measure: '快递员培训', count: 2 }, // c1, c7 (trimmed)
      { cause: 'product_defect', measure: '加强出厂检验', count: 1 }, // c9
    ]);
    // hard limit = registration + 21 days: c8 10-22 10:00, c2 12-14 11:00, c3 12-16 14:00, c4 12-19 22:00 still open at 01-01 00:00; c9 resolved 72 h late
    expect(r.breaches.total).toBe(5);
    expect(r.breaches.items.map((b) => [b.number, b.departmentId, Math.round(b.overHours), b.resolved])).toEqual([
      [numbers.c8!.number, 'tech', 70 * 24 + 14, false],
      [numbers.c2!.number, 'qa', 17 * 24 + 13, false],
      [numbers.c3!.number, 'tech', 15 * 24 + 10, false],
      [numbers.c4!.number, 'ops', 12 * 24 + 2, false],
      [numbers.c9!.number, 'qa', 72, true],
    ]);
    expect(r.appeals.total).toBe(2);
    expect(r.appeals.items.map((a) => [a.number, a.departmentId, a.at])).toEqual([
      [numbers.c6!.number, 'ops', sh('2026-11-25 09:00')],
      [numbers.c1!.number, 'cs', sh('2026-12-02 10:00')],
    ]);
    const card = renderPeriodReportCard(r);
    expect((card.header as { title: { content: string } }).title.content).toBe('示例科技有限公司 投诉季度审查 2026-Q4');
    const text = cardText(card);
    expect(text).toContain('新增 **9**');
    expect(text).toContain('期末未结 **4**，其中超时 **4**');
    expect(text).toContain('2026-10：新增 1，办结 0\n2026-11：新增 8，办结 4\n2026-12：新增 0，办结 0');
    expect(text).toContain('**已采取的改进措施**\n1. 快递员培训（员工行为）：2 件\n2. 加强出厂检验（产品缺陷）：1 件');
    expect(text).toContain('**超过最长办理时限的投诉：5 件**');
    expect(text).toContain(`${numbers.c8!.number} · 技术部 · 时限 2026-10-22 10:00，已超出 70.6 天，仍未办结`);
    expect(text).toContain(`${numbers.c9!.number} · 质检部 · 时限 2026-11-21 09:00，超出 3.0 天后办结`);
    expect(text).toContain(`**申诉：2 件**\n${numbers.c6!.number} · 运营部 · 2026-11-25 09:00`);
    expect(text).toContain('王芳：受理 2 · 办结 2');
    const chart = (card.body as { elements: Record<string, any>[] }).elements.find((e) => e.tag === 'chart')!;
    expect(chart.chart_spec.type).toBe('bar');
    expect(chart.chart_spec.data[0].values).toHaveLength(6);
  });

  it('2026: the year by month, its measures and appeals', async () => {
    const r = await buildPeriodReport(ctx, period('2026', ctx.now()));
    expect([r.figures.new, r.figures.resolved]).toEqual([11, 6]);
    expect(r.figures.trend.map((p) => `${p.month} ${p.new}/${p.resolved}`)).toEqual([
      '2026-01 0/0', '2026-02 0/0', '2026-03 0/0', '2026-04 0/0', '2026-05 1/1', '2026-06 0/0',
      '2026-07 1/1', '2026-08 0/0', '2026-09 0/0', '2026-10 1/0', '2026-11 8/4', '2026-12 0/0',
    ]);
    expect(r.measures.map((m) => [m.measure, m.count])).toEqual([['快递员培训', 2], ['流程优化', 1], ['加强出厂检验', 1]]); // ties by cause id
    expect(r.appeals.total).toBe(3);
    expect(r.breaches.total).toBe(5); // c10 and c11 resolved in time
    expect((renderPeriodReportCard(r).header as { title: { content: string } }).title.content).toBe('示例科技有限公司 投诉年度总结 2026');
  });

  it('a period still running is reported so far, and says so', async () => {
    ctx.clock.current = sh('2026-12-02 12:00');
    const r = await buildPeriodReport(ctx, period('2026-Q4', ctx.now()));
    ctx.clock.current = sh('2027-01-04 10:00');
    expect(r.soFar).toEqual(sh('2026-12-02 12:00'));
    // the appeal of 12-02 10:00 is in, the breaches are those up to now: c8 (open), c9 (resolved late)
    expect(r.appeals.total).toBe(2);
    expect(r.breaches.items.map((b) => b.number)).toEqual([numbers.c8!.number, numbers.c9!.number]);
    const text = cardText(renderPeriodReportCard(r));
    expect(text).toContain('本期尚未结束：以下为截至 2026-12-02 12:00 的数据');
    expect(text).toContain('目前未结 **4**');
  });

  it('the job: on the first working day after the quarter (2026-10-08, after the National Day holidays), once across instances', async () => {
    const other = await testContext(database, ctx.clock);
    ctx.clock.current = sh('2026-09-30 12:00');
    await schedulerInstalledAt(ctx.db, ctx.now());
    const schedulers = [new JobScheduler(ctx, botJobs(ctx)), new JobScheduler(other, botJobs(other))];
    for (const s of schedulers) await s.catchUp();
    const managerCards = async () =>
      (await ctx.db.outboxMessage.findMany({ where: { kind: 'card.raw', target: 'oc_managers_group' }, orderBy: { id: 'asc' } })).filter((r) => JSON.stringify(r.payload).includes('季度审查'));
    const before = (await managerCards()).length;
    // 10-01 09:30 is a holiday: the latest slot is still 07-01, before installation
    ctx.clock.current = sh('2026-10-01 09:30');
    for (const s of schedulers) await s.runDue(QUARTERLY_REPORT_JOB);
    expect(await managerCards()).toHaveLength(before);
    ctx.clock.current = sh('2026-10-08 09:30');
    await Promise.all(schedulers.map((s) => s.runDue(QUARTERLY_REPORT_JOB)));
    const posted = (await managerCards()).slice(before);
    expect(posted).toHaveLength(1);
    const card = (posted[0]!.payload as { card: Record<string, unknown> }).card;
    expect((card.header as { title: { content: string } }).title.content).toBe('示例科技有限公司 投诉季度审查 2026-Q3');
    expect(cardText(card)).toContain('2026-07：新增 1，办结 1');
    expect(await ctx.db.jobRun.findMany({ where: { job: QUARTERLY_REPORT_JOB }, select: { slot: true } })).toEqual([{ slot: '2026-10-08T01:30Z' }]);
    // the supervisors get their people's lines privately, as monthly
    expect(await ctx.db.outboxMessage.count({ where: { kind: 'user.text', target: 'ou_cs_supervisor', createdAt: { gte: sh('2026-10-08 09:30') } } })).toBeGreaterThan(0);
    // restarting later the same quarter makes nothing up again
    ctx.clock.current = sh('2026-11-02 09:00');
    for (const s of schedulers) await s.catchUp();
    expect((await managerCards()).length).toBe(before + 1);
    expect(schedulers[0]!.jobs.map((j) => j.name)).toContain(YEARLY_REPORT_JOB);
    ctx.clock.current = sh('2027-01-04 10:00');
  });

  it('queues the managers’ card on demand, to the chat asked from', async () => {
    expect(await sendPeriodReport(ctx, { period: period('2026', ctx.now()), chatId: 'oc_managers_group' })).toBe(true);
  });
});
