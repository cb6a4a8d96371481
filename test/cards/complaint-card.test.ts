/**
 * The card as a pure function of the complaint's view: what each status offers, outdated cards,
 * Feishu's structural rules (forms at the root, unique field names, under 30 KB), and button values
 * that parse back into the action they stand for.
 */
import { describe, expect, it } from 'vitest';
import { renderComplaintCard } from '../../cards/complaint-card.ts';
import { renderLarkMarkdown } from '../../src/sandbox/emulators/feishu/markdown.ts';
import { parseCardAction, cardValue, CARD_ACTIONS } from '../../cards/actions.ts';
import type { ComplaintView } from '../../src/app/complaints/complaint-view.ts';
import type { Status } from '../../src/domain/lifecycle.ts';
import { REJECT_REASONS } from '../../src/app/staff/staff-input.ts';

type Json = Record<string, any>;

function view(over: Partial<ComplaintView> = {}): ComplaintView {
  const at = new Date('2026-11-23T02:00:00Z');
  return {
    id: 42,
    number: 'TS-20261123-0042',
    status: 'registered',
    severity: 'general',
    categoryId: 'service',
    categoryName: '服务态度',
    departmentId: 'cs',
    departmentName: '客服部',
    departmentChatId: 'oc_cs_group',
    description: 'The courier was rude.',
    customerName: 'Li Lei',
    maskedPhone: '138****5678',
    channel: 'telegram',
    registeredAt: at,
    acceptDueAt: new Date('2026-11-23T04:00:00Z'),
    firstReplyDueAt: new Date('2026-11-26T03:30:00Z'),
    firstReplyAt: null,
    resolveDueAt: new Date('2026-11-26T03:30:00Z'),
    hardLimitAt: new Date('2026-12-14T10:00:00Z'),
    handlerName: null,
    acceptedAt: null,
    resolution: null,
    resolvedAt: null,
    rejectReason: null,
    escalationTier: 0,
    deadlineExtended: false,
    pausedAt: null,
    timeline: [{ type: 'registered', actorName: 'Li Lei', at, data: {} }],
    earlierEvents: 0,
    timeZone: 'Asia/Shanghai',
    language: 'zh',
    options: {
      categories: [
        { id: 'service', name: '服务态度' },
        { id: 'quality', name: '产品质量' },
      ],
      departments: [
        { id: 'cs', name: '客服部' },
        { id: 'tech', name: '技术部' },
      ],
    },
    card: null,
    ...over,
  };
}

function all(card: Json): Json[] {
  const out: Json[] = [];
  const walk = (list: unknown, depth: number) => {
    if (!Array.isArray(list)) return;
    for (const e of list as Json[]) {
      out.push({ ...e, depth });
      walk(e.elements, depth + 1);
      walk(e.columns, depth + 1);
    }
  };
  walk(card.body.elements, 0);
  return out;
}
const ids = (card: Json) => all(card).map((e) => e.element_id).filter(Boolean);
const buttons = (card: Json) => all(card).filter((e) => e.tag === 'button').map((e) => e.element_id);

