/**
 * The access-log export (issue 10, item 7) end to end: `/export access 2026-11` in the managers' chat
 * posts an .xlsx through the Feishu file upload on the emulator, opened with exceljs and checked cell by
 * cell; only managers may; the export is itself in the log; the command line writes the same file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { useHarness } from '../support/use-harness.ts';
import { harnessKinds, outboxSettled } from './staff-helpers.ts';
import { seedReportFixtures } from '../jobs/report-fixtures.ts';
import { sh } from '../jobs/support.ts';
import { exportComplaintsToFile, parseExportArgs } from '../../src/app/records/export-complaints-to-file.ts';

const MANAGERS = 'oc_managers_group';
const MANAGER = 'ou_general_manager';
const SUPERVISOR = 'ou_cs_supervisor';
const TZ_HEADER = '时间 (Asia/Shanghai)';
/** Wall-clock time in Shanghai, as the export writes it. */
const wall = (s: string) => new Date(`${s.replace(' ', 'T')}Z`);

function messageEvent(chatId: string, openId: string, text: string) {
  return {
    sender: { sender_id: { open_id: openId, union_id: 'on_test', user_id: 'u_test' }, sender_type: 'user', tenant_key: 'tenant' },
    message: { message_id: `om_${randomBytes(8).toString('hex')}`, root_id: '', parent_id: '', create_time: String(Date.now()), chat_id: chatId, chat_type: 'group', message_type: 'text', content: JSON.stringify({ text }), mentions: [] },
  };
}

