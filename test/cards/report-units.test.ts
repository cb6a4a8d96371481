/** Durations on the digest and summary cards are shown in a unit that shows the figure. */
import { describe, expect, it } from 'vitest';
import { hoursText } from '../../cards/digest-card.ts';

describe('report durations', () => {
  it('a 20-second acceptance is "20 秒", not "0.0 小时"', () => {
    expect(hoursText('zh', 20 / 3600)).toBe('20 秒');
    expect(hoursText('en', 20 / 3600)).toBe('20 s');
  });
  it('under an hour in minutes, under ten hours to a tenth, then whole hours', () => {
    expect(hoursText('zh', 40 / 60)).toBe('40 分钟');
    expect(hoursText('zh', 59.6 / 60)).toBe('60 分钟');
    expect(hoursText('zh', 1.25)).toBe('1.3 小时');
    expect(hoursText('zh', 36)).toBe('36 小时');
    expect(hoursText('en', 0.5)).toBe('30 min');
    expect(hoursText('zh', 0)).toBe('0 秒');
    expect(hoursText('zh', null)).toBe('—');
  });
});
