/**
 * The weekly digest against hand-counted fixtures (test/jobs/report-fixtures.ts), the card it renders,
 * and the /digest command's parsing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { testContext, TestClock } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { buildWeeklyDigest, parseDigestCommand, sendWeeklyDigest } from '../../src/app/reports/send-weekly-digest.ts';
import type { WeeklyDigest } from '../../src/app/reports/report-figures.ts';
import { renderDigestCard } from '../../cards/digest-card.ts';
import { seedReportFixtures } from '../jobs/report-fixtures.ts';
import { handleStaffCommand } from '../../src/app/staff/handle-staff-command.ts';
import { sh, type Ctx } from '../jobs/support.ts';

const TZ = 'Asia/Shanghai';

describe.each(testDatabases())('weekly digest on $name', (kind) => {
  let database: Database;
  let ctx: Ctx;
  let numbers: Record<string, { id: number; number: string }>;
  let digest: WeeklyDigest;
  beforeAll(async () => {
    database = await kind.open();
    ctx = await testContext(database, new TestClock(sh('2026-11-30 09:00')));
    numbers = await seedReportFixtures(ctx);
    digest = await buildWeeklyDigest(ctx, sh('2026-11-23 00:00'));
  });
  afterAll(async () => database?.close());

  it('covers the ISO week in the company time zone', () => {
    expect(digest.label).toBe('2026-W48');
    expect(digest.start).toEqual(sh('2026-11-23 00:00'));
    expect(digest.end).toEqual(sh('2026-11-30 00:00'));
  });

  it('counts new, resolved, open and overdue, this week and the week before', () => {
    const { current, previous } = digest.figures;
    expect([current.new, current.resolved, current.open, current.overdue]).toEqual([5, 3, 4, 3]);
    expect([previous.new, previous.resolved, previous.open, previous.overdue]).toEqual([3, 1, 3, 2]);
  });

  it('breaks the new complaints down by category, severity and department', () => {
    const f = digest.figures;
    expect(f.byCategory).toEqual([
      { id: 'quality', count: 1 },
      { id: 'service', count: 1 },
      { id: 'billing', count: 1 },
      { id: 'network', count: 1 },
      { id: 'other', count: 1 },
    ]);
    expect(f.bySeverity).toEqual([
      { severity: 'general', count: 3 },
      { severity: 'important', count: 1 },
      { severity: 'major', count: 1 },
    ]);
    expect(f.byDepartment).toEqual([
      { id: 'cs', new: 2, resolved: 1, open: 0, overdue: 0 },
      { id: 'qa', new: 1, resolved: 1, open: 1, overdue: 1 },
      { id: 'tech', new: 1, resolved: 0, open: 2, overdue: 2 },
      { id: 'ops', new: 1, resolved: 1, open: 1, overdue: 0 },
    ]);
  });

  it('SLA attainment per clock over the deadlines that fell in each week', () => {
    // c2 was reopened: its first-reply column holds the recontact deadline (11-28 10:00, not met), counted under its own name
    expect(digest.figures.current.attainment).toEqual({ accept: { met: 1, missed: 2 }, firstReply: { met: 2, missed: 1 }, recontact: { met: 0, missed: 1 }, resolve: { met: 1, missed: 3 } });
    expect(digest.figures.previous.attainment).toEqual({ accept: { met: 3, missed: 0 }, firstReply: { met: 2, missed: 0 }, recontact: { met: 0, missed: 0 }, resolve: { met: 1, missed: 1 } });
  });

  it('median and 90th percentile time to accept and to resolve', () => {
    const { current, previous } = digest.figures;
    expect(current.accept.count).toBe(2);
    expect(current.accept.medianHours).toBeCloseTo(1.25); // 30 and 120 minutes
    expect(current.accept.p90Hours).toBeCloseTo(1.85);
    expect(current.resolve.count).toBe(3);
    expect(current.resolve.medianHours).toBeCloseTo(77); // 24 h, 77 h, 119 h
    expect(current.resolve.p90Hours).toBeCloseTo(110.6);
    expect(previous.accept.medianHours).toBeCloseTo(20 / 60); // 15, 20, 60 minutes
  });

  it('satisfaction and reopen rate', () => {
    const { current, previous } = digest.figures;
    expect(current.ratings).toEqual([0, 1, 0, 1, 1]);
    expect(previous.ratings).toEqual([0, 0, 1, 0, 0]);
    expect([current.reopened, current.resolutions]).toEqual([1, 4]);
    expect([previous.reopened, previous.resolutions]).toEqual([0, 1]);
  });

  it('the longest-open complaints and the complaints per day', () => {
    expect(digest.figures.longestOpen.map((c) => c.number)).toEqual([numbers.c8!.number, numbers.c2!.number, numbers.c3!.number, numbers.c4!.number]);
    expect(digest.figures.daily).toEqual([
      { date: '2026-11-23', new: 2, resolved: 1 },
      { date: '2026-11-24', new: 0, resolved: 2 },
      { date: '2026-11-25', new: 1, resolved: 0 },
      { date: '2026-11-26', new: 1, resolved: 0 },
      { date: '2026-11-27', new: 0, resolved: 0 },
      { date: '2026-11-28', new: 1, resolved: 0 },
      { date: '2026-11-29', new: 0, resolved: 0 },
    ]);
  });

  it('renders a card JSON 2.0 with the figures, the changes and a chart', () => {
    const card = renderDigestCard(digest) as { schema: string; header: { title: { content: string }; template: string }; body: { elements: Record<string, unknown>[] } };
    expect(card.schema).toBe('2.0');
    expect(card.header.title.content).toBe('示例科技有限公司 投诉周报 2026-W48');
    expect(card.header.template).toBe('blue');
    const text = card.body.elements.filter((e) => e.tag === 'markdown').map((e) => e.content as string).join('\n');
    expect(text).toContain('新增 **5**（较上周 +2 +67%）');
    expect(text).toContain('办结 **3**（较上周 +2 +200%）');
    expect(text).toContain('周末未结 **4**（较上周 +1 +33%）');
    expect(text).toContain('受理：**33%**（1/3，较上周 −67 个百分点）');
    expect(text).toContain('首次答复：**67%**（2/3，较上周 −33 个百分点）');
    expect(text).toContain('回访不满意客户：**0%**（0/1，较上周 —）');
    expect(text).toContain('平均 **3.67** 分（3 条评价；上周 3.00）');
    expect(text).toContain('重开率 **25%**（重开 1 / 办结 4，较上周 +25 个百分点）');
    expect(text).toContain(`1. ${numbers.c8!.number} · 技术部 · 网络技术 · 一般 · 处理中 · 已 59 天`);
    const chart = card.body.elements.find((e) => e.tag === 'chart') as { chart_spec: { type: string; data: { values: unknown[] }[] } };
    expect(chart.chart_spec.type).toBe('bar');
    expect(chart.chart_spec.data[0]!.values).toHaveLength(14);
    expect(JSON.stringify(card).length).toBeLessThan(30_000);
  });

  it('says "no ratings yet" for a week without ratings, and a late digest says it is late', async () => {
    const empty = await buildWeeklyDigest(ctx, sh('2026-06-01 00:00'));
    empty.lateSince = sh('2026-06-08 09:00');
    const card = renderDigestCard(empty) as { header: { template: string; text_tag_list?: unknown[] }; body: { elements: { content?: string }[] } };
    const text = card.body.elements.map((e) => e.content ?? '').join('\n');
    expect(text).toContain('暂无评价');
    expect(text).toContain('本报告应于 2026-06-08 09:00 发送，因系统停机现补发');
    expect(card.header.template).toBe('orange');
  });

  it('posts the digest on demand into the chat that asked, as a card', async () => {
    expect(await sendWeeklyDigest(ctx, { weekStart: sh('2026-11-23 00:00'), chatId: 'oc_cs_group' })).toBe(true);
    const row = await ctx.db.outboxMessage.findFirstOrThrow({ where: { kind: 'card.raw', target: 'oc_cs_group' }, orderBy: { id: 'desc' } });
    expect((row.payload as { card: { header: { title: { content: string } } } }).card.header.title.content).toContain('2026-W48');
  });

  it('parses /digest and /digest 2026-W47', () => {
    const now = sh('2026-11-30 10:00');
    expect(parseDigestCommand('', now, TZ)).toEqual({ ok: true, weekStart: sh('2026-11-23 00:00') });
    expect(parseDigestCommand(' 2026-W47 ', now, TZ)).toEqual({ ok: true, weekStart: sh('2026-11-16 00:00') });
    expect(parseDigestCommand('2026-W49', now, TZ)).toEqual({ ok: true, weekStart: sh('2026-11-30 00:00') }); // the week so far
    expect(parseDigestCommand('2026-W50', now, TZ)).toEqual({ ok: false, reason: 'future' });
    expect(parseDigestCommand('week 47', now, TZ)).toEqual({ ok: false, reason: 'badWeek' });
  });
});

/**
 * A week that has not ended: `/digest 2026-W48` on Thursday 11-26 12:00. Counted by hand from the fixture
 * table (test/jobs/report-fixtures.ts), as of now, against the same span of the week before
 * (Monday 11-16 00:00 → Thursday 11-19 12:00):
 * - new: c1, c2, c3, c5 = 4 (c4 is registered after now); previous span: c7, c9 = 2
 * - resolved: c6 (11-23 15:00), c9 (11-24 09:00), c1 (11-24 10:00) = 3; previous span: c7 = 1
 * - open now: c2 (reopened), c3, c8 = 3; at Thu 11-19 12:00: c8, c9 = 2
 * - overdue now: c3 (accept due 11-25 16:00, not accepted), c8 (resolve due 10-02) = 2 — NOT c2, whose resolve
 *   deadline is 11-26 17:30, later today (the week's end would wrongly count it); at Thu 11-19 12:00: c8 = 1
 * - attainment of the deadlines due so far: accept c1 met, c2 late, c3 not done = 1/3; first reply c1, c6 met = 2/2;
 *   resolve c1 met, c6 late = 1/2. Previous span: accept c7, c9 met; first reply c7 met; resolve c7 met.
 * - longest open now: c8, c2, c3.
 */
