/** Human-readable complaint numbers, unique per day: TS-20261122-0007. */
export function formatComplaintNumber(prefix: string, localDay: string, sequence: number): string {
  return `${prefix}-${localDay}-${String(sequence).padStart(4, '0')}`;
}

const NUMBER = /^([A-Z]{1,6})-(\d{8})-(\d{4,})$/;

export function parseComplaintNumber(text: string): { prefix: string; day: string; sequence: number } | null {
  const m = NUMBER.exec(text.trim().toUpperCase());
  return m ? { prefix: m[1]!, day: m[2]!, sequence: Number(m[3]) } : null;
}
