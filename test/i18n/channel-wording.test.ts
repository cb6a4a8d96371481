/**
 * Each channel's wording fits what the channel can do: WeChat has no buttons and no slash commands, so
 * nothing a WeChat customer reads may ask them to press a button or send /something.
 */
import { describe, expect, it } from 'vitest';
import { zh } from '../../src/i18n/zh.ts';
import { t, type Language, type MessageKey } from '../../src/i18n/index.ts';
import { textWithOptions } from '../../adapters/wechat/render.ts';

const customerKeys = (Object.keys(zh) as MessageKey[]).filter((k) => (k.startsWith('customer.') && !k.startsWith('customer.notice.')) || k.startsWith('staffNotice.'));
const slashCommand = /(^|[\s（(“"，,；;：:])\/[a-z]+/i;
const buttonWords: Record<Language, RegExp> = { zh: /点“|点击|请点|按钮/, en: /\bpress|\btap\b|\bbuttons?\b|\bclick/i };

describe.each(['zh', 'en'] as Language[])('WeChat wording in %s', (lang) => {
  it.each(customerKeys)('%s names no slash command and no button', (key) => {
    const text = t(lang, key, {}, 'wechat');
    expect(text).not.toMatch(slashCommand);
    expect(text).not.toMatch(buttonWords[lang]);
  });
  it('Telegram keeps its commands', () => {
    expect(t(lang, 'customer.file.navigation', {}, 'telegram')).toContain('/back');
  });
});

describe('numbered options on WeChat', () => {
  it('one option reads "reply 1", not a range "1–1"', () => {
    const text = textWithOptions('请发送照片。', [[{ label: '完成', data: 'done' }]], 'zh');
    expect(text).not.toContain('1–1');
    expect(text).toBe('请发送照片。\n\n1. 完成\n请回复数字 1 选择。');
    expect(textWithOptions('Photos?', [[{ label: 'Done', data: 'done' }]], 'en')).not.toMatch(/1–1/);
    expect(textWithOptions('请选择：', [[{ label: '甲', data: 'a' }, { label: '乙', data: 'b' }]], 'zh')).toContain('请回复数字 1–2 选择。');
  });
});
