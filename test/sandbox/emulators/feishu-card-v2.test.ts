/**
 * The Feishu emulator refuses what Feishu's card JSON 2.0 reference refuses, so a card Feishu would
 * reject fails the tests; and every card the product draws passes.
 */
import { describe, expect, it } from 'vitest';
import { cardV2Problems } from '../../../src/sandbox/emulators/feishu/card-v2.ts';
import { renderComplaintCard } from '../../../cards/complaint-card.ts';
import type { ComplaintView } from '../../../src/app/complaints/complaint-view.ts';
import type { Status } from '../../../src/domain/lifecycle.ts';

type Json = Record<string, any>;

const card = (elements: Json[], extra: Json = {}): Json => ({ schema: '2.0', header: { title: { tag: 'plain_text', content: 'T' } }, body: { elements }, ...extra });
const submit = { tag: 'button', name: 'go', form_action_type: 'submit', text: { tag: 'plain_text', content: 'Go' }, behaviors: [{ type: 'callback', value: { a: 1 } }] };
const form = (...elements: Json[]) => ({ tag: 'form', name: 'f', element_id: 'f', elements: [...elements, submit] });

describe('card JSON 2.0 in the Feishu emulator', () => {
  it('refuses an input whose max_length is outside 1–1,000', () => {
    expect(cardV2Problems(card([form({ tag: 'input', name: 'x', max_length: 2000 })])).join()).toMatch(/max_length 2000 must be an integer in 1–1000/);
    expect(cardV2Problems(card([form({ tag: 'input', name: 'x', max_length: 1000 })]))).toEqual([]);
  });
  it('refuses attributes the reference does not list (JSON 2.0 rejects them) and unknown tags', () => {
    expect(cardV2Problems(card([{ tag: 'markdown', content: 'x', lines: 2 }])).join()).toMatch(/unsupported attribute "lines"/);
    expect(cardV2Problems(card([{ tag: 'action', actions: [] }])).join()).toMatch(/unsupported tag "action"/);
    expect(cardV2Problems(card([{ tag: 'button', text: { tag: 'plain_text', content: 'x' }, value: { a: 1 } }])).join()).toMatch(/unsupported attribute "value"/);
  });
  it('checks element ids, form placement and names, enums', () => {
    expect(cardV2Problems(card([{ tag: 'hr', element_id: 'a_very_long_element_id_x' }])).join()).toMatch(/at most 20 characters/);
    expect(cardV2Problems(card([{ tag: 'hr', element_id: 'x' }, { tag: 'hr', element_id: 'x' }])).join()).toMatch(/used twice/);
    expect(cardV2Problems(card([{ tag: 'column_set', columns: [{ tag: 'column', elements: [form()] }] }])).join()).toMatch(/only sit at the root/);
    expect(cardV2Problems(card([form({ tag: 'input' })])).join()).toMatch(/needs a name/);
    expect(cardV2Problems(card([{ tag: 'form', name: 'f', elements: [] }])).join()).toMatch(/submit/);
    expect(cardV2Problems(card([{ tag: 'markdown', content: 'x', text_size: 'huge' }])).join()).toMatch(/text_size/);
    expect(cardV2Problems(card([], { config: { update_multi: false } })).join()).toMatch(/update_multi/);
  });
});

describe('every complaint card the product draws is one Feishu takes', () => {
  const at = new Date('2026-11-23T02:00:00Z');
  const base: ComplaintView = {
    id: 42, number: 'TS-20261123-0042', status: 'registered', severity: 'general', categoryId: 'service', categoryName: '服务态度', departmentId: 'cs', departmentName: '客服部',
    departmentChatId: 'oc_cs_group', description: 'x', customerName: 'Li Lei', maskedPhone: '138****5678', channel: 'telegram', registeredAt: at, acceptDueAt: at, firstReplyDueAt: at,
    firstReplyAt: null, resolveDueAt: at, hardLimitAt: at, handlerName: null, acceptedAt: null, resolution: null, resolvedAt: null, rejectReason: null, escalationTier: 0,
    deadlineExtended: false, pausedAt: null, timeline: [], earlierEvents: 0, timeZone: 'Asia/Shanghai', language: 'zh',
    options: { categories: [{ id: 'service', name: '服务态度' }], departments: [{ id: 'cs', name: '客服部' }, { id: 'tech', name: '技术部' }], causes: [{ id: 'staff', name: '人员' }], compensationKinds: [{ id: 'refund', name: '退款' }] },
    card: null,
  } as ComplaintView;
  const statuses: Status[] = ['registered', 'accepted', 'in_progress', 'waiting_customer', 'reopened', 'resolved', 'closed', 'rejected'];
  it.each(statuses)('%s', (status) => {
    expect(cardV2Problems(renderComplaintCard({ ...base, status }) as Json)).toEqual([]);
  });
});