describe('complaint card', () => {
  it.each<[Status, Partial<ComplaintView>, string[]]>([
    ['registered', {}, ['accept', 'reveal', 'note', 'transfer', 'escalate', 'classify', 'reject']],
    ['accepted', { handlerName: '王芳', acceptedAt: new Date() }, ['reveal', 'resolve', 'reply', 'ask', 'note', 'transfer', 'escalate', 'classify', 'extend']],
    ['waiting_customer', { pausedAt: new Date() }, ['reveal', 'resolve', 'reply', 'ask', 'note', 'escalate', 'classify', 'extend']],
    ['resolved', { resolution: 'Refunded.' }, ['reveal', 'note', 'reopen']],
    ['closed', {}, ['reveal', 'note', 'reopen']],
    ['rejected', { rejectReason: 'in_court' }, ['note']],
  ])('a %s complaint offers exactly the actions its status allows', (status, over, expected) => {
    expect(buttons(renderComplaintCard(view({ status, ...over })))).toEqual(expected);
  });

  it('keeps the resolve form first with its button directly inside, and forms only at the root', () => {
    const card = renderComplaintCard(view({ status: 'accepted' })) as Json;
    const forms = all(card).filter((e) => e.tag === 'form');
    expect(forms.every((f) => f.depth === 0)).toBe(true);
    expect(forms[0]!.element_id).toBe('resolve_form');
    expect(forms[0]!.elements.find((e: Json) => e.element_id === 'resolve')).toBeDefined();
    // every input and select lives in a form, and every field name is unique in the card
    const fields = all(card).filter((e) => e.tag === 'input' || e.tag === 'select_static');
    expect(fields.every((f) => f.depth >= 1)).toBe(true);
    const names = fields.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(ids(card)).size).toBe(ids(card).length);
    // Feishu: element ids start with a letter, hold letters, digits and _, at most 20 characters
    for (const status of ['registered', 'accepted', 'resolved'] as Status[]) for (const id of ids(renderComplaintCard(view({ status })))) expect(id).toMatch(/^[a-zA-Z][a-zA-Z0-9_]{0,19}$/);
  });

  it('offers the reasons, departments and choices, with the current classification selected', () => {
    const card = renderComplaintCard(view()) as Json;
    const select = (name: string) => all(card).find((e) => e.name === name)!;
    expect(select('reject_reason').options.map((o: Json) => o.value)).toEqual([...REJECT_REASONS]);
    expect(select('department').options.map((o: Json) => o.value)).toEqual(['tech']);
    expect(select('category').initial_option).toBe('service');
    expect(select('severity').initial_option).toBe('general');
  });

  it('shows deadlines, the extension, the pause and the escalation tier; the escalate button carries the tier shown', () => {
    const text = JSON.stringify(renderComplaintCard(view({ status: 'waiting_customer', deadlineExtended: true, pausedAt: new Date('2026-11-23T03:00:00Z'), escalationTier: 1 })));
    expect(text).toContain('2026-11-26 11:30（已延期）');
    expect(text).toContain('自 2026-11-23 11:00 起计时暂停');
    expect(text).toContain('已升级至**：主管');
    const card = renderComplaintCard(view({ escalationTier: 1 })) as Json;
    expect(all(card).find((e) => e.element_id === 'escalate')!.behaviors[0].value).toEqual({ v: 1, a: 'escalate', c: 42, t: 1 });
    expect(buttons(renderComplaintCard(view({ escalationTier: 2 })))).not.toContain('escalate');
    expect(buttons(renderComplaintCard(view({ status: 'accepted', deadlineExtended: true })))).not.toContain('extend');
  });

  it('draws an outdated card without any action, saying where the complaint is now', () => {
    const moved = renderComplaintCard(view({ departmentName: '技术部', departmentChatId: 'oc_tech_group', card: { id: 1, chatId: 'oc_cs_group', active: false } })) as Json;
    expect(buttons(moved)).toEqual([]);
    expect(all(moved).some((e) => e.tag === 'form')).toBe(false);
    expect(JSON.stringify(moved)).toContain('投诉现由**技术部**处理');
    expect(moved.header.template).toBe('grey');
    const superseded = renderComplaintCard(view({ card: { id: 1, chatId: 'oc_cs_group', active: false } }));
    expect(JSON.stringify(superseded)).toContain('请使用为这条投诉最新发出的卡片');
    expect(buttons(renderComplaintCard(view({ card: { id: 2, chatId: 'oc_cs_group', active: true } })))).toContain('accept');
  });

  it('names every event in the timeline with who and when, and escapes what people typed', () => {
    const at = new Date('2026-11-23T03:00:00Z');
    const card = renderComplaintCard(
      view({
        description: '**bold** <at user_id="ou_x"></at> [link](http://x)',
        timeline: [
          { type: 'accept', actorName: '王芳', at, data: {} },
          { type: 'transfer', actorName: '王芳', at, data: { toName: '技术部', reason: 'router' } },
          { type: 'reply_customer', actorName: '王芳', at, data: { text: 'x'.repeat(100) } },
          { type: 'something_new', actorName: null, at, data: {} },
        ],
        earlierEvents: 3,
      }),
    ) as Json;
    const timeline = all(card).find((e) => e.element_id === 'timeline')!.content as string;
    expect(timeline).toContain('2026-11-23 11:00 王芳 受理');
    expect(timeline).toContain('王芳 转派 → 技术部：router');
    expect(timeline).toContain(`王芳 回复客户 👁 客户可见：${'x'.repeat(60)}…`);
    expect(renderLarkMarkdown(timeline).text).toContain('系统 something_new');
    expect(timeline).toContain('更早的 3 条记录');
    const description = all(card).find((e) => e.element_id === 'description')!.content as string;
    const shown = renderLarkMarkdown(description);
    expect(shown.text).toContain('**bold** <at user_id="ou_x"></at> [link](http://x)'); // exactly as typed
    expect([shown.mentions, shown.links]).toEqual([[], []]); // and inert
  });

  it('shows what the customer asked for: about whom, the request, when, where, and the reply time', () => {
    const card = renderComplaintCard(
      view({ request: { subject: 'SF courier', desiredOutcome: 'Deliver the missing cup', occurredAt: '2026-11-22', address: '99 Century Ave', requestedReplyBy: '2026-11-26 10:00' } }),
    ) as Json;
    const request = renderLarkMarkdown(all(card).find((e) => e.element_id === 'request')!.content as string).text;
    for (const part of ['被投诉对象：SF courier', '诉求：Deliver the missing cup', '发生时间：2026-11-22', '地址：99 Century Ave', '要求答复时间：2026-11-26 10:00']) expect(request).toContain(part);
  });

  it('stays under Feishu’s 30 KB with the longest texts allowed', () => {
    const long = '长'.repeat(2000);
    const timeline = Array.from({ length: 15 }, (_, i) => ({ type: i % 2 ? 'reply_customer' : 'customer_message', actorName: '名'.repeat(40), at: new Date(), data: { text: long } }));
    const card = renderComplaintCard(view({ status: 'accepted', description: long, resolution: long, customerName: '客'.repeat(64), timeline, earlierEvents: 500 }));
    expect(Buffer.byteLength(JSON.stringify(card), 'utf8')).toBeLessThan(30 * 1024);
  });

  it('every button value parses back into its action for this complaint', () => {
    for (const status of ['registered', 'accepted', 'resolved'] as Status[]) {
      const card = renderComplaintCard(view({ status })) as Json;
      for (const b of all(card).filter((e) => e.tag === 'button')) {
        const parsed = parseCardAction(b.behaviors[0].value, {});
        expect(parsed).toMatchObject({ ok: true, complaintId: 42 });
      }
    }
  });
});

