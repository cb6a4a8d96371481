/**
 * The monthly summary per department and for the company, and the unfinished ledger of the 4th, against
 * the hand-counted fixtures (test/jobs/report-fixtures.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { testContext, TestClock } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { computeMonthlyFigures } from '../../src/app/reports/compute-monthly-figures.ts';
import { computeHandlerFigures } from '../../src/app/reports/compute-handler-figures.ts';
import type { MonthlyFigures } from '../../src/app/reports/report-figures.ts';
import { buildMonthlySummaries, reportedMonthOf, sendMonthlySummary } from '../../src/app/reports/send-monthly-summary.ts';
import { buildUnfinishedLedgers, sendUnfinishedLedger } from '../../src/app/reports/send-unfinished-ledger.ts';
import { monthOf } from '../../src/domain/digest.ts';
import { renderLedgerCard, renderSummaryCard } from '../../cards/summary-card.ts';
import { seedReportFixtures } from '../jobs/report-fixtures.ts';
import { sh, type Ctx } from '../jobs/support.ts';

const TZ = 'Asia/Shanghai';
const cardText = (card: Record<string, unknown>) =>
  ((card.body as { elements: { content?: string }[] }).elements ?? []).map((e) => e.content ?? '').join('\n');

describe.each(testDatabases())('monthly summary and unfinished ledger on $name', (kind) => {
  let database: Database;
  let ctx: Ctx;
  let numbers: Record<string, { id: number; number: string }>;
  let figures: MonthlyFigures;
  beforeAll(async () => {
    database = await kind.open();
    ctx = await testContext(database, new TestClock(sh('2026-12-01 09:00')));
    numbers = await seedReportFixtures(ctx);
    figures = await computeMonthlyFigures(ctx.db, ctx.config, monthOf(sh('2026-11-01 00:00'), TZ), ctx.now());
  });
  afterAll(async () => database?.close());

  it('reports the month before the slot', () => {
    expect(reportedMonthOf(sh('2026-12-01 09:00'), TZ)).toEqual(sh('2026-11-01 00:00'));
    expect(reportedMonthOf(sh('2027-01-01 09:00'), TZ)).toEqual(sh('2026-12-01 00:00'));
  });

  it("the company's month: counts, open and overdue at month end, attainment, time to resolve, ratings", () => {
    const c = figures.company;
    expect([c.new, c.resolved, c.open, c.overdue]).toEqual([8, 4, 4, 4]);
    expect(c.attainment.accept).toEqual({ met: 4, missed: 3 });
    expect(c.resolve.count).toBe(4);
    expect(c.resolve.medianHours).toBeCloseTo(50.5); // 24, 24, 77, 119 hours
    expect(c.resolve.p90Hours).toBeCloseTo(106.4);
    expect(c.ratings).toEqual([0, 1, 1, 1, 1]);
  });

  it('each department’s month', () => {
    const by = Object.fromEntries(figures.departments.map((d) => [d.id, [d.new, d.resolved, d.open, d.overdue]]));
    expect(by).toEqual({ cs: [3, 2, 0, 0], qa: [2, 1, 1, 1], tech: [1, 0, 2, 2], ops: [2, 1, 1, 1] });
    expect(figures.departments.find((d) => d.id === 'cs')!.resolve.medianHours).toBeCloseTo(24);
  });

  it('the trend over the last six months', () => {
    expect(figures.company.trend).toEqual([
      { month: '2026-06', new: 0, resolved: 0 },
      { month: '2026-07', new: 1, resolved: 1 },
      { month: '2026-08', new: 0, resolved: 0 },
      { month: '2026-09', new: 0, resolved: 0 },
      { month: '2026-10', new: 1, resolved: 0 },
      { month: '2026-11', new: 8, resolved: 4 },
    ]);
    expect(figures.departments.find((d) => d.id === 'tech')!.trend.map((p) => p.new)).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it('the most frequent causes: the cause categories of the month’s resolutions (hand-counted: c1, c7, c9; c6 none given)', () => {
    expect(figures.company.causes).toEqual([
      { cause: 'staff_conduct', count: 2 },
      { cause: 'product_defect', count: 1 },
      { cause: null, count: 1 },
    ]);
    expect(figures.departments.find((d) => d.id === 'cs')!.causes).toEqual([{ cause: 'staff_conduct', count: 2 }]);
    expect(figures.departments.find((d) => d.id === 'ops')!.causes).toEqual([{ cause: null, count: 1 }]);
    expect(figures.departments.find((d) => d.id === 'tech')!.causes).toEqual([]);
  });

  it('what was complained about most: category and subject (trimmed, case-folded)', () => {
    expect(figures.departments.find((d) => d.id === 'cs')!.subjects).toEqual([
      { category: 'service', subject: '快递员', count: 2 },
      { category: 'other', subject: null, count: 1 },
    ]);
    expect(figures.company.subjects).toEqual([
      { category: 'quality', subject: null, count: 2 },
      { category: 'service', subject: '快递员', count: 2 },
      { category: 'billing', subject: null, count: 1 },
      { category: 'delivery', subject: null, count: 1 },
      { category: 'network', subject: null, count: 1 },
    ]);
  });

  it('appraisal per handler, hand-counted: accepted, resolved, median hours to accept and resolve, on time, rating, reopened', async () => {
    const handlers = await computeHandlerFigures(ctx.db, { start: sh('2026-11-01 00:00'), end: sh('2026-12-01 00:00') });
    const round = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
    // ordered by open_id
    expect(handlers.map((h) => [h.name, h.departmentId, h.accepted, h.resolved, round(h.medianAcceptHours), round(h.medianResolveHours), h.attainment, h.ratings, h.averageRating, h.reopened])).toEqual([
      // c1 0.5 h / 24 h on time, rated 5; c7 1 h / 24 h on time, rated 3
      ['王芳', 'cs', 2, 2, 0.75, 24, 1, 2, 4, 0],
      // c6 after 15 min, resolved after 77 h, late, rated 4
      ['周婷', 'ops', 1, 1, 0.25, 77, 0, 1, 4, 0],
      // c2 accepted after 2 h, rated 2 and reopened (no longer resolved); c9 after 20 min, resolved after 119 h, late
      ['陈静', 'qa', 2, 1, 1.17, 119, 0, 1, 2, 1],
    ]);
    expect(await computeHandlerFigures(ctx.db, { start: sh('2026-10-01 00:00'), end: sh('2026-11-01 00:00') })).toEqual([]);
  });

  it('the appraisal table is on the managers’ card and sent privately to each supervisor for their own people, never on a department card', async () => {
    const before = await ctx.db.outboxMessage.count();
    await sendMonthlySummary(ctx, { monthStart: sh('2026-11-01 00:00') });
    const rows = await ctx.db.outboxMessage.findMany({ orderBy: { id: 'asc' }, skip: before });
    const cardOf = (target: string) => JSON.stringify(rows.find((r) => r.target === target && r.kind === 'card.raw')!.payload);
    expect(cardOf('oc_managers_group')).toContain('王芳：受理 2 · 办结 2');
    expect(cardOf('oc_managers_group')).toContain('陈静：受理 2 · 办结 1');
    for (const group of ['oc_cs_group', 'oc_qa_group', 'oc_tech_group', 'oc_ops_group']) expect(cardOf(group)).not.toContain('处理人考核');
    const privateTo = Object.fromEntries(rows.filter((r) => r.kind === 'user.text').map((r) => [r.target, (r.payload as { text: string }).text]));
    expect(Object.keys(privateTo).sort()).toEqual(['ou_cs_supervisor', 'ou_ops_supervisor', 'ou_qa_supervisor', 'ou_tech_supervisor']);
    expect(privateTo.ou_cs_supervisor).toContain('王芳：受理 2 · 办结 2');
    expect(privateTo.ou_cs_supervisor).not.toContain('陈静');
    expect(privateTo.ou_qa_supervisor).toContain('陈静：受理 2 · 办结 1 · 受理 1.2 小时');
    expect(privateTo.ou_tech_supervisor).toContain('无');
  });

  it('renders a card per department with a trend chart', async () => {
    const { departments, company } = await buildMonthlySummaries(ctx, sh('2026-11-01 00:00'));
    const cs = renderSummaryCard(departments.find((d) => d.chatId === 'oc_cs_group')!);
    expect((cs.header as { title: { content: string } }).title.content).toBe('客服部 投诉月度汇总 2026-11');
    const text = cardText(cs);
    expect(text).toContain('新增 **3**（较上月 +3）');
    expect(text).toContain('1. 服务态度 · 快递员：2 件');
    expect(text).toContain('**主要原因（原因分析）**\n1. 员工行为：2 件');
    expect(cardText(renderSummaryCard(company))).toContain('2. 产品缺陷：1 件\n3. 未填写原因：1 件');
    expect(text).toContain('2026-07：新增 1，办结 1');
    const chart = (cs.body as { elements: Record<string, unknown>[] }).elements.find((e) => e.tag === 'chart') as { chart_spec: { type: string } };
    expect(chart.chart_spec.type).toBe('line');
    expect(cardText(renderSummaryCard(company))).toContain('月末未结 **4**，其中超时 **4**');
  });

  it('sends one card to every department and one to the managers', async () => {
    const before = await ctx.db.outboxMessage.count({ where: { kind: 'card.raw' } });
    expect(await sendMonthlySummary(ctx, { monthStart: sh('2026-11-01 00:00') })).toBe(true);
    const rows = await ctx.db.outboxMessage.findMany({ where: { kind: 'card.raw' }, orderBy: { id: 'asc' }, skip: before });
    expect(rows.map((r) => r.target).sort()).toEqual(['oc_cs_group', 'oc_managers_group', 'oc_ops_group', 'oc_qa_group', 'oc_tech_group']);
  });

  it('the unfinished ledger lists each department’s complaints carried over from last month, oldest first', async () => {
    ctx.clock.current = sh('2026-12-04 09:00');
    const ledgers = await buildUnfinishedLedgers(ctx, ctx.now());
    const by = Object.fromEntries(ledgers.map((l) => [l.departmentId, l.items.map((i) => i.number)]));
    expect(by).toEqual({ cs: [], qa: [numbers.c2!.number], tech: [numbers.c8!.number, numbers.c3!.number], ops: [numbers.c4!.number] });
    const tech = ledgers.find((l) => l.departmentId === 'tech')!;
    expect(tech.month).toBe('2026-11');
    const text = cardText(renderLedgerCard(tech));
    expect(text).toContain('截至 2026-12-01 00:00 前登记、至今仍未办结的投诉共 **2** 件');
    expect(text).toContain(`1. ${numbers.c8!.number} · 网络技术 · 一般 · 处理中 · 2026-10-01 10:00 登记`);
    expect(text).toContain('（已超时）');
    expect(cardText(renderLedgerCard(ledgers.find((l) => l.departmentId === 'cs')!))).toContain('没有未了事宜');
  });

  it('caps a long ledger and counts the rest', async () => {
    const capped = { ...ctx, config: { ...ctx.config, reports: { ...ctx.config.reports, ledgerMaxItems: 1 } } };
    const tech = (await buildUnfinishedLedgers(capped, sh('2026-12-04 09:00'))).find((l) => l.departmentId === 'tech')!;
    expect([tech.total, tech.items.length]).toEqual([2, 1]);
    expect(cardText(renderLedgerCard(tech))).toContain('另有 1 件未列出');
    const before = await ctx.db.outboxMessage.count({ where: { kind: 'card.raw' } });
    expect(await sendUnfinishedLedger(ctx, { at: sh('2026-12-04 09:00') })).toBe(true);
    expect(await ctx.db.outboxMessage.count({ where: { kind: 'card.raw' } })).toBe(before + 4);
  });
});
