import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone } from '../../src/domain/phone.ts';
import { formatComplaintNumber, parseComplaintNumber } from '../../src/domain/complaint-number.ts';

describe('phone numbers', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['+49 151 12345678', '+4915112345678'],
    ['0044 20 7946 0958', '+442079460958'],
  ])('accepts %s', (input, expected) => expect(normalizePhone(input)).toBe(expected));

  it.each(['12345', '12812345678', '1381234567', 'abc', '', '+0123456789', '1381234567890'])('refuses %s', (input) => expect(normalizePhone(input)).toBeNull());

  it('masks the middle digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+4915112345678')).toBe('+49151****5678');
    expect(maskPhone(null)).toBe('—');
  });
});

describe('complaint numbers', () => {
  it('formats and parses', () => {
    expect(formatComplaintNumber('TS', '20261122', 7)).toBe('TS-20261122-0007');
    expect(parseComplaintNumber(' ts-20261122-0007 ')).toEqual({ prefix: 'TS', day: '20261122', sequence: 7 });
    expect(parseComplaintNumber('TS-2026-07')).toBeNull();
  });
});
