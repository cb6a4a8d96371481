/**
 * Retention (issue 10, item 7): the daily job de-identifies the personal data of complaints closed longer
 * ago than `records.retainPersonalDataDays`, keeps their facts — the month's figures and the summary card
 * do not change — records what it did in the access log and the audit trail, leaves open complaints and
 * the customer who still has one alone, and a second run changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { testDatabases } from '../support/databases.ts';
import { testContext, TestClock } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { computeMonthlyFigures } from '../../src/app/reports/compute-monthly-figures.ts';
import { buildMonthlySummaries } from '../../src/app/reports/send-monthly-summary.ts';
import { monthOf } from '../../src/domain/digest.ts';
import { renderSummaryCard } from '../../cards/summary-card.ts';
import { botJobs } from '../../src/jobs/jobs.ts';
import { RETENTION_JOB } from '../../src/app/records/apply-retention.ts';
import { DEIDENTIFIED } from '../../src/app/records/deidentify-personal-data.ts';
import { buildComplaintExport } from '../../src/app/records/export-complaints.ts';
import { parseReportPeriod } from '../../src/domain/report-period.ts';
import { slotId, type JobSlot } from '../../src/app/shared/claim-job-slot.ts';
import { seedReportFixtures } from '../jobs/report-fixtures.ts';
import { sh, type Ctx } from '../jobs/support.ts';

const TZ = 'Asia/Shanghai';
const slot = (at: Date, reason: JobSlot['reason'] = 'schedule'): JobSlot => ({ job: RETENTION_JOB, id: slotId(at), scheduledAt: at, late: false, reason });

describe.each(testDatabases())('retention job on $name', (kind) => {
  let database: Database;
  let ctx: Ctx;
  let numbers: Record<string, { id: number; number: string }>;
  let alone: { customerId: number; complaintId: number; number: string };
  let reportCustomerId: number;
  let activeOne: { customerId: number; complaintId: number; number: string };
  const november = () => computeMonthlyFigures(ctx.db, ctx.config, monthOf(sh('2026-11-01 00:00'), TZ), sh('2026-12-01 09:00'));
  const summaryTexts = async () => {
    const now = ctx.clock.current;
    ctx.clock.current = sh('2026-12-01 09:00'); // the card says when it was made
    const { departments, company } = await buildMonthlySummaries(ctx, sh('2026-11-01 00:00'));
    ctx.clock.current = now;
    return [company, ...departments].map((s) => JSON.stringify(renderSummaryCard(s)));
  };
  let figuresBefore: Awaited<ReturnType<typeof november>>;
  let cardsBefore: string[];

  beforeAll(async () => {
    database = await kind.open();
    ctx = await testContext(database, new TestClock(sh('2026-12-01 09:00')));
    numbers = await seedReportFixtures(ctx);
    const c1 = await ctx.db.complaint.update({
      where: { id: numbers.c1!.id },
      data: { contactPhone: '13812345678', address: '上海市徐汇区 1 号', desiredOutcome: '道歉', ratingComment: '王先生很满意' },
    });
    reportCustomerId = c1.customerId;
    await ctx.db.complaintEvent.create({ data: { complaintId: c1.id, type: 'customer_message', actor: 'telegram:report', actorName: 'Report customer', data: { text: '我家在徐汇区 1 号，电话 13812345678' }, at: sh('2026-11-23 12:00') } });
    await ctx.db.complaintEvent.create({ data: { complaintId: c1.id, type: 'reply', actor: 'feishu:ou_cs_agent_1', actorName: '王芳', data: { text: '王先生您好' }, at: sh('2026-11-23 13:00') } });
    await ctx.db.attachment.create({ data: { complaintId: c1.id, platform: 'telegram', fileId: 'AgACAgQAAxkBAAIC', kind: 'photo', caption: '门口照片', fileName: 'door.jpg' } });
    // A customer whose only complaint is c7-like and closed: their profile goes too.
    const customer = await ctx.db.customer.create({ data: { platform: 'telegram', platformUserId: '777001', chatId: '777001', displayName: '李雷', phone: '13900001111', language: 'zh' } });
    const other = await ctx.db.complaint.create({
      data: {
        ...(({ id: _id, number: _n, customerId: _c, updatedAt: _u, ...rest }) => rest)(await ctx.db.complaint.findUniqueOrThrow({ where: { id: numbers.c11!.id } })),
        number: 'RP-20260000-0099',
        customerId: customer.id,
        description: '李雷 在 5 月 20 日被收银员辱骂',
        address: '北京市朝阳区 2 号',
        contactPhone: '13900001111',
      } as never,
    });
    await ctx.db.conversation.create({ data: { platform: 'telegram', userId: '777001', flow: 'comment', step: 'comment', data: { complaintId: other.id } } });
    await ctx.db.outboxMessage.create({ data: { channel: 'telegram', kind: 'text', target: '777001', payload: { text: '李雷您好' }, status: 'sent', complaintId: other.id } });
    alone = { customerId: customer.id, complaintId: other.id, number: other.number };
    // A customer whose only complaint is past retention but who is writing to the bot right now (a draft).
    const active = await ctx.db.customer.create({ data: { platform: 'telegram', platformUserId: '777002', chatId: '777002', displayName: '韩梅梅', language: 'zh', lastInboundAt: sh('2029-12-31 20:00') } });
    const activeComplaint = await ctx.db.complaint.create({
      data: { ...(({ id: _id, number: _n, customerId: _c, updatedAt: _u, ...rest }) => rest)(await ctx.db.complaint.findUniqueOrThrow({ where: { id: numbers.c10!.id } })), number: 'RP-20260000-0098', customerId: active.id, description: '韩梅梅的投诉' } as never,
    });
    await ctx.db.conversation.create({ data: { platform: 'telegram', userId: '777002', flow: 'file', step: 'description', data: {} } });
    activeOne = { customerId: active.id, complaintId: activeComplaint.id, number: activeComplaint.number };
    figuresBefore = await november();
    cardsBefore = await summaryTexts();
  });
  afterAll(async () => database?.close());

  const job = () => botJobs(ctx).find((j) => j.name === RETENTION_JOB)!;

  it('is a daily job at records.retentionJobAt (default 03:00, 3 years)', () => {
    expect(ctx.config.records).toMatchObject({ retainPersonalDataDays: 1095, retentionJobAt: '03:00' });
    expect(job().schedule).toEqual({ kind: 'daily', at: '03:00' });
  });

  it('before the retention period ends it does nothing', async () => {
    ctx.clock.current = sh('2029-05-20 03:00'); // c11 and its twin closed 2026-05-21: not yet 1095 days
    const result = await job().run(slot(ctx.clock.current));
    expect(result).toMatchObject({ complaints: 0 });
    expect(await ctx.db.complaint.count({ where: { deidentifiedAt: { not: null } } })).toBe(0);
  });

  it('de-identifies what is past retention, set-based, and records it; open complaints and a customer with one stay', async () => {
    ctx.clock.current = sh('2030-01-01 03:00');
    const result = (await job().run(slot(ctx.clock.current))) as { complaints: number; customers: number; numbers: string[]; batches: number };
    // closed: c1, c7, c9, c10, c11 and the twin; rejected: c5. Open (c2, c3, c4, c8) and resolved (c6) stay.
    const gone = ['c1', 'c5', 'c7', 'c9', 'c10', 'c11'].map((k) => numbers[k]!.number);
    expect(result.numbers).toEqual([...gone, alone.number, activeOne.number].sort());
    expect([result.complaints, result.customers, result.batches]).toEqual([8, 1, 1]);

    const c1 = await ctx.db.complaint.findUniqueOrThrow({ where: { id: numbers.c1!.id } });
    expect([c1.description, c1.address, c1.contactPhone, c1.desiredOutcome, c1.ratingComment]).toEqual([DEIDENTIFIED, DEIDENTIFIED, null, DEIDENTIFIED, DEIDENTIFIED]);
    // the facts stay
    expect([c1.subject, c1.category, c1.causeCategory, c1.improvement, c1.rating, c1.handlerName, c1.status]).toEqual(['快递员', 'service', 'staff_conduct', '快递员培训', 5, '王芳', 'closed']);
    const events = await ctx.db.complaintEvent.findMany({ where: { complaintId: c1.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.type, e.actor, e.actorName, e.data])).toEqual([
      ['resolve', 'feishu:ou_test', null, {}],
      ['customer_message', 'customer', null, {}],
      ['reply', 'feishu:ou_cs_agent_1', '王芳', {}],
      ['deidentify', 'system:retention', 'retention', { reason: 'retention' }],
    ]);
    const photo = await ctx.db.attachment.findFirstOrThrow({ where: { complaintId: c1.id } });
    expect([photo.fileId, photo.caption, photo.fileName, photo.kind]).toEqual([DEIDENTIFIED, null, null, 'photo']);

    // c1's customer still has open complaints (c2, c3 …): their profile stays.
    const reportCustomer = await ctx.db.customer.findUniqueOrThrow({ where: { id: reportCustomerId } });
    expect([reportCustomer.displayName, reportCustomer.deidentifiedAt]).toEqual(['Report customer', null]);
    const c2 = await ctx.db.complaint.findUniqueOrThrow({ where: { id: numbers.c2!.id } });
    expect([c2.description, c2.deidentifiedAt]).toEqual(['c2', null]);

    // The customer whose only complaint went: name, phone, ids, conversation, sent messages.
    const customer = await ctx.db.customer.findUniqueOrThrow({ where: { id: alone.customerId } });
    expect([customer.displayName, customer.phone, customer.platformUserId, customer.chatId]).toEqual([DEIDENTIFIED, null, `deidentified:${customer.id}`, '']);
    expect(await ctx.db.conversation.count({ where: { userId: '777001' } })).toBe(0);
    const sent = await ctx.db.outboxMessage.findFirstOrThrow({ where: { complaintId: alone.complaintId } });
    expect(sent.payload).toEqual({ deidentified: true });
    expect(JSON.stringify(await ctx.db.customer.findMany())).not.toContain('13900001111');
    expect(JSON.stringify(await ctx.db.complaint.findMany())).not.toContain('李雷');

    const log = await ctx.db.accessLog.findMany({ where: { kind: 'deidentify' } });
    expect(log).toHaveLength(1);
    expect([log[0]!.actor, (log[0]!.details as { reason: string; complaints: number; customers: number; events: number; attachments: number }).reason]).toEqual(['system:retention', 'retention']);
    expect(log[0]!.details).toMatchObject({ complaints: 8, customers: 1, events: 5, attachments: 1 });

    // The customer writing right now keeps their profile and draft; their old complaint's data went.
    const active = await ctx.db.customer.findUniqueOrThrow({ where: { id: activeOne.customerId } });
    expect([active.displayName, active.deidentifiedAt, await ctx.db.conversation.count({ where: { userId: '777002' } })]).toEqual(['韩梅梅', null, 1]);
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: activeOne.complaintId } })).description).toBe(DEIDENTIFIED);
  });

  it('a de-identified complaint still counts in the month’s figures: November and its summary cards are unchanged', async () => {
    expect(await november()).toEqual(figuresBefore);
    expect(await summaryTexts()).toEqual(cardsBefore);
    expect(figuresBefore.company.new).toBe(8);
  });

  it('the export shows 已匿名化 / de-identified where the data was', async () => {
    const parsed = parseReportPeriod('2026-05', ctx.now(), TZ);
    if (!parsed.ok) throw new Error('period');
    const { data } = await buildComplaintExport(ctx.db, ctx.config, { period: parsed.period, fullData: true, generatedAt: ctx.now() });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(data as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('complaints')!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const rows = Array.from({ length: sheet.rowCount - 1 }, (_, i) => Object.fromEntries(headers.map((hd, j) => [hd, sheet.getRow(i + 2).getCell(j + 1).value])));
    const twin = rows.find((r) => r['编号'] === alone.number)!;
    expect([twin['客户'], twin['电话'], twin['投诉内容'], twin['地址'], twin['状态'], twin['类别']]).toEqual([DEIDENTIFIED, null, DEIDENTIFIED, DEIDENTIFIED, '已关闭', '服务态度']);
  });

  it('runs once per slot, and a second day finds nothing left to do', async () => {
    expect(await job().run(slot(ctx.clock.current))).toBeNull(); // the slot is taken
    ctx.clock.current = sh('2030-01-02 03:00');
    const again = await job().run(slot(ctx.clock.current));
    expect(again).toMatchObject({ complaints: 0, customers: 0, batches: 0 });
    expect(await ctx.db.accessLog.count({ where: { kind: 'deidentify' } })).toBe(1);
    expect(await ctx.db.complaintEvent.count({ where: { type: 'deidentify' } })).toBe(8);
  });

  it('the customer who was writing goes once they have been quiet for the retention period', async () => {
    ctx.clock.current = sh('2032-12-30 03:00'); // 1,095 days after their last message: not yet
    expect(await job().run(slot(ctx.clock.current))).toMatchObject({ customers: 0 });
    ctx.clock.current = sh('2033-01-01 03:00');
    expect(await job().run(slot(ctx.clock.current))).toMatchObject({ complaints: 0, customers: 1, batches: 1 });
    const active = await ctx.db.customer.findUniqueOrThrow({ where: { id: activeOne.customerId } });
    expect([active.displayName, active.platformUserId, await ctx.db.conversation.count({ where: { userId: '777002' } })]).toEqual([DEIDENTIFIED, `deidentified:${active.id}`, 0]);
    // the customer who still has open complaints keeps theirs
    expect((await ctx.db.customer.findUniqueOrThrow({ where: { id: reportCustomerId } })).displayName).toBe('Report customer');
  });
});
