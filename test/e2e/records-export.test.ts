/**
 * Export (issue 10, item 6) end to end: `/export <period>` in the managers' chat posts an .xlsx file
 * into the chat through the Feishu file upload (im/v1/files, then a `file` message) on the emulator;
 * the workbook is opened with exceljs and checked cell by cell against the hand-made fixtures
 * (test/jobs/report-fixtures.ts); phones are masked unless a manager asks for full data, which is
 * recorded in the access log; who may not, and periods that are not periods, get a clear answer.
 */
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { describe, expect, it, beforeAll } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { useHarness } from '../support/use-harness.ts';
import { harnessKinds, outboxSettled } from './staff-helpers.ts';
import { seedReportFixtures } from '../jobs/report-fixtures.ts';
import { sh } from '../jobs/support.ts';

const MANAGERS = 'oc_managers_group';
const MANAGER = 'ou_general_manager';
const CS_SUPERVISOR = 'ou_cs_supervisor';
const AGENT = 'ou_cs_agent_1';
/** Wall-clock time in Shanghai, as the export writes it (Excel has no time zones). */
const wall = (s: string) => new Date(`${s.replace(' ', 'T')}:00Z`);

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

describe.each(harnessKinds())('complaints export on $name', (kind) => {
  let h: Harness;
  // The bot's clock: 2026-12-01 10:00 in Shanghai, so "met" and "still running" do not depend on when the test runs.
  useHarness(kind, (started) => (h = started), { now: () => sh('2026-12-01 10:00') });

  /** Sends a command; returns the new texts and files in the chat. */
  async function say(chatId: string, openId: string, text: string) {
    const before = h.feishu.messagesIn(chatId).length;
    expect((await h.feishu.pushEvent('im.message.receive_v1', messageEvent(chatId, openId, text), { via: 'ws' })).status).toBe(200);
    await outboxSettled(h);
    const added = h.feishu.messagesIn(chatId).slice(before);
    return {
      texts: added.filter((m) => m.msgType === 'text').map((m) => m.text ?? ''),
      files: added.filter((m) => m.msgType === 'file').map((m) => h.feishu.file(String(m.parsed.file_key))!),
    };
  }

  async function open(bytes: Buffer) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    return wb;
  }

  const rowOf = (sheet: ExcelJS.Worksheet, number: string) => {
    const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    for (let r = 2; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      if (row.getCell(1).value === number) return Object.fromEntries(headers.map((hd, i) => [hd, row.getCell(i + 1).value]));
    }
    throw new Error(`no row ${number}`);
  };

  let numbers: Record<string, { id: number; number: string }>;
  beforeAll(async () => {
    numbers = await seedReportFixtures(h.bot.ctx);
    // c1 gets a phone, an address and a full structured resolution; c3 a phone of another country.
    await h.bot.ctx.db.complaint.update({
      where: { id: numbers.c1!.id },
      data: { contactPhone: '13812345678', address: '上海市徐汇区 1 号', handlerName: '王芳', resolution: '已向客户道歉', causeDetail: '未按门铃', compensationKind: 'voucher', compensationCents: 5000, closeReason: 'rated' },
    });
    await h.bot.ctx.db.complaint.update({ where: { id: numbers.c3!.id }, data: { contactPhone: '+4915112345678' } });
  });

  it('/export 2026-11 posts an .xlsx with one row per complaint of the month, every field, checked cell by cell, phones masked', async () => {
    const { texts, files } = await say(MANAGERS, MANAGER, '/export 2026-11');
    expect(texts[0]).toBe('正在生成 2026-11 的投诉导出，稍后以文件发送到本群。');
    expect(texts[1]).toBe('📎 2026-11 的投诉导出：8 件投诉，6 条记录。');
    expect(files).toHaveLength(1);
    expect(files[0]!.fileName).toBe('complaints-2026-11.xlsx');
    expect(files[0]!.fileType).toBe('xls');
    const wb = await open(files[0]!.bytes);
    const sheet = wb.getWorksheet('complaints')!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual([
      '编号', '状态', '渠道', '类别', '级别', '部门', '处理人', '客户', '电话', '被投诉对象', '投诉内容', '诉求', '发生时间', '地址', '要求答复时间',
      '登记时间 (Asia/Shanghai)', '受理时限 (Asia/Shanghai)', '受理时间 (Asia/Shanghai)', '受理达标', '首次答复时限 (Asia/Shanghai)', '首次答复时间 (Asia/Shanghai)', '首次答复达标',
      '办结时限 (Asia/Shanghai)', '办结时间 (Asia/Shanghai)', '办结达标', '最长时限 (Asia/Shanghai)', '最长时限达标', '已延期', '升级层级', '关闭时间 (Asia/Shanghai)', '关闭原因', '不予受理原因',
      '处理结果', '原因分类', '原因说明', '改进措施', '补偿方式', '补偿金额（元）', '评分', '评价', '评分时间 (Asia/Shanghai)',
    ]);
    // c1..c7 and c9 were registered in November; c8 (October) and c10, c11 are not in it.
    const listed = Array.from({ length: sheet.rowCount - 1 }, (_, i) => sheet.getRow(i + 2).getCell(1).value);
    expect(listed).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c9'].map((k) => numbers[k]!.number));

    expect(rowOf(sheet, numbers.c1!.number)).toEqual({
      编号: numbers.c1!.number, 状态: '已关闭', 渠道: 'Telegram', 类别: '服务态度', 级别: '一般', 部门: '客服部', 处理人: '王芳', 客户: 'Report customer',
      电话: '138****5678', 被投诉对象: '快递员', 投诉内容: 'c1', 诉求: null, 发生时间: null, 地址: '上海市徐汇区 1 号', 要求答复时间: null,
      '登记时间 (Asia/Shanghai)': wall('2026-11-23 10:00'), '受理时限 (Asia/Shanghai)': wall('2026-11-23 12:00'), '受理时间 (Asia/Shanghai)': wall('2026-11-23 10:30'), 受理达标: true,
      '首次答复时限 (Asia/Shanghai)': wall('2026-11-24 10:00'), '首次答复时间 (Asia/Shanghai)': wall('2026-11-23 11:00'), 首次答复达标: true,
      '办结时限 (Asia/Shanghai)': wall('2026-11-24 10:00'), '办结时间 (Asia/Shanghai)': wall('2026-11-24 10:00'), 办结达标: true,
      '最长时限 (Asia/Shanghai)': wall('2026-12-14 10:00'), 最长时限达标: true, 已延期: false, 升级层级: 0,
      '关闭时间 (Asia/Shanghai)': wall('2026-11-24 12:00'), 关闭原因: 'rated', 不予受理原因: null,
      处理结果: '已向客户道歉', 原因分类: '员工行为', 原因说明: '未按门铃', 改进措施: '快递员培训', 补偿方式: '代金券', '补偿金额（元）': 50,
      评分: 5, 评价: null, '评分时间 (Asia/Shanghai)': wall('2026-11-24 12:00'),
    });
    // c3: never accepted; every clock past due by Dec 1 but the hard limit (12-16) still running; a foreign phone masked.
    const c3 = rowOf(sheet, numbers.c3!.number);
    expect([c3['状态'], c3['电话'], c3['受理达标'], c3['首次答复达标'], c3['办结达标'], c3['最长时限达标'], c3['受理时间 (Asia/Shanghai)']]).toEqual(['待受理', '+49151****5678', false, false, false, null, null]);
    // c5: not accepted (rejected): its clocks were never judged.
    const c5 = rowOf(sheet, numbers.c5!.number);
    expect([c5['状态'], c5['级别'], c5['受理达标'], c5['办结达标'], c5['最长时限达标'], c5['电话']]).toEqual(['不予受理', '重大', null, null, null, null]);
    // c9: resolved after its resolve deadline (11-19 16:30 → 11-24 09:00), within the hard limit; c6 late too, rated 4.
    const c9 = rowOf(sheet, numbers.c9!.number);
    expect([c9['办结达标'], c9['最长时限达标'], c9['原因分类'], c9['改进措施']]).toEqual([false, true, '产品缺陷', '加强出厂检验']);
    const c6 = rowOf(sheet, numbers.c6!.number);
    expect([c6['受理达标'], c6['首次答复达标'], c6['办结达标'], c6['评分'], c6['原因分类']]).toEqual([true, true, false, 4, null]);

    // The second sheet: every audit event of those complaints, oldest first as written.
    const events = wb.getWorksheet('events')!;
    expect((events.getRow(1).values as unknown[]).slice(1)).toEqual(['编号', '时间 (Asia/Shanghai)', '事件', '原状态', '新状态', '操作者标识', '操作者', '详情']);
    const rows = Array.from({ length: events.rowCount - 1 }, (_, i) => (events.getRow(i + 2).values as unknown[]).slice(1));
    expect(rows.map((r) => [r[0], r[1], r[2], r[5]])).toEqual([
      [numbers.c1!.number, wall('2026-11-24 10:00'), 'resolve', 'feishu:ou_test'],
      [numbers.c2!.number, wall('2026-11-25 11:00'), 'resolve', 'feishu:ou_test'],
      [numbers.c6!.number, wall('2026-11-23 15:00'), 'resolve', 'feishu:ou_test'],
      [numbers.c7!.number, wall('2026-11-18 10:00'), 'resolve', 'feishu:ou_test'],
      [numbers.c9!.number, wall('2026-11-24 09:00'), 'resolve', 'feishu:ou_test'],
      [numbers.c2!.number, wall('2026-11-26 10:00'), 'reopen', 'feishu:ou_test'],
    ]);
    const log = await h.bot.ctx.db.accessLog.findMany({ where: { kind: { in: ['export', 'export_full'] } } });
    expect(log.map((l) => [l.kind, l.actor, (l.details as { period: string }).period])).toEqual([['export', `feishu:${MANAGER}`, '2026-11']]);
  });

  it('a manager asking for full data gets full phones, and the export is recorded as such', async () => {
    const { texts, files } = await say(MANAGERS, MANAGER, '/export 2026-11 full');
    expect(texts[0]).toBe('正在生成 2026-11 的投诉导出（含完整电话，已记录），稍后以文件发送到本群。');
    expect(files[0]!.fileName).toBe('complaints-2026-11-full.xlsx');
    const sheet = (await open(files[0]!.bytes)).getWorksheet('complaints')!;
    expect(rowOf(sheet, numbers.c1!.number)['电话']).toBe('13812345678');
    expect(rowOf(sheet, numbers.c3!.number)['电话']).toBe('+4915112345678');
    const full = await h.bot.ctx.db.accessLog.findFirstOrThrow({ where: { kind: 'export_full' } });
    expect([full.actor, full.actorName, (full.details as { period: string }).period]).toEqual([`feishu:${MANAGER}`, '郑总', '2026-11']);
  });

  it('a quarter and a range of days: the complaints registered in them', async () => {
    const quarter = await say(MANAGERS, MANAGER, '/export 2026-Q4');
    const q = (await open(quarter.files[0]!.bytes)).getWorksheet('complaints')!;
    expect(q.rowCount - 1).toBe(9); // October's c8 and November's eight
    const days = await say(MANAGERS, MANAGER, '/export 2026-11-20..2026-11-23');
    expect(days.files[0]!.fileName).toBe('complaints-2026-11-20_2026-11-23.xlsx');
    const d = (await open(days.files[0]!.bytes)).getWorksheet('complaints')!;
    const listed = Array.from({ length: d.rowCount - 1 }, (_, i) => d.getRow(i + 2).getCell(1).value);
    expect(listed).toEqual(['c1', 'c2', 'c6'].map((k) => numbers[k]!.number)); // 11-23 10:00, 11-23 11:00, 11-20 10:00
  });

  it('refuses clearly: other chats, full data for non-managers, periods that are not periods; nothing is exported or logged', async () => {
    const logged = await h.bot.ctx.db.accessLog.count();
    const answers = async (chat: string, who: string, text: string) => {
      const r = await say(chat, who, text);
      expect(r.files).toEqual([]);
      return r.texts;
    };
    expect(await answers('oc_cs_group', CS_SUPERVISOR, '/export 2026-11')).toEqual(['导出只能在经理群中使用']);
    expect(await answers(MANAGERS, AGENT, '/export 2026-11 full')).toEqual(['只有经理可以导出完整电话号码；不加 full 可导出脱敏数据']);
    expect(await answers(MANAGERS, MANAGER, '/export')).toEqual([expect.stringContaining('用法：/export 2026-11')]);
    expect(await answers(MANAGERS, MANAGER, '/export 2026-13')).toEqual(['无法识别时间段“2026-13”。用法：/export 2026-11、/export 2026-Q4 或 /export 2026-11-01..2026-11-15']);
    expect(await answers(MANAGERS, MANAGER, '/export 2027-01')).toEqual(['时间段 2027-01 尚未开始']);
    expect(await answers(MANAGERS, MANAGER, '/export 2026-11-15..2026-11-01')).toEqual(['时间段的开始晚于结束：2026-11-15..2026-11-01']);
    expect(await h.bot.ctx.db.accessLog.count()).toBe(logged);
    // an agent may export masked data from the managers' chat
    const masked = await say(MANAGERS, AGENT, '/export 2026-11');
    expect(masked.files).toHaveLength(1);
  });

  it('/stats me with nothing this month says so', async () => {
    expect((await say('oc_cs_group', AGENT, '/stats me')).texts).toEqual(['📋 王芳 本月（2026-12-01 00:00 起）还没有受理、办结或评分的投诉。']);
  });
});
