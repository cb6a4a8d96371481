import type { BusinessCalendar } from '../../src/domain/calendar.ts';

// FIXTURES. Asia/Shanghai, 09:00-12:00 + 13:30-18:00 (7.5 h = 450 min a day), Monday-Friday.
// Holiday dates are test fixtures modelled on the 2026 China schedule, not an authoritative list:
//   Spring Festival 2026-02-15 (Sun) .. 2026-02-23 (Mon) off, make-up Saturdays 2026-02-14 and 2026-02-28;
//   National Day    2026-10-01 (Thu) .. 2026-10-07 (Wed) off, make-up 2026-09-27 (Sun) and 2026-10-10 (Sat).
// Weekdays in March 2026: Mon 2, Fri 6, Sat 7, Sun 8, Mon 9, Tue 10, Fri 13.
export const SH: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ],
  workingDays: [1, 2, 3, 4, 5],
  holidays: [
    ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d) => `2026-02-${d}`),
    ...['01', '02', '03', '04', '05', '06', '07'].map((d) => `2026-10-${d}`),
  ],
  makeUpWorkdays: ['2026-02-14', '2026-02-28', '2026-09-27', '2026-10-10'],
};
