import { describe, expect, it } from 'vitest';
import { cleanCustomerText } from '../../src/domain/customer-text.ts';

describe('cleanCustomerText', () => {
  it.each([
    ['keeps ordinary text, emoji and line breaks', '快递员态度很差 😠\n第二行\tTab', '快递员态度很差 😠\n第二行\tTab', false],
    ['normalises Windows line ends', 'a\r\nb\rc', 'a\nb\nc', false],
    ['removes control characters', 'Hel\u0000lo\u0007 there', 'Hello there', false],
    ['removes direction overrides and zero-width spaces', 'pay\u202Efdp.exe\u200B', 'payfdp.exe', false],
    ['removes an unpaired surrogate', 'ok\uD800 fine', 'ok fine', false],
    ['keeps a family emoji joined with ZWJ', '👨‍👩‍👧', '👨‍👩‍👧', false],
  ])('%s', (_name, input, text, garbled) => {
    expect(cleanCustomerText(input)).toMatchObject({ text, garbled });
  });

  it.each([
    ['only control characters', '\u0000\u0001\u0002'],
    ['mostly control characters', 'ab\u0001\u0002\u0003\u0004\u0005\u0006'],
    ['replacement characters from a wrong encoding', '\uFFFD\uFFFD\uFFFD\uFFFD'],
    ['a few replacement characters in a short text', 'ab\uFFFDc'],
  ])('reports %s as unreadable', (_name, input) => {
    expect(cleanCustomerText(input).garbled).toBe(true);
  });
});