describe('card action values', () => {
  it.each(CARD_ACTIONS.map((a) => [a]))('%s round-trips', (a) => {
    const parsed = parseCardAction(cardValue(a, 7, { t: 1, k: 3, n: 'ab'.repeat(12) }), {});
    expect(parsed.ok).toBe(true);
  });

  it('turns forms into typed actions; missing or non-text fields become empty text', () => {
    expect(parseCardAction(cardValue('transfer', 7), { department: 'tech', route_reason: 'why' })).toEqual({ ok: true, complaintId: 7, action: { kind: 'transfer', department: 'tech', reason: 'why' } });
    expect(parseCardAction(cardValue('escalate', 7, { t: 1 }), { route_reason: 'r' })).toEqual({ ok: true, complaintId: 7, action: { kind: 'escalate', reason: 'r', fromTier: 1 } });
    expect(parseCardAction(cardValue('reply', 7), { reply_text: ['x'] })).toEqual({ ok: true, complaintId: 7, action: { kind: 'reply', text: '' } });
    // each audience reads its own box only; the old shared box is answered as such, never sent
    expect(parseCardAction(cardValue('note', 7), { note_text: 'n', reply_text: 'r' })).toEqual({ ok: true, complaintId: 7, action: { kind: 'note', text: 'n' } });
    expect(parseCardAction(cardValue('reply', 7), { message: 'm' })).toEqual({ ok: true, complaintId: 7, action: { kind: 'legacy_message_form', intended: 'reply' } });
    expect(parseCardAction(cardValue('reject', 7), undefined)).toEqual({ ok: true, complaintId: 7, action: { kind: 'reject', reason: '', note: '' } });
  });

  it.each([
    ['nothing', undefined, undefined],
    ['a string', 'accept', undefined],
    ['no version', { a: 'accept', c: 1 }, undefined],
    ['a negative id', { v: 1, a: 'accept', c: -1 }, undefined],
    ['a fractional id', { v: 1, a: 'accept', c: 1.5 }, undefined],
    ['an id past 32 bits', { v: 1, a: 'accept', c: 2 ** 31 }, undefined],
    ['an escalate without its tier', { v: 1, a: 'escalate', c: 1 }, undefined],
    ['a tier on another action', { v: 1, a: 'accept', c: 1, t: 0 }, undefined],
    ['a form that is an array', { v: 1, a: 'note', c: 1 }, ['x']],
    ['a form that is null', { v: 1, a: 'note', c: 1 }, null],
  ])('refuses %s', (_name, value, form) => {
    expect(parseCardAction(value, form).ok).toBe(false);
  });
});
