/**
 * The sandbox's card renderer over every card the product builds: the complaint card in every status
 * (and an outdated one), the weekly digest, the monthly summary and the unfinished ledger (built from the
 * report fixtures on a real database). Each is checked against its own JSON: header colour and tags,
 * every element drawn, every button carrying its callback value, every form field, markdown turned into
 * markup (no stray `**`), the chart drawn as SVG, and well-formed HTML.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCard, renderMarkdown, renderText, escapeHtml } from '../../src/sandbox/page/card-renderer.js';
import { renderChart } from '../../src/sandbox/page/chart.js';
import { renderComplaintCard } from '../../cards/complaint-card.ts';
import { renderDigestCard } from '../../cards/digest-card.ts';
import { renderLedgerCard, renderSummaryCard } from '../../cards/summary-card.ts';
import type { ComplaintView } from '../../src/app/complaints/complaint-view.ts';
import type { Status } from '../../src/domain/lifecycle.ts';
import { testDatabases } from '../support/databases.ts';
import { testContext, TestClock } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { buildWeeklyDigest } from '../../src/app/reports/send-weekly-digest.ts';
import { buildMonthlySummaries } from '../../src/app/reports/send-monthly-summary.ts';
import { buildUnfinishedLedgers } from '../../src/app/reports/send-unfinished-ledger.ts';
import { seedReportFixtures } from '../jobs/report-fixtures.ts';
import { sh } from '../jobs/support.ts';

type Json = Record<string, any>;

const STATUSES: Status[] = ['registered', 'accepted', 'in_progress', 'waiting_customer', 'reopened', 'resolved', 'closed', 'rejected'];

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
    description: 'The courier said *never again* and threw the box <b>hard</b> [sic]',
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

function viewIn(status: Status): ComplaintView {
  const at = new Date('2026-11-23T03:00:00Z');
  const handled = status !== 'registered';
  return view({
    status,
    ...(handled ? { handlerName: '王芳', acceptedAt: at, timeline: [{ type: 'registered', actorName: 'Li Lei', at, data: {} }, { type: 'accept', actorName: '王芳', at, data: {} }] } : {}),
    ...(status === 'resolved' || status === 'closed' ? { resolution: 'Refunded *in full* <now>', resolvedAt: at } : {}),
    ...(status === 'rejected' ? { rejectReason: 'out_of_scope' } : {}),
    ...(status === 'waiting_customer' ? { pausedAt: at } : {}),
    ...(status === 'reopened' ? { escalationTier: 1 } : {}),
  });
}

function elements(card: Json): Json[] {
  const out: Json[] = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const e of list as Json[]) {
      out.push(e);
      walk(e.elements);
      walk(e.columns);
    }
  };
  walk(card.body?.elements);
  return out;
}

const VOID = new Set(['br', 'hr', 'input', 'img', 'rect', 'line', 'circle', 'polyline']);

/** Every opened tag is closed in order (SVG shapes written self-closing or closed). */
function expectWellFormed(html: string): void {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, tag, selfClosing] = m;
    if (closing) {
      if (stack.at(-1) === tag) stack.pop();
      else if (!VOID.has(tag!)) throw new Error(`</${tag}> closes <${stack.at(-1)}> in ${html.slice(Math.max(0, m.index! - 80), m.index! + 20)}`);
    } else if (!selfClosing && !VOID.has(tag!)) stack.push(tag!);
  }
  expect(stack).toEqual([]);
}

