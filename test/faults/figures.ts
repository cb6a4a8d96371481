/** What the fault suite and bench/faults.ts print per fault: messages expected / delivered / doubled / out of order. */

export interface FaultFigures {
  fault: string;
  expected: number;
  delivered: number;
  doubled: number;
  outOfOrder: number;
}

/** Counts what each chat received against what was queued for it ("<chat> #<n>" texts, n ascending). */
export function tally(fault: string, expected: Map<string, string[]>, received: Map<string, string[]>): FaultFigures {
  let delivered = 0;
  let doubled = 0;
  let outOfOrder = 0;
  let total = 0;
  for (const [chat, want] of expected) {
    total += want.length;
    const got = received.get(chat) ?? [];
    const seen = new Set<string>();
    let last = -1;
    for (const text of got) {
      if (seen.has(text)) {
        doubled++;
        continue;
      }
      seen.add(text);
      const index = want.indexOf(text);
      if (index < last) outOfOrder++;
      last = Math.max(last, index);
    }
    delivered += [...seen].filter((t) => want.includes(t)).length;
  }
  return { fault, expected: total, delivered, doubled, outOfOrder };
}
