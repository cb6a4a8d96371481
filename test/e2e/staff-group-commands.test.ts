/**
 * Commands typed in Feishu groups (`im.message.receive_v1`), over the long connection and over HTTP,
 * and the 14-day limit on updating cards.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, ENCRYPT_KEY, VERIFICATION_TOKEN, type Harness } from '../support/harness.ts';
import { postRaw } from '../../src/sandbox/emulators/feishu/index.ts';
import { FEISHU_CALLBACK_PATH } from '../../src/bootstrap.ts';
import { enqueueCardRefresh } from '../../src/app/shared/outbox.ts';
import { formatLocalTime } from '../../src/app/shared/format.ts';
import { cardMessageId, cardText, click, fileFor, harnessKinds, outboxSettled } from './staff-helpers.ts';
import { useHarness } from '../support/use-harness.ts';

const AGENT_1 = 'ou_cs_agent_1';
const QA_AGENT = 'ou_qa_agent_1';
const MANAGER = 'ou_general_manager';
const DAY = 24 * 3600_000;

function messageEvent(chatId: string, openId: string, text: string, opts: { messageId?: string; chatType?: string; messageType?: string } = {}) {
  return {
    sender: { sender_id: { open_id: openId, union_id: 'on_test', user_id: 'u_test' }, sender_type: 'user', tenant_key: 'tenant' },
    message: {
      message_id: opts.messageId ?? `om_${randomBytes(8).toString('hex')}`,
      root_id: '',
      parent_id: '',
      create_time: String(Date.now()),
      chat_id: chatId,
      chat_type: opts.chatType ?? 'group',
      message_type: opts.messageType ?? 'text',
      content: JSON.stringify({ text }),
      mentions: text.includes('@_user_1') ? [{ key: '@_user_1', id: { open_id: 'ou_the_bot' }, name: 'complaint-bot', tenant_key: 'tenant' }] : [],
    },
  };
}

/** Sends a message to the bot and returns the bot's texts in that chat that arrived because of it. */
async function say(h: Harness, chatId: string, openId: string, text: string, opts: { via?: 'ws' | 'http'; messageId?: string } = {}): Promise<string[]> {
  const before = h.feishu.messagesIn(chatId).length;
  const result = await h.feishu.pushEvent('im.message.receive_v1', messageEvent(chatId, openId, text, opts), { via: opts.via ?? 'ws' });
  expect(result.status).toBe(200);
  await outboxSettled(h);
  return h.feishu
    .messagesIn(chatId)
    .slice(before)
    .filter((m) => m.msgType === 'text')
    .map((m) => m.text ?? '');
}