/** The rendering shows what the JSON says. */
function expectFaithful(card: Json, html: string): void {
  expectWellFormed(html);
  expect(html).toContain(`data-template="${card.header.template}"`);
  expect(html).toContain(escapeHtml(card.header.title.content));
  for (const tag of card.header.text_tag_list ?? []) expect(html).toContain(`tag-${tag.color}`);
  for (const e of elements(card)) {
    if (e.element_id) expect(html, `element ${e.element_id}`).toContain(`data-element-id="${e.element_id}"`);
    if (e.tag === 'button') {
      const value = e.behaviors.find((b: Json) => b.type === 'callback').value;
      expect(html).toContain(`data-value="${escapeHtml(JSON.stringify(value))}"`);
      expect(html).toContain(`>${escapeHtml(e.text.content)}</button>`);
    }
    if (e.tag === 'input') expect(html).toMatch(new RegExp(`<(input|textarea) class="input" name="${e.name}"`));
    if (e.tag === 'select_static') {
      expect(html).toContain(`<select class="select" name="${e.name}"`);
      for (const o of e.options) expect(html).toContain(`value="${escapeHtml(o.value)}"`);
    }
    if (e.tag === 'form') expect(html).toContain(`data-form="${e.name}"`);
  }
  // markdown became markup: no bold pair and no backslash escape is left on the page (a masked phone's
  // 138****5678 is text)
  expect(html).not.toMatch(/\*\*[^*\s][^*]*?\*\*/);
  expect(html).not.toMatch(/\\[*_<>[\]()#`~]/);
}

describe('card renderer: the complaint card', () => {
  it.each(STATUSES)('draws the card of a %s complaint from its JSON', (status) => {
    const card = renderComplaintCard(viewIn(status)) as Json;
    const html = renderCard(card);
    expectFaithful(card, html);
    const buttons = elements(card).filter((e) => e.tag === 'button');
    expect(html.match(/<button /g)?.length ?? 0).toBe(buttons.length);
    expect(html).toContain('<strong>状态</strong>');
    // the customer's own words, unescaped once and shown as text, never as markup
    expect(html).toContain('The courier said *never again* and threw the box &lt;b&gt;hard&lt;/b&gt; [sic]');
    expect(html).not.toContain('<b>hard</b>');
    if (status === 'resolved' || status === 'closed') expect(html).toContain('Refunded *in full* &lt;now&gt;');
  });

  it('keeps every button of an open card as a callback the page can send back, with submit buttons inside their form', () => {
    const card = renderComplaintCard(viewIn('accepted')) as Json;
    const html = renderCard(card);
    const forms = [...html.matchAll(/<form class="form" data-form="(\w+)"[^>]*>([\s\S]*?)<\/form>/g)].map((m) => ({ name: m[1], body: m[2]! }));
    expect(forms.map((f) => f.name)).toEqual(elements(card).filter((e) => e.tag === 'form').map((e) => e.name));
    for (const f of forms) expect(f.body).toMatch(/data-submit="submit"/);
    expect(html).toMatch(/<button type="button" class="btn btn-primary" data-element-id="resolve"/);
  });

  it('an outdated card shows where the complaint went and offers nothing', () => {
    const card = renderComplaintCard(view({ departmentName: '技术部', departmentChatId: 'oc_tech_group', card: { id: 1, chatId: 'oc_cs_group', active: false } })) as Json;
    const html = renderCard(card);
    expectFaithful(card, html);
    expect(html).toContain('data-template="grey"');
    expect(html).not.toContain('<button');
    expect(html).toContain('技术部');
  });
});

describe('card renderer: markdown, mentions and charts', () => {
  it('turns Feishu markdown into markup and keeps escapes literal', () => {
    expect(renderMarkdown('**bold** *it* ~~gone~~ `x<y` [doc](https://example.com/a)')).toBe(
      '<strong>bold</strong> <em>it</em> <del>gone</del> <code>x&lt;y</code> <a href="https://example.com/a" target="_blank" rel="noopener">doc</a>',
    );
    expect(renderMarkdown('a\\*b\\* \\<script\\>')).toBe('a*b* &lt;script&gt;');
    expect(renderMarkdown('<font color="red">late</font>\n- one')).toBe('<span class="font-red">late</span><br><span class="li">• one</span>');
    expect(renderMarkdown('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('draws @mentions with the staff member’s name, in cards and in text messages', () => {
    const names = { ou_cs_supervisor: '张敏' };
    expect(renderMarkdown('<at id=ou_cs_supervisor></at> please', { names })).toContain('@张敏</span> please');
    expect(renderText('<at user_id="ou_cs_supervisor"></at> ⏰ 2 < 3', { names })).toBe('<span class="mention" data-open-id="ou_cs_supervisor">@张敏</span> ⏰ 2 &lt; 3');
  });

  it('draws a grouped bar chart and a line chart from their VChart specs', () => {
    const bar = renderChart({
      type: 'bar',
      title: { text: 'per day' },
      data: [{ values: [{ day: 'Mon', series: 'new', count: 2 }, { day: 'Mon', series: 'resolved', count: 1 }, { day: 'Tue', series: 'new', count: 0 }, { day: 'Tue', series: 'resolved', count: 3 }] }],
      xField: ['day', 'series'],
      yField: 'count',
      seriesField: 'series',
      label: { visible: true },
    });
    expect(bar.match(/<rect class="bar"/g)).toHaveLength(4);
    expect(bar).toContain('<title>Tue resolved: 3</title>');
    expectWellFormed(bar);
    const line = renderChart({ type: 'line', data: [{ values: [{ month: '10', series: 'a', count: 1 }, { month: '11', series: 'a', count: 4 }, { month: '10', series: 'b', count: 2 }, { month: '11', series: 'b', count: 0 }] }], xField: 'month', yField: 'count', seriesField: 'series' });
    expect(line.match(/<polyline class="line"/g)).toHaveLength(2);
    expect(renderChart({ type: 'pie' })).toContain('chart type pie');
  });

  it('anything it does not know is named, not dropped', () => {
    expect(renderCard({ schema: '2.0', body: { elements: [{ tag: 'table', element_id: 't1' }] } })).toContain('[table]');
  });
});

describe.each(testDatabases().slice(0, 1))('card renderer: the report cards (built on $name)', (kind) => {
  let database: Database;
  let cards: { name: string; card: Json }[] = [];
  beforeAll(async () => {
    database = await kind.open();
    const ctx = await testContext(database, new TestClock(sh('2026-12-04 09:00')));
    await seedReportFixtures(ctx);
    const digest = await buildWeeklyDigest(ctx, sh('2026-11-23 00:00'));
    const { departments, company } = await buildMonthlySummaries(ctx, sh('2026-11-01 00:00'));
    const ledgers = await buildUnfinishedLedgers(ctx, ctx.now());
    cards = [
      { name: 'weekly digest', card: renderDigestCard(digest) as Json },
      { name: 'monthly summary (department)', card: renderSummaryCard(departments[0]!) as Json },
      { name: 'monthly summary (company)', card: renderSummaryCard(company) as Json },
      ...ledgers.map((l) => ({ name: `unfinished ledger ${l.departmentId}`, card: renderLedgerCard(l) as Json })),
    ];
  });
  afterAll(async () => database?.close());

  it('draws every report card from its JSON, charts as SVG', () => {
    expect(cards.length).toBeGreaterThan(4);
    for (const { name, card } of cards) {
      const html = renderCard(card);
      try {
        expectFaithful(card, html);
      } catch (error) {
        throw new Error(`${name}: ${(error as Error).message}`);
      }
      const chart = elements(card).find((e) => e.tag === 'chart');
      if (chart) {
        expect(html, name).toContain('<svg class="chart"');
        const values = chart.chart_spec.data[0].values.length;
        if (chart.chart_spec.type === 'bar') expect(html.match(/<rect class="bar"/g)?.length, name).toBe(values);
        else expect(html.match(/<polyline class="line"/g)?.length, name).toBe(2);
      }
    }
    const digest = renderCard(cards[0]!.card);
    expect(digest).toContain('<strong>总体情况</strong>');
  });
});
