import { describe, expect, it } from 'vitest';
import { isCourtesy } from '../../src/domain/courtesy.ts';

describe('courtesy messages', () => {
  it.each(['收到，谢谢', '谢谢！', 'Thanks!', 'thank you very much', 'ok thank you', '好的👍', '👍', '嗯嗯', '辛苦了～', 'OK'])('"%s" is courtesy', (text) => {
    expect(isCourtesy(text)).toBe(true);
  });
  it.each(['谢谢，但是还是没有退款', 'Thanks, but the cashier also overcharged me.', '5', '好的 13812345678', '收到货了，是坏的', 'no', '不好', ''])('"%s" is content', (text) => {
    expect(isCourtesy(text)).toBe(false);
  });
});