describe.each(harnessKinds())('group commands on $name', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));
  const db = () => h.bot.ctx.db;

  it('/find posts a fresh card in the group; the previous card says it is outdated and the new one works', async () => {
    const f = await fileFor(h);
    const posted = h.feishu.messagesIn('oc_cs_group').length;
    expect(await say(h, 'oc_cs_group', AGENT_1, `@_user_1 /find ${f.number.toLowerCase()}`)).toEqual([]);
    const fresh = await cardMessageId(h, f.complaint.id, 'oc_cs_group', [f.messageId]);
    expect(h.feishu.messagesIn('oc_cs_group').length).toBe(posted + 1);
    expect(cardText(h, fresh)).toContain(f.number);
    expect(cardText(h, f.messageId)).toContain('此卡片已过期');
    expect((await click(h, fresh, AGENT_1, 'accept')).toast?.type).toBe('success');
  });

  it('/find answers what it cannot do: another department, unknown numbers, no number', async () => {
    const ops = await fileFor(h, { category: 'billing' });
    // someone who may see it, in another department's group: told where it is (no card there)
    expect(await say(h, 'oc_cs_group', MANAGER, `/find ${ops.number}`)).toEqual([`${ops.number} 由运营部处理，请在该部门群里查看。`]);
    // someone who may not: the same answer as for a number that does not exist
    expect(await say(h, 'oc_cs_group', AGENT_1, `/find ${ops.number}`)).toEqual([`找不到投诉 ${ops.number}，或您无权查看。`]);
    expect(await say(h, 'oc_ops_group', AGENT_1, `/find ${ops.number}`)).toEqual([`找不到投诉 ${ops.number}，或您无权查看。`]);
    expect(await say(h, 'oc_cs_group', AGENT_1, '/find TS-20990101-9999')).toEqual(['找不到投诉 TS-20990101-9999，或您无权查看。']);
    expect(await say(h, 'oc_cs_group', AGENT_1, '/find')).toEqual(['用法：/find TS-20261122-0007']);
    // a manager may open it from the managers' chat
    expect(await say(h, 'oc_managers_group', MANAGER, `/find ${ops.number}`)).toEqual([]);
    await cardMessageId(h, ops.complaint.id, 'oc_managers_group');
  });

  it('/digest posts the weekly digest card into the managers\' chat, for any past week; others are told it is for managers', async () => {
    await fileFor(h, { category: 'billing' });
    const cards = () => h.feishu.messagesIn('oc_managers_group').filter((m) => m.msgType === 'interactive' && JSON.stringify(m.card).includes('chart'));
    const before = cards().length;
    expect(await say(h, 'oc_managers_group', MANAGER, '/digest')).toEqual([]);
    expect(cards()).toHaveLength(before + 1);
    expect(await say(h, 'oc_managers_group', MANAGER, '/digest 2026-W40')).toEqual([]);
    expect(cards()).toHaveLength(before + 2);
    expect(JSON.stringify(cards().at(-1)!.card)).toContain('2026-09-28');
    expect(await say(h, 'oc_managers_group', MANAGER, '/digest next-tuesday')).toEqual(['无法识别的周：请写成 /digest 或 /digest 2026-W47']);
    expect(await say(h, 'oc_cs_group', AGENT_1, '/digest')).toEqual(['周报只能由管理层查看：请在管理层群里发送 /digest。']);
  });

  it('/open lists this department’s open complaints with their deadlines; managers see every department', async () => {
    const cs = await fileFor(h, { description: 'Open list test (cs)' });
    const tech = await fileFor(h, { category: 'network', description: 'Open list test (tech)' });
    const [list] = await say(h, 'oc_cs_group', AGENT_1, '/open');
    expect(list).toMatch(/^📋 客服部：未结投诉 \d+ 件/);
    const line = list!.split('\n').find((l) => l.startsWith(cs.number))!;
    expect(line).toContain(`受理时限 ${formatLocalTime(cs.complaint.acceptDueAt, h.bot.ctx.calendar.timeZone)}`);
    expect(list).not.toContain(tech.number);
    const [all] = await say(h, 'oc_managers_group', MANAGER, '/open all');
    expect(all).toContain(cs.number);
    expect(all).toContain(tech.number);
    expect(all).toContain('技术部');
    // an agent asking in another department's group is refused
    expect(await say(h, 'oc_tech_group', AGENT_1, '/open')).toEqual(['您不属于技术部，不能查看该部门的投诉。']);
  });

  it('/overdue lists only what is past its deadline', async () => {
    const late = await fileFor(h, { description: 'Overdue test: late' });
    const fine = await fileFor(h, { description: 'Overdue test: fine' });
    await db().complaint.update({ where: { id: late.complaint.id }, data: { acceptDueAt: new Date(Date.now() - 3600_000) } });
    const [list] = await say(h, 'oc_cs_group', AGENT_1, '/overdue');
    expect(list).toMatch(/^⏰ 客服部：已超时投诉 \d+ 件/);
    expect(list).toContain(late.number);
    expect(list).toContain('（已超时）');
    expect(list).not.toContain(fine.number);
  });

  it('/stats gives this week’s figures for the department', async () => {
    const a = await fileFor(h, { category: 'quality', description: 'Stats test A' });
    await fileFor(h, { category: 'quality', description: 'Stats test B' });
    await click(h, a.messageId, QA_AGENT, 'accept');
    await click(h, a.messageId, QA_AGENT, 'resolve', { resolution: 'Replaced the unit.' });
    const [stats] = await say(h, 'oc_qa_group', QA_AGENT, '/stats');
    expect(stats).toContain('📊 质检部 本周');
    expect(stats).toContain('新登记 2 · 受理 1 · 办结 1（按时 100%）· 不予受理 0 · 重新打开 0');
    expect(stats).toContain('当前未结 1 · 已超时 0');
  });

  it('ignores chatter, answers unknown commands with the help, strangers and unlinked chats with why, and a redelivered message once', async () => {
    expect(await say(h, 'oc_cs_group', AGENT_1, 'lunch at noon, anyone?')).toEqual([]);
    const [help] = await say(h, 'oc_cs_group', AGENT_1, '/frobnicate');
    expect(help).toContain('/find');
    expect(help).toContain('/overdue');
    expect(await say(h, 'oc_cs_group', 'ou_not_staff', '/open')).toEqual(['您不在配置的员工名单中，不能使用指令。']);
    expect(await say(h, 'oc_random_group', AGENT_1, '/open')).toEqual(['这个群没有对应的部门；请在部门群或管理层群里使用指令。']);
    const messageId = `om_${randomBytes(8).toString('hex')}`;
    expect(await say(h, 'oc_cs_group', AGENT_1, '/help', { messageId })).toHaveLength(1);
    expect(await say(h, 'oc_cs_group', AGENT_1, '/help', { messageId })).toHaveLength(0);
    // a message that is not text (an image) or not from a person is ignored without an error
    const image = await h.feishu.pushEvent('im.message.receive_v1', { ...messageEvent('oc_cs_group', AGENT_1, '/help', { messageType: 'image' }) });
    expect(image.status).toBe(200);
    const garbage = await h.feishu.pushEvent('im.message.receive_v1', { message: 'nonsense' });
    expect(garbage.status).toBe(200);
  });

  it('a card older than 14 days is not updated: acting on the complaint posts a fresh card instead', async () => {
    const f = await fileFor(h);
    await db().cardMessage.updateMany({ where: { complaintId: f.complaint.id }, data: { createdAt: new Date(Date.now() - 15 * DAY) } });
    const answer = await click(h, f.messageId, AGENT_1, 'accept');
    expect(answer.toast?.type).toBe('success');
    const fresh = await cardMessageId(h, f.complaint.id, 'oc_cs_group', [f.messageId]);
    expect(cardText(h, fresh)).toContain('王芳');
    const patches = h.feishu.callsTo({ method: 'PATCH', path: `/open-apis/im/v1/messages/${f.messageId}` });
    expect(patches).toHaveLength(0);
  });

  it('when Feishu refuses to update a card because it is too old, the sender posts a fresh one', async () => {
    const f = await fileFor(h);
    const stored = (h.feishu as unknown as { store: { getRaw(id: string): { createTime: number } } }).store.getRaw(f.messageId);
    stored.createTime -= 15 * DAY;
    await db().$transaction((tx) => enqueueCardRefresh(tx, f.complaint.id, new Date()));
    h.bot.ctx.outboxChanged();
    const fresh = await cardMessageId(h, f.complaint.id, 'oc_cs_group', [f.messageId]);
    expect(fresh).not.toBe(f.messageId);
    await outboxSettled(h);
    expect(await db().outboxMessage.count({ where: { complaintId: f.complaint.id, status: 'failed' } })).toBe(0);
  });
});

describe('group commands over HTTP callbacks', () => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await startHarness({ env: { FEISHU_EVENT_MODE: 'http', FEISHU_ENCRYPT_KEY: ENCRYPT_KEY, FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN } });
    url = `http://127.0.0.1:${h.bot.port}${FEISHU_CALLBACK_PATH}`;
    h.feishu.setCallbackUrl(url);
  });
  afterAll(async () => h?.stop());

  it('answers a signed message event, and refuses an unsigned one without acting', async () => {
    const f = await fileFor(h);
    const [list] = await say(h, 'oc_cs_group', AGENT_1, '/open', { via: 'http' });
    expect(list).toContain(f.number);
    const before = h.feishu.messagesIn('oc_cs_group').length;
    const forged = await postRaw(url, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(h.feishu.buildEvent('im.message.receive_v1', messageEvent('oc_cs_group', AGENT_1, '/open'))),
    });
    expect(forged.status).toBe(401);
    await outboxSettled(h);
    expect(h.feishu.messagesIn('oc_cs_group').length).toBe(before);
  });
});
