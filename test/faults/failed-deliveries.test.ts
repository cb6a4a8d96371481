/**
 * Failed deliveries are visible and recoverable (issue 9): a message that fails for good is reported once
 * into the operations chat (default: the managers' chat) with what failed and why; `/failed` there lists
 * failed messages and `/failed retry ID|all` puts them back in line.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

const MANAGER = 'ou_general_manager';

describe('failed deliveries', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.stop());

  const opsChat = () => h.bot.ctx.config.managersChatId!;
  const texts = () => h.feishu.messagesIn(opsChat()).filter((m) => m.msgType === 'text').map((m) => m.text ?? '');
  const say = async (text: string) => {
    const before = texts().length;
    const event = {
      sender: { sender_id: { open_id: MANAGER, union_id: 'on_test', user_id: 'u_test' }, sender_type: 'user', tenant_key: 'tenant' },
      message: { message_id: `om_${randomBytes(8).toString('hex')}`, root_id: '', parent_id: '', create_time: String(Date.now()), chat_id: opsChat(), chat_type: 'group', message_type: 'text', content: JSON.stringify({ text }), mentions: [] },
    };
    expect((await h.feishu.pushEvent('im.message.receive_v1', event, { via: 'ws' })).status).toBe(200);
    await vi.waitFor(() => expect(texts().length).toBeGreaterThan(before), { timeout: 10_000, interval: 50 });
    return texts().slice(before).join('\n');
  };

  it('reports a message that failed for good once, lists it, and retries it', async () => {
    const user = h.telegram.createUser({ first_name: 'Blocked', language_code: 'en' });
    h.telegram.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    h.telegram.sendText(user, '/help');
    await vi.waitFor(() => expect(texts().some((t) => t.includes(String(user.id)))).toBe(true), { timeout: 15_000, interval: 100 });
    const report = texts().find((t) => t.includes(String(user.id)))!;
    expect(report).toMatch(/彻底失败|failed for good/);
    expect(report).toMatch(/blocked/i);
    const row = await h.bot.ctx.db.outboxMessage.findFirstOrThrow({ where: { target: String(user.id) } });
    expect(row).toMatchObject({ status: 'failed' });
    expect(row.reportedAt).not.toBeNull();

    const list = await say('/failed');
    expect(list).toContain(`#${row.id} telegram/text → ${user.id}`);

    expect(await say(`/failed retry ${row.id}`)).toMatch(/1 条|1 message/);
    await vi.waitFor(async () => expect((await h.bot.ctx.db.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('sent'), { timeout: 10_000, interval: 50 });
    expect(h.telegram.messagesIn(user.id).map((m) => m.text).join('\n')).toMatch(/complaint service/);
    // reported once: one report line for this message
    expect(texts().filter((t) => t.includes(`#${row.id}（`) || t.includes(`#${row.id} (`)).length).toBe(1);
    expect(await say('/failed')).toMatch(/没有发送失败|No failed messages/);
  }, 60_000);
});
