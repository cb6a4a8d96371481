/**
 * Short courtesy messages ("收到，谢谢", "thanks!", "好的👍") carry nothing to act on: they get a short
 * answer and are not added to a complaint as new information. Pure.
 */

/** Words and phrases that are courtesy only, lower-case, without spaces or punctuation. */
const PHRASES = [
  '谢谢', '谢谢你', '谢谢您', '谢啦', '多谢', '感谢', '非常感谢', '辛苦了', '辛苦', '麻烦了', '麻烦你们了', '收到', '收到了', '好的', '好', '好滴', '嗯', '嗯嗯', '哦', '噢', '知道了', '明白', '明白了', '了解', '行', '可以', '没问题', '再见', '拜拜', '您好', '你好',
  'thanks', 'thank', 'you', 'thankyou', 'thx', 'ty', 'ok', 'okay', 'k', 'got', 'it', 'gotit', 'noted', 'great', 'cool', 'fine', 'bye', 'cheers', 'much', 'very', 'so', 'hi', 'hello',
];
const SORTED = [...new Set(PHRASES)].sort((a, b) => b.length - a.length);
/** Longer texts are treated as content even if they are polite. */
const MAX_LENGTH = 20;

/** Whether the text consists only of courtesy words, emoji and punctuation. */
export function isCourtesy(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed || [...trimmed].length > MAX_LENGTH) return false;
  // Letters and digits only: emoji, punctuation and spaces carry no content here.
  const core = trimmed.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  if (!core) return /\p{Extended_Pictographic}/u.test(trimmed); // 👍 alone
  if (/\d/.test(core)) return false; // a number is content (a rating, an amount, a complaint number)
  // Greedy split into known phrases, backtracking over lengths.
  const memo = new Map<number, boolean>();
  const from = (i: number): boolean => {
    if (i === core.length) return true;
    if (memo.has(i)) return memo.get(i)!;
    const ok = SORTED.some((p) => core.startsWith(p, i) && from(i + p.length));
    memo.set(i, ok);
    return ok;
  };
  return from(0);
}
