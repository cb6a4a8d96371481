import { DateTime } from 'luxon';

/** 2026-11-23 10:30 in the company's time zone: how every time is shown to people. */
export function formatLocalTime(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at).setZone(timeZone).toFormat('yyyy-LL-dd HH:mm');
}
