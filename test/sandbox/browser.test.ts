/**
 * The sandbox page in a real browser (playwright-core driving Debian's Chromium): one whole complaint
 * from nothing, as a newcomer would play it. A Telegram customer files with a photo; the department's
 * agent accepts on the card and asks a question, which the customer answers; the agent resolves; the
 * customer rates 2 (it reopens), it is resolved again and rated 5. A second complaint comes from the
 * WeChat pane; the clock moves until a reminder and an escalation appear; then to Monday 09:00, where the
 * weekly digest counts both. Every wait is for something on the page, never for a time.
 * Screenshots go to test/artifacts/ (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/start-sandbox.ts';
import { createLogger } from '../../src/logger.ts';
import { exampleConfig } from '../support/context.ts';
import { testPng } from './png.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const WAIT = 30_000;
const NUMBER = /TS-\d{8}-\d{4}/;

// CI installs Chromium (.ci/run); elsewhere the test says it was skipped rather than pass without a browser.
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs it with apt-get install -y chromium`);

// Generous per-step limits: a slow machine makes the scenario slower, never different.
describe.skipIf(!haveChromium)('the sandbox page in Chromium', { timeout: 240_000 }, () => {
  let sandbox: RunningSandbox;
  let browser: BrowserContext;
  let page: Page;
  let shot = 0;
  const started = Date.now();

  const screenshot = async (name: string) => {
    shot += 1;
    await page.screenshot({ path: path.join(ARTIFACTS, `sandbox-${String(shot).padStart(2, '0')}-${name}.png`) });
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sandbox = await startSandbox({
      config: exampleConfig(),
      log: createLogger(process.env.E2E_LOG ?? 'silent'),
      port: 0,
      dataDir: mkdtempSync(path.join(tmpdir(), 'complaint-bot-sandbox-')),
      // Tuesday 10:00 in Shanghai: working time, and next Monday's digest covers the whole week.
      start: new Date('2026-12-01T02:00:00Z'),
    });
    // a fresh profile (--user-data-dir) every run
    browser = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'chromium-')), { executablePath: CHROMIUM, args: CHROMIUM_FLAGS, viewport: { width: 1440, height: 960 } });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(WAIT);
    await page.goto(sandbox.url);
    await page.getByTestId('clock').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
    console.log(`browser test: ${((Date.now() - started) / 1000).toFixed(1)} s, ${shot} screenshots in test/artifacts/`);
  });

  const telegram = () => page.getByTestId('pane-telegram');
  const wechat = () => page.getByTestId('pane-wechat');
  const bot = (pane: Locator, text: string | RegExp) => pane.locator('.bubble[data-from=bot]', { hasText: text }).last();
  const say = async (pane: Locator, text: string) => {
    const input = pane.getByTestId('composer').getByTestId('text');
    await input.fill(text);
    await input.press('Enter');
  };
  const press = async (prompt: string | RegExp, label: string) => {
    await bot(telegram(), prompt).getByRole('button', { name: label, exact: true }).click();
  };
  const group = async (chatId: string) => {
    await page.locator(`[data-testid=group-tab][data-chat=${chatId}]`).click();
    return page.locator(`[data-testid=group][data-chat=${chatId}]`);
  };
  const cardOf = (g: Locator, number: string) => g.locator('[data-testid=card]', { hasText: number }).last();
  const toast = (text: string | RegExp) => page.getByTestId('toast').filter({ hasText: text }).first().waitFor();

  let first = '';
  let second = '';

  it('shows the banner, the clock, both customers and every Feishu group', async () => {
    await expect(page.getByTestId('banner').textContent()).resolves.toContain('TELEGRAM_BOT_TOKEN');
    expect(await page.locator('[data-testid=group-tab]').count()).toBe(exampleConfig().departments.length + 3); // + managers, supervision, private chat
    await page.getByTestId('customer-tab-telegram').waitFor();
    await page.getByTestId('customer-tab-wechat').waitFor();
    await screenshot('start');
  });

  it('files a complaint as a Telegram customer, with a photo from the file picker', async () => {
    await page.getByTestId('customer-tab-telegram').click();
    await say(telegram(), '/complain');
    await press('请选择投诉类别', '产品质量');
    await bot(telegram(), '投诉的对象').waitFor();
    await say(telegram(), '智能电饭煲 X3，订单 20261128-551');
    await bot(telegram(), '请描述发生了什么').waitFor();
    await say(telegram(), '用了三天内胆涂层就起皮脱落，煮出来的饭里有黑色碎屑。');
    await press('什么时候发生', '昨天');
    await bot(telegram(), '怎么处理').waitFor();
    await say(telegram(), '换一台新的，或者退款');
    await press('联系电话', '跳过');
    await press('什么时间前答复', '3 天内');
    await bot(telegram(), '发送照片或文件').waitFor();
    await telegram().getByTestId('photo').setInputFiles({ name: 'pot.png', mimeType: 'image/png', buffer: testPng() });
    await telegram().locator('.bubble[data-from=customer] img').waitFor();
    await press('已收到 1 个', '完成');
    await bot(telegram(), '请确认投诉内容').waitFor();
    await screenshot('telegram-summary');
    await press('请确认投诉内容', '✅ 确认提交');
    const registered = await bot(telegram(), '已登记').textContent();
    first = NUMBER.exec(registered ?? '')![0];
    expect(first).toMatch(NUMBER);
  });

  it('the quality department gets the card with the photo in its thread; its agent accepts and asks a question', async () => {
    await page.getByTestId('operator').selectOption('ou_qa_agent_1');
    const qa = await group('oc_qa_group');
    const card = cardOf(qa, first);
    await card.waitFor();
    await qa.locator('[data-testid=thread] img').first().waitFor();
    expect(await card.locator('.card-header').getAttribute('data-template')).toBe('red');
    await screenshot('card-registered');
    await card.getByRole('button', { name: '受理', exact: true }).click();
    await toast(`已受理 ${first}`);
    await cardOf(qa, first).locator('.card-header[data-template=orange]').waitFor();
    await bot(telegram(), '已由质检部受理').waitFor();
    await cardOf(qa, first).locator('textarea[name=ask_text]').fill('请问电饭煲是在哪个门店购买的？');
    await cardOf(qa, first).getByRole('button', { name: '向客户发送问题', exact: true }).click();
    await toast('已向客户提问');
    await bot(telegram(), '哪个门店').waitFor();
    await cardOf(qa, first).locator('.card-header[data-template=yellow]').waitFor();
    await screenshot('asked');
  });

  it('the customer answers; the agent resolves; a rating of 2 reopens it', async () => {
    await say(telegram(), '在南京路旗舰店买的');
    const qa = await group('oc_qa_group');
    await cardOf(qa, first).locator('.card-header[data-template=orange]').waitFor();
    await qa.locator('[data-testid=thread] .reply', { hasText: '南京路旗舰店' }).first().waitFor();
    await cardOf(qa, first).locator('textarea[name=resolution]').fill('已为您更换新机，旧机由门店上门取回。');
    await cardOf(qa, first).locator('select[name=cause]').selectOption({ label: '产品缺陷' });
    await cardOf(qa, first).getByRole('button', { name: '办结', exact: true }).click();
    await toast(`已办结 ${first}`);
    await cardOf(qa, first).locator('.card-header[data-template=green]').waitFor();
    await press('请为投诉', '2 分');
    await bot(telegram(), '已重新处理').waitFor();
    await cardOf(await group('oc_qa_group'), first).locator('.card-header[data-template=red]').waitFor();
    await screenshot('reopened');
  });

  it('resolved again and rated 5, the complaint closes', async () => {
    const qa = await group('oc_qa_group');
    await cardOf(qa, first).locator('textarea[name=resolution]').fill('已当面致歉，新机已送达并现场验收。');
    await cardOf(qa, first).getByRole('button', { name: '办结', exact: true }).click();
    await toast(`已办结 ${first}`);
    await bot(telegram(), /请为投诉.*打分/).getByRole('button', { name: '5 分', exact: true }).waitFor();
    // the first rating request's buttons are stale now: press the newest
    await telegram().locator('.bubble[data-from=bot]', { hasText: '请为投诉' }).last().getByRole('button', { name: '5 分', exact: true }).click();
    await bot(telegram(), '感谢您的评价（5/5）').waitFor();
    await cardOf(await group('oc_qa_group'), first).locator('.card-header[data-template=grey]').waitFor();
    await screenshot('closed');
  });

  it('a second complaint comes from the WeChat pane, answered with numbers', async () => {
    await page.getByTestId('customer-tab-wechat').click();
    await wechat().getByTestId('window').waitFor();
    /** WeChat has no buttons: answer with the option's number when the bot numbers them, else with its word. */
    const choose = async (prompt: string, label: string) => {
      const text = (await bot(wechat(), prompt).textContent()) ?? '';
      const number = new RegExp(`(\\d+)\\.[^\\n]*?${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(text)?.[1];
      await say(wechat(), number ?? label);
    };
    await say(wechat(), '投诉');
    await choose('请选择投诉类别', '网络技术');
    await bot(wechat(), '投诉的对象').waitFor();
    await say(wechat(), '家里的宽带');
    await bot(wechat(), '请描述发生了什么').waitFor();
    await say(wechat(), '从周末开始每晚八点以后网络断断续续，视频会议掉线好几次。');
    await choose('什么时候发生', '今天');
    await bot(wechat(), '怎么处理').waitFor();
    await say(wechat(), '尽快派人上门检修');
    await choose('联系电话', '跳过');
    await choose('什么时间前答复', '不指定');
    await bot(wechat(), '发送照片或文件').waitFor();
    await choose('发送照片或文件', '完成');
    await choose('请确认投诉内容', '确认提交');
    second = NUMBER.exec((await bot(wechat(), '已登记').textContent()) ?? '')![0];
    await cardOf(await group('oc_tech_group'), second).waitFor();
    await screenshot('wechat-filed');
  });

  it('someone not on the staff list is refused with a toast; a command typed in the group gets its answer', async () => {
    await page.getByTestId('operator').selectOption('ou_sandbox_outsider');
    const tech = await group('oc_tech_group');
    await cardOf(tech, second).getByRole('button', { name: '受理', exact: true }).click();
    await toast('不在配置的员工名单中');
    await page.getByTestId('operator').selectOption('ou_tech_supervisor');
    const input = page.getByTestId('group-composer').getByTestId('text');
    await input.fill('/open');
    await input.press('Enter');
    await tech.locator('.msg', { hasText: '未结投诉 1 件' }).filter({ hasText: second }).waitFor();
    await screenshot('group-command');
  });

  it('moving the clock brings the reminder, then the escalation to the supervisor', async () => {
    const tech = await group('oc_tech_group');
    const reminder = tech.locator('.msg', { hasText: `⏰` }).filter({ hasText: second });
    for (let i = 0; i < 8 && !(await reminder.count()); i++) await step('hour');
    await reminder.first().waitFor();
    const escalation = tech.locator('.msg', { hasText: '孙伟' }).filter({ hasText: second });
    for (let i = 0; i < 8 && !(await escalation.count()); i++) await step('hour');
    await escalation.first().waitFor();
    await screenshot('reminder-escalation');
  });

  it('next Monday 09:00: the weekly digest in the managers chat counts both complaints', async () => {
    await step('digest');
    const managers = await group('oc_managers_group');
    const digest = managers.locator('[data-testid=card]', { hasText: '投诉周报' }).last();
    await digest.waitFor();
    const text = (await digest.textContent()) ?? '';
    expect(text).toContain('新增 2');
    expect(text).toContain(second);
    expect(await digest.locator('svg.chart rect.bar').count()).toBe(14); // new and resolved, for each day of the week
    await digest.scrollIntoViewIfNeeded();
    await screenshot('weekly-digest');
  });

  it('switches the page to English', async () => {
    await page.getByTestId('language').click();
    await page.getByTestId('step-hour').filter({ hasText: '+1 hour' }).waitFor();
    await screenshot('english');
  });

  /** Presses a time control and waits until the move is over (the buttons are enabled again). */
  async function step(which: 'hour' | 'workday' | 'digest' | 'month') {
    const before = Number(await page.getByTestId('clock').getAttribute('data-now'));
    await page.getByTestId(`step-${which}`).click();
    await page.waitForFunction(
      ([b]) => {
        const clock = document.querySelector('[data-testid=clock]');
        const button = document.querySelector('[data-testid=step-hour]') as HTMLButtonElement | null;
        return Number(clock?.getAttribute('data-now')) > b! + 30 * 60_000 && button && !button.disabled;
      },
      [before],
    );
  }
});
