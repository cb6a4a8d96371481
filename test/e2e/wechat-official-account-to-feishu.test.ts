/**
 * End to end over the official account in safe mode: a follower files a complaint with encrypted pushes,
 * answering numbered questions; the card reaches the department's Feishu group; staff accept and resolve
 * from the card; the resolution and the rating request arrive as template messages (outside the 48-hour
 * window), and the customer rates by replying with a number. PGlite, and PostgreSQL when configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWechatHarness, eventually, type WechatHarness } from '../support/wechat.ts';
import type { EmulatedUser } from '../../src/sandbox/emulators/wechat/index.ts';
import type { TextButton } from '../../src/app/shared/outbox.ts';
import { t } from '../../src/i18n/index.ts';
import { harnessKinds } from '../support/harness.ts';

const kinds = harnessKinds();

function findElement(node: unknown, id: string): { behaviors: { value: Record<string, unknown> }[] } | undefined {
  if (!node || typeof node !== 'object') return undefined;
  if ((node as { element_id?: string }).element_id === id) return node as never;
  for (const child of Object.values(node)) {
    const hit = findElement(child, id);
    if (hit) return hit;
  }
  return undefined;
}

describe.each(kinds)('WeChat official account → Feishu → WeChat on $name', (kind) => {
  let h: WechatHarness;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const setup = await kind.setup();
    cleanup = setup.cleanup;
    h = await startWechatHarness({
      databaseUrl: setup.databaseUrl,
      safeMode: true,
      feishu: true,
      templates: ['tpl_resolved', 'tpl_rate'],
      config: (base) => ({ ...base, wechat: { templates: { resolution: 'tpl_resolved', rating: { id: 'tpl_rate', data: { first: '{title}', keyword1: '{number}', remark: '{options}' } } } } }),
    });
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup?.();
  });

  async function buttonsOf(openId: string): Promise<TextButton[]> {
    const c = await h.bot.ctx.db.customer.findUnique({ where: { platform_platformUserId: { platform: 'wechat', platformUserId: openId } } });
    return (c?.lastButtons as TextButton[] | null) ?? [];
  }

  async function fileComplaint(user: EmulatedUser, description: string, seen: string[] = []): Promise<string> {
    expect((await user.say('我要投诉')).status).toBe(200);
    let text = (await user.nextMessage()).text!;
    seen.push(text);
    expect(text).toMatch(/\n1\. 产品质量\n/);
    for (let turn = 0; turn < 20; turn++) {
      const number = /TS-\d{8}-\d{4}/.exec(text)?.[0];
      if (number) return number;
      const buttons = await buttonsOf(user.openId);
      const choice = (data: string) => buttons.findIndex((b) => b.data === data) + 1;
      let answer: string;
      if (choice('cat:network')) answer = String(choice('cat:network'));
      else if (text.includes(t('zh', 'customer.askPhone', {}, 'wechat'))) answer = '13912345678';
      else if (choice('confirm')) answer = String(choice('confirm'));
      else if (choice('done')) answer = String(choice('done'));
      else if (choice('skip')) answer = String(choice('skip'));
      else answer = description;
      expect((await user.say(answer)).status).toBe(200);
      text = (await user.nextMessage()).text!;
      seen.push(text);
    }
    throw new Error(`no complaint number after 20 turns; last message: ${text}`);
  }

  it('speaks WeChat: no buttons to press, no slash commands, no "1–1" range; the words it names work', async () => {
    const user = h.wechat.user();
    const seen: string[] = [];
    await fileComplaint(user, '路由器指示灯一直闪红灯，重启也没有用。', seen);
    expect((await user.say('我的投诉')).status).toBe(200);
    seen.push((await user.nextMessage()).text!);
    expect((await user.say('hello')).status).toBe(200);
    seen.push((await user.nextMessage()).text!);
    for (const text of seen) {
      expect(text).not.toMatch(/(^|[\s（(“"，,；;：:])\/[a-z]+/i);
      expect(text).not.toMatch(/点“|点击|按钮/);
      expect(text).not.toMatch(/1–1(?!\d)/);
    }
    expect(seen.join('\n')).toContain('回复“完成”');
  });

  it('files, accepts, resolves and rates a complaint; notices outside the window go as templates', async () => {
    const user = h.wechat.user();
    const number = await fileComplaint(user, '宽带每天晚上八点以后就断线，已经一个星期了。');
    const sent = await h.feishu!.waitForCall((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages' && JSON.stringify(c.body).includes(number), 5000);
    const messageId = (sent.response as { data: { message_id: string } }).data.message_id;
    const card = () => h.feishu!.message(messageId).card;
    expect(h.feishu!.message(messageId).chatId).toBe('oc_tech_group');
    // Typed text (the name holds the open id's tail, which may hold `_` or `-`) is shown through Feishu's markdown entity escapes.
    const shown = JSON.stringify(card()).replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    for (const part of [number, '网络技术', '宽带每天晚上八点以后就断线', '139****5678', '微信', `微信用户 ${user.openId.slice(-4)}`]) expect(shown).toContain(part);

    const accept = findElement(card(), 'accept')!.behaviors[0]!.value;
    expect((await h.feishu!.clickButton({ messageId, operator: { open_id: 'ou_tech_agent_1' }, value: accept as never })).toast?.type).toBe('success');
    const accepted = await user.nextMessage();
    expect(accepted).toMatchObject({ kind: 'custom' });
    expect(accepted.text).toContain(number);

    // Two days later the window is closed: the resolution and the rating request still reach the customer.
    h.clock.advance(49 * 3_600_000);
    const resolve = findElement(card(), 'resolve')!.behaviors[0]!.value;
    const done = await h.feishu!.clickButton({ messageId, operator: { open_id: 'ou_tech_agent_1' }, value: resolve as never, formValue: { resolution: '已更换光猫，线路恢复正常。' } });
    expect(done.toast?.type).toBe('success');
    const resolution = await user.nextMessage();
    expect(resolution).toMatchObject({ kind: 'template', templateId: 'tpl_resolved', data: { keyword1: number } });
    expect(resolution.data!.remark).toContain('已更换光猫，线路恢复正常。');
    const rating = await user.nextMessage();
    expect(rating).toMatchObject({ kind: 'template', templateId: 'tpl_rate', data: { keyword1: number } });
    expect(rating.data!.remark).toMatch(/^1\. .*\n2\. .*\n3\. .*\n4\. .*\n5\. /);
    expect(h.wechat.calls.filter((c) => c.path === '/cgi-bin/message/custom/send' && c.response.errcode !== 0)).toEqual([]);

    // The customer answers the rating by its number: the window opens again and the rating is recorded.
    expect((await user.say('5')).status).toBe(200);
    const rated = await eventually(async () => {
      const c = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number } });
      return c.rating === 5 ? c : undefined;
    }, 'the rating stored');
    expect(rated.rating).toBe(5);
    const thanks = await user.nextMessage();
    expect(thanks.kind).toBe('custom');
  });
});