describe.each(harnessKinds())('access-log export on $name', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started), { now: () => sh('2026-12-01 10:00') });

  async function say(chatId: string, openId: string, text: string) {
    const before = h.feishu.messagesIn(chatId).length;
    expect((await h.feishu.pushEvent('im.message.receive_v1', messageEvent(chatId, openId, text), { via: 'ws' })).status).toBe(200);
    await outboxSettled(h);
    const added = h.feishu.messagesIn(chatId).slice(before);
    return { texts: added.filter((m) => m.msgType === 'text').map((m) => m.text ?? ''), files: added.filter((m) => m.msgType === 'file').map((m) => h.feishu.file(String(m.parsed.file_key))!) };
  }

  const rowsOf = async (bytes: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('access')!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    return { headers, rows: Array.from({ length: sheet.rowCount - 1 }, (_, i) => Object.fromEntries(headers.map((hd, j) => [hd, sheet.getRow(i + 2).getCell(j + 1).value]))) };
  };

  let c1: { id: number; number: string };
  beforeAll(async () => {
    const numbers = await seedReportFixtures(h.bot.ctx);
    c1 = numbers.c1!;
    const db = h.bot.ctx.db;
    await db.accessLog.createMany({
      data: [
        { at: sh('2026-10-31 23:59'), kind: 'phone_view', actor: 'feishu:ou_cs_agent_1', actorName: '王芳', complaintId: c1.id, details: {} },
        { at: sh('2026-11-03 09:15'), kind: 'phone_view', actor: 'feishu:ou_cs_agent_1', actorName: '王芳', complaintId: c1.id, customerId: 7, details: { number: c1.number } },
        { at: sh('2026-11-10 14:00'), kind: 'export_full', actor: 'cli:ops', actorName: 'ops', details: { period: '2026-10' } },
        { at: sh('2026-11-20 03:00'), kind: 'deidentify', actor: 'system:retention', actorName: 'retention', details: { reason: 'retention', complaints: 2 } },
        { at: sh('2026-11-30 23:59'), kind: 'forget_request', actor: 'telegram:42', customerId: 7, details: { request: 1 } },
        { at: sh('2026-12-01 00:00'), kind: 'forget_decision', actor: 'feishu:ou_general_manager', actorName: '郑总', customerId: 7, details: { request: 1, decision: 'refused' } },
      ],
    });
  });

  it('/export access 2026-11 posts the month’s entries, checked cell by cell; the export is itself logged', async () => {
    const { texts, files } = await say(MANAGERS, MANAGER, '/export access 2026-11');
    expect(texts).toEqual(['正在生成 2026-11 的访问记录导出，稍后以文件发送到本群。', '📎 2026-11 的访问记录：4 条。']);
    expect(files.map((f) => [f.fileName, f.fileType])).toEqual([['access-log-2026-11.xlsx', 'xls']]);
    const { headers, rows } = await rowsOf(files[0]!.bytes);
    expect(headers).toEqual([TZ_HEADER, '类型', '操作者标识', '操作者', '投诉编号', '客户编号', '详情']);
    expect(rows).toEqual([
      { [TZ_HEADER]: wall('2026-11-03 09:15'), 类型: '查看完整电话', 操作者标识: 'feishu:ou_cs_agent_1', 操作者: '王芳', 投诉编号: c1.number, 客户编号: 7, 详情: JSON.stringify({ number: c1.number }) },
      { [TZ_HEADER]: wall('2026-11-10 14:00'), 类型: '导出（含完整电话）', 操作者标识: 'cli:ops', 操作者: 'ops', 投诉编号: null, 客户编号: null, 详情: '{"period":"2026-10"}' },
      { [TZ_HEADER]: wall('2026-11-20 03:00'), 类型: '匿名化', 操作者标识: 'system:retention', 操作者: 'retention', 投诉编号: null, 客户编号: null, 详情: '{"reason":"retention","complaints":2}' },
      { [TZ_HEADER]: wall('2026-11-30 23:59'), 类型: '删除请求', 操作者标识: 'telegram:42', 操作者: null, 投诉编号: null, 客户编号: 7, 详情: '{"request":1}' },
    ]);
    const logged = await h.bot.ctx.db.accessLog.findMany({ where: { kind: 'access_export' } });
    expect(logged.map((l) => [l.actor, l.actorName, (l.details as { period: string }).period])).toEqual([[`feishu:${MANAGER}`, '郑总', '2026-11']]);

    // December so far: the decision at midnight and the access export just made
    const december = await say(MANAGERS, MANAGER, '/export access 2026-12');
    const dec = await rowsOf(december.files[0]!.bytes);
    expect(dec.rows.map((r) => [r['类型'], r['操作者标识']])).toEqual([
      ['删除审批', 'feishu:ou_general_manager'],
      ['导出访问记录', `feishu:${MANAGER}`],
      ['导出访问记录', `feishu:${MANAGER}`],
    ]);
  });

  it('only managers, only a period: clear answers, nothing exported or logged', async () => {
    const logged = await h.bot.ctx.db.accessLog.count();
    expect(await say(MANAGERS, SUPERVISOR, '/export access 2026-11')).toEqual({ texts: ['只有经理可以导出访问记录'], files: [] });
    expect(await say(MANAGERS, MANAGER, '/export access')).toEqual({ texts: ['用法：/export access 2026-11（或 2026-Q4、2026-11-01..2026-11-15）'], files: [] });
    expect((await say(MANAGERS, MANAGER, '/export access 2026-13')).texts[0]).toContain('无法识别时间段“2026-13”');
    expect(await say('oc_cs_group', MANAGER, '/export access 2026-11')).toEqual({ texts: ['导出只能在经理群中使用'], files: [] });
    expect(await h.bot.ctx.db.accessLog.count()).toBe(logged);
  });

  it('the command line: --access writes the same workbook and logs it', async () => {
    const now = sh('2026-12-01 10:00');
    expect('error' in parseExportArgs(['--access', '--full', '--period', '2026-11'], now, 'Asia/Shanghai')).toBe(true);
    const args = parseExportArgs(['--access', '--period', '2026-11'], now, 'Asia/Shanghai');
    if ('error' in args) throw new Error(args.error);
    expect(args.out).toBe('access-log-2026-11.xlsx');
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cb-access-')), 'access.xlsx');
    const result = await exportComplaintsToFile(h.bot.ctx.db, h.bot.ctx.config, { ...args, out }, { operator: 'ops', now });
    expect(result.entries).toBe(4);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.getWorksheet('access')!.getRow(2).getCell(5).value).toBe(c1.number);
    const cli = await h.bot.ctx.db.accessLog.findFirstOrThrow({ where: { kind: 'access_export', actor: 'cli:ops' } });
    expect(cli.details).toMatchObject({ period: '2026-11', entries: 4 });
  });
});
