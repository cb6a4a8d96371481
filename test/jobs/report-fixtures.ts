/**
 * Hand-made complaints for the report tests, written straight into the database with chosen timestamps
 * (times are Asia/Shanghai). The expected figures in the tests are counted by hand from this table.
 *
 * | c  | category/dept      | sev       | registered      | accepted        | first reply     | resolved        | status     | rating     | dues (accept / first reply / resolve)          |
 * | c1 | service/cs         | general   | Mon 11-23 10:00 | 10:30           | 11-23 11:00     | Tue 11-24 10:00 | closed     | 5 @11-24   | 11-23 12:00 / 11-24 10:00 / 11-24 10:00       |
 * | c2 | quality/qa         | important | Mon 11-23 11:00 | 13:00           | — (reopened)    | — (reopened)    | reopened   | 2 @11-26   | 11-23 12:00 / 11-28 10:00 / 11-26 17:30       |
 * | c3 | network/tech       | general   | Wed 11-25 14:00 | —               | —               | —               | registered |            | 11-25 16:00 / 11-27 11:00 / 11-27 11:00       |
 * | c4 | billing/ops        | general   | Sat 11-28 22:00 | —               | —               | —               | registered |            | 11-30 11:00 / 12-02 10:00 / 12-02 10:00       |
 * | c5 | other/cs           | major     | Thu 11-26 09:00 | —               | —               | —               | rejected   |            | 11-26 09:30 / 11-26 13:00 / 11-26 17:00       |
 * | c6 | delivery/ops       | general   | Fri 11-20 10:00 | 10:15           | 11-20 11:00     | Mon 11-23 15:00 | resolved   | 4 @11-23   | 11-20 12:00 / 11-23 10:00 / 11-23 10:00       |
 * | c7 | service/cs         | general   | Tue 11-17 10:00 | 11:00           | 11-17 11:30     | Wed 11-18 10:00 | closed     | 3 @11-18   | 11-17 12:00 / 11-18 10:00 / 11-18 10:00       |
 * | c8 | network/tech       | general   | Thu 10-01 10:00 | 10:30           | 10-01 11:00     | —               | in_progress|            | 10-01 12:00 / 10-02 10:00 / 10-02 10:00       |
 * | c9 | quality/qa         | important | Thu 11-19 10:00 | 10:20           | 11-19 11:00     | Tue 11-24 09:00 | closed     |            | 11-19 11:00 / 11-19 16:30 / 11-19 16:30       |
 * | c10| service/cs         | general   | Wed 07-15 10:00 | 10:10           | 07-15 11:00     | Thu 07-16 10:00 | closed     |            | 07-15 12:00 / 07-16 10:00 / 07-16 10:00       |
 * | c11| service/cs         | general   | Wed 05-20 10:00 | 10:10           | 05-20 11:00     | Thu 05-21 10:00 | closed     |            | 05-20 12:00 / 05-21 10:00 / 05-21 10:00       |
 * Subjects: c1 "快递员", c7 " 快递员 " (the same cause once trimmed), the rest none.
 * Causes (原因分析) of the resolutions: c1 staff_conduct, c7 staff_conduct, c9 product_defect, c6 none given,
 * c10 process; measures: c1 "快递员培训", c9 "加强出厂检验".
 * Handlers: c1, c7 王芳 (ou_cs_agent_1); c2, c9 陈静 (ou_qa_agent_1); c6 周婷 (ou_ops_agent_1); the rest none.
 * Events: resolve c1 11-24 10:00, c2 11-25 11:00, c6 11-23 15:00, c7 11-18 10:00, c9 11-24 09:00; reopen c2 11-26 10:00.
 */
import type { AppContext } from '../../src/app/shared/context.ts';
import { sh } from './support.ts';

interface Row {
  key: string;
  category: string;
  department: string;
  severity: string;
  status: string;
  registered: string;
  accepted?: string;
  firstReply?: string;
  resolved?: string;
  closed?: string;
  rating?: [number, string];
  dues: [string, string, string];
  subject?: string;
  cause?: string;
  measure?: string;
}

const HANDLERS: Record<string, [string, string]> = {
  c1: ['ou_cs_agent_1', '王芳'],
  c7: ['ou_cs_agent_1', '王芳'],
  c2: ['ou_qa_agent_1', '陈静'],
  c9: ['ou_qa_agent_1', '陈静'],
  c6: ['ou_ops_agent_1', '周婷'],
};

