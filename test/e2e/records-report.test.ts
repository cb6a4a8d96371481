/**
 * Reports on demand (issue 10, item 4) end to end: `/report 2026-Q4`, `/report 2026`, `/report 2026-11`
 * in the managers' chat post the company's report card into the chat through the Feishu emulator (which
 * validates card JSON 2.0), with the hand-counted figures of test/jobs/report-fixtures.ts; a period not
 * ended is labelled "so far"; other chats, bad and future periods get a clear answer and no card.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, beforeAll } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { useHarness } from '../support/use-harness.ts';
import { harnessKinds, outboxSettled } from './staff-helpers.ts';
import { seedReportFixtures } from '../jobs/report-fixtures.ts';
import { sh } from '../jobs/support.ts';

const MANAGERS = 'oc_managers_group';
const MANAGER = 'ou_general_manager';
const CS_SUPERVISOR = 'ou_cs_supervisor';

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

type Json = Record<string, any>;
const textOf = (card: Json) => JSON.stringify(card).replace(/&#(\d{1,6});/g, (_, n: string) => String.fromCodePoint(Number(n)));

describe.each(harnessKinds())('reports on demand on $name', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started), { now: () => sh('2027-01-04 10:00') });

  async function say(chatId: string, openId: string, text: string) {
    const before = h.feishu.messagesIn(chatId).length;
    expect((await h.feishu.pushEvent('im.message.receive_v1', messageEvent(chatId, openId, text), { via: 'ws' })).status).toBe(200);
    await outboxSettled(h);
    const added = h.feishu.messagesIn(chatId).slice(before);
    return {
      texts: added.filter((m) => m.msgType === 'text').map((m) => m.text ?? ''),
      cards: added.filter((m) => m.msgType === 'interactive').map((m) => m.card as Json),
    };
  }

  let numbers: Record<string, { id: number; number: string }>;
  beforeAll(async () => {
    numbers = await seedReportFixtures(h.bot.ctx);
    await h.bot.ctx.db.complaintEvent.create({ data: { complaintId: numbers.c6!.id, type: 'appeal', actor: 'customer:1', at: sh('2026-11-25 09:00'), data: { reason: '不满意' } } });
  });

  it('/report 2026-Q4 posts the quarterly review card: figures, trend by month, breaches, appeals, appraisal', async () => {
    const { texts, cards } = await say(MANAGERS, MANAGER, '/report 2026-Q4');
    expect(texts).toEqual([]);
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(card.header.title.content).toBe('示例科技有限公司 投诉季度审查 2026-Q4');
    const text = textOf(card);
    expect(text).toContain('新增 **9**');
    expect(text).toContain('办结 **4**');
    expect(text).toContain('2026-11：新增 8，办结 4');
    expect(text).toContain('超过最长办理时限的投诉：4 件');
    expect(text).toContain(`${numbers.c8!.number} · 技术部`);
    expect(text).toContain(`申诉：1 件**\\n${numbers.c6!.number} · 运营部 · 2026-11-25 09:00`);
    expect(text).toContain('1. 加强出厂检验（产品缺陷）：1 件\\n2. 快递员培训（员工行为）：1 件');
    expect(text).toContain('王芳：受理 2 · 办结 2');
    expect(card.body.elements.find((e: Json) => e.tag === 'chart').chart_spec.type).toBe('bar');
  });

  it('/report 2026 is the annual report; /report 2026-11 the monthly one with its six-month trend', async () => {
    const year = await say(MANAGERS, MANAGER, '/report 2026');
    expect(year.cards[0]!.header.title.content).toBe('示例科技有限公司 投诉年度总结 2026');
    expect(textOf(year.cards[0]!)).toContain('2026-05：新增 1，办结 1');
    const month = await say(MANAGERS, MANAGER, '/report 2026-11');
    expect(month.cards[0]!.header.title.content).toBe('示例科技有限公司 投诉月度汇总 2026-11');
    const text = textOf(month.cards[0]!);
    expect(text).toContain('近 6 个月趋势');
    expect(text).toContain('新增 **8**');
  });

  it('a period not ended yet is reported so far, and labelled', async () => {
    const { cards } = await say(MANAGERS, MANAGER, '/report 2027-Q1');
    expect(cards[0]!.header.title.content).toBe('示例科技有限公司 投诉季度审查 2027-Q1');
    expect(textOf(cards[0]!)).toContain('本期尚未结束：以下为截至 2027-01-04 10:00 的数据');
  });

  it('answers clearly, posting no card: other chats, no period, bad periods, ranges of days, future periods', async () => {
    const answers = async (chat: string, who: string, text: string) => {
      const r = await say(chat, who, text);
      expect(r.cards).toEqual([]);
      return r.texts;
    };
    expect(await answers('oc_cs_group', CS_SUPERVISOR, '/report 2026-Q4')).toEqual(['报告只在管理层群里提供，请在管理层群里发送 /report。']);
    expect(await answers(MANAGERS, MANAGER, '/report')).toEqual(['用法：/report 2026-11（月度）、/report 2026-Q3（季度）或 /report 2026（年度）']);
    expect((await answers(MANAGERS, MANAGER, '/report 2026-Q5'))[0]).toContain('“2026-Q5”不是月份、季度或年份。');
    expect((await answers(MANAGERS, MANAGER, '/report 2026-11-01..2026-11-05'))[0]).toContain('不是月份、季度或年份');
    expect(await answers(MANAGERS, MANAGER, '/report 2027-Q2')).toEqual(['2027-Q2 尚未开始，还没有数据。']);
  });
});