describe.each(testDatabases())('weekly digest of a running week on $name', (kind) => {
  let database: Database;
  let ctx: Ctx;
  let numbers: Record<string, { id: number; number: string }>;
  const thursdayNoon = sh('2026-11-26 12:00');
  beforeAll(async () => {
    database = await kind.open();
    ctx = await testContext(database, new TestClock(thursdayNoon));
    numbers = await seedReportFixtures(ctx);
  });
  afterAll(async () => database?.close());

  it('counts as of now: nothing not yet due is overdue, compared with the same span of the week before', async () => {
    const digest = await buildWeeklyDigest(ctx, sh('2026-11-23 00:00'));
    const { current, previous } = digest.figures;
    expect([current.new, current.resolved, current.open, current.overdue]).toEqual([4, 3, 3, 2]);
    expect([previous.new, previous.resolved, previous.open, previous.overdue]).toEqual([2, 1, 2, 1]);
    expect(current.attainment).toEqual({ accept: { met: 1, missed: 2 }, firstReply: { met: 2, missed: 0 }, recontact: { met: 0, missed: 0 }, resolve: { met: 1, missed: 1 } });
    expect(previous.attainment).toEqual({ accept: { met: 2, missed: 0 }, firstReply: { met: 1, missed: 0 }, recontact: { met: 0, missed: 0 }, resolve: { met: 1, missed: 0 } });
    expect(digest.figures.byDepartment.find((d) => d.id === 'qa')).toEqual({ id: 'qa', new: 1, resolved: 1, open: 1, overdue: 0 }); // c2 not overdue yet
    expect(digest.figures.longestOpen.map((c) => c.number)).toEqual([numbers.c8!.number, numbers.c2!.number, numbers.c3!.number]);
    expect([current.reopened, current.resolutions, previous.reopened, previous.resolutions]).toEqual([1, 4, 0, 1]);
    // the days begun so far, Monday to Thursday (c5 was registered Thursday 09:00); the days to come are not drawn as zeros
    expect(digest.figures.daily).toEqual([
      { date: '2026-11-23', new: 2, resolved: 1 },
      { date: '2026-11-24', new: 0, resolved: 2 },
      { date: '2026-11-25', new: 1, resolved: 0 },
      { date: '2026-11-26', new: 1, resolved: 0 },
    ]);
  });

  it('the card says "so far (as of …)" and what it is compared with', async () => {
    const card = renderDigestCard(await buildWeeklyDigest(ctx, sh('2026-11-23 00:00'))) as {
      config: { summary: { content: string } };
      header: { text_tag_list?: { text: { content: string } }[] };
      body: { elements: { content?: string }[] };
    };
    const text = card.body.elements.map((e) => e.content ?? '').join('\n');
    expect(card.header.text_tag_list?.map((x) => x.text.content)).toContain('截至目前');
    expect(card.config.summary.content).toContain('截至目前（2026-11-26 12:00）');
    expect(text).toContain('**截至目前（2026-11-26 12:00）**：本周尚未结束，数字统计自 2026-11-23 起至今');
    expect(text).toContain('上周同一时段（2026-11-16 00:00 至 2026-11-19 12:00）');
    expect(text).toContain('目前未结 **3**（较上周同期 +1 +50%）');
    expect(text).toContain('其中超时 **2**（较上周 +1 +100%）');
    expect(text).not.toContain('周末未结');
  });

  it('plain /digest on Sunday evening says which week it shows and the exact command for the current week', async () => {
    ctx.clock.current = sh('2026-11-29 20:00'); // Sunday of 2026-W48
    await handleStaffCommand(ctx, { messageId: 'om-digest-sunday', chatId: 'oc_managers_group', chatType: 'group', senderOpenId: 'ou_general_manager', text: '/digest' });
    const row = await ctx.db.outboxMessage.findFirstOrThrow({ where: { kind: 'card.raw', target: 'oc_managers_group' }, orderBy: { id: 'desc' } });
    const card = (row.payload as { card: { header: { title: { content: string }; subtitle: { content: string } }; body: { elements: { content?: string }[] } } }).card;
    expect(card.header.title.content).toContain('2026-W47');
    expect(card.header.subtitle.content).toBe('2026-11-16 – 2026-11-22');
    const text = card.body.elements.map((e) => e.content ?? '').join('\n');
    expect(text).toContain('本期为 2026-11-16 – 2026-11-22（2026-W47，已结束的整周）。本周（2026-11-23 起）至今的数字请发送：/digest 2026-W48');
    expect(text).toContain('周末未结');
    // the command it names asks for the running week
    expect(parseDigestCommand('2026-W48', ctx.now(), TZ)).toEqual({ ok: true, weekStart: sh('2026-11-23 00:00') });
  });
});