const Y = '2026-';
const ROWS: Row[] = [
  { key: 'c1', category: 'service', department: 'cs', severity: 'general', status: 'closed', registered: '11-23 10:00', accepted: '11-23 10:30', firstReply: '11-23 11:00', resolved: '11-24 10:00', closed: '11-24 12:00', rating: [5, '11-24 12:00'], dues: ['11-23 12:00', '11-24 10:00', '11-24 10:00'], subject: '快递员', cause: 'staff_conduct', measure: '快递员培训' },
  { key: 'c2', category: 'quality', department: 'qa', severity: 'important', status: 'reopened', registered: '11-23 11:00', accepted: '11-23 13:00', rating: [2, '11-26 09:00'], dues: ['11-23 12:00', '11-28 10:00', '11-26 17:30'] },
  { key: 'c3', category: 'network', department: 'tech', severity: 'general', status: 'registered', registered: '11-25 14:00', dues: ['11-25 16:00', '11-27 11:00', '11-27 11:00'] },
  { key: 'c4', category: 'billing', department: 'ops', severity: 'general', status: 'registered', registered: '11-28 22:00', dues: ['11-30 11:00', '12-02 10:00', '12-02 10:00'] },
  { key: 'c5', category: 'other', department: 'cs', severity: 'major', status: 'rejected', registered: '11-26 09:00', dues: ['11-26 09:30', '11-26 13:00', '11-26 17:00'] },
  { key: 'c6', category: 'delivery', department: 'ops', severity: 'general', status: 'resolved', registered: '11-20 10:00', accepted: '11-20 10:15', firstReply: '11-20 11:00', resolved: '11-23 15:00', rating: [4, '11-23 16:00'], dues: ['11-20 12:00', '11-23 10:00', '11-23 10:00'] },
  { key: 'c7', category: 'service', department: 'cs', severity: 'general', status: 'closed', registered: '11-17 10:00', accepted: '11-17 11:00', firstReply: '11-17 11:30', resolved: '11-18 10:00', closed: '11-18 12:00', rating: [3, '11-18 12:00'], dues: ['11-17 12:00', '11-18 10:00', '11-18 10:00'], subject: ' 快递员 ', cause: 'staff_conduct' },
  { key: 'c8', category: 'network', department: 'tech', severity: 'general', status: 'in_progress', registered: '10-01 10:00', accepted: '10-01 10:30', firstReply: '10-01 11:00', dues: ['10-01 12:00', '10-02 10:00', '10-02 10:00'] },
  { key: 'c9', category: 'quality', department: 'qa', severity: 'important', status: 'closed', registered: '11-19 10:00', accepted: '11-19 10:20', firstReply: '11-19 11:00', resolved: '11-24 09:00', closed: '11-25 09:00', dues: ['11-19 11:00', '11-19 16:30', '11-19 16:30'], cause: 'product_defect', measure: '加强出厂检验' },
  { key: 'c10', category: 'service', department: 'cs', severity: 'general', status: 'closed', registered: '07-15 10:00', accepted: '07-15 10:10', firstReply: '07-15 11:00', resolved: '07-16 10:00', closed: '07-16 12:00', dues: ['07-15 12:00', '07-16 10:00', '07-16 10:00'], cause: 'process' },
  { key: 'c11', category: 'service', department: 'cs', severity: 'general', status: 'closed', registered: '05-20 10:00', accepted: '05-20 10:10', firstReply: '05-20 11:00', resolved: '05-21 10:00', closed: '05-21 12:00', dues: ['05-20 12:00', '05-21 10:00', '05-21 10:00'] },
];

const EVENTS: [string, string, string][] = [
  ['c1', 'resolve', '11-24 10:00'],
  ['c2', 'resolve', '11-25 11:00'],
  ['c6', 'resolve', '11-23 15:00'],
  ['c7', 'resolve', '11-18 10:00'],
  ['c9', 'resolve', '11-24 09:00'],
  ['c2', 'reopen', '11-26 10:00'],
];

const d = (s: string | undefined) => (s ? sh(Y + s) : null);

/** Writes the table above; returns the complaints' numbers by key. */
export async function seedReportFixtures(ctx: AppContext): Promise<Record<string, { id: number; number: string }>> {
  const customer = await ctx.db.customer.create({ data: { platform: 'telegram', platformUserId: `report-${Math.random()}`, chatId: 'report-chat', displayName: 'Report customer' } });
  const out: Record<string, { id: number; number: string }> = {};
  let seq = 0;
  for (const r of ROWS) {
    const registeredAt = d(r.registered)!;
    const c = await ctx.db.complaint.create({
      data: {
        number: `RP-20260000-${String(++seq).padStart(4, '0')}`,
        customerId: customer.id,
        channel: 'telegram',
        category: r.category,
        severity: r.severity,
        status: r.status,
        departmentId: r.department,
        subject: r.subject ?? null,
        causeCategory: r.cause ?? null,
        handlerOpenId: HANDLERS[r.key]?.[0] ?? null,
        handlerName: HANDLERS[r.key]?.[1] ?? null,
        improvement: r.measure ?? null,
        description: r.key,
        registeredAt,
        clockStartAt: registeredAt,
        acceptDueAt: d(r.dues[0])!,
        firstReplyDueAt: d(r.dues[1])!,
        resolveDueAt: d(r.dues[2])!,
        hardLimitAt: new Date(registeredAt.getTime() + 21 * 86_400_000),
        acceptedAt: d(r.accepted),
        firstReplyAt: d(r.firstReply),
        resolvedAt: d(r.resolved),
        closedAt: d(r.closed),
        rating: r.rating?.[0] ?? null,
        ratedAt: r.rating ? d(r.rating[1]) : null,
        rejectReason: r.status === 'rejected' ? 'no concrete facts' : null,
        nextDueAt: null, // the SLA sweep is not under test here
        updatedAt: registeredAt,
      },
    });
    out[r.key] = { id: c.id, number: c.number };
  }
  for (const [key, type, at] of EVENTS) {
    await ctx.db.complaintEvent.create({ data: { complaintId: out[key]!.id, type, actor: 'feishu:ou_test', at: d(at)! } });
  }
  return out;
}
