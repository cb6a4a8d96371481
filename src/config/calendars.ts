/**
 * The config's calendars turned into the domain's `BusinessCalendar`s. China's public holidays and
 * make-up working days (调休) come from the `chinese-days` package (data from the State Council's yearly
 * notice, one release per notice; `npm update chinese-days` brings a new year); the config's own
 * `holidays` and `makeUpWorkdays` add days or correct the package and win over it. The domain never sees
 * the package: it gets plain lists of dates and the years they cover.
 */
import { createRequire } from 'node:module';
import type { AppConfig } from './schema.ts';
import { freezeCalendar, type BusinessCalendar } from '../domain/calendar.ts';

/** The package's data file: { holidays, workdays, inLieuDays }, each 'YYYY-MM-DD' → 'English,中文,n'. */
interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

export interface OfficialDays {
  holidays: string[];
  makeUpWorkdays: string[];
  /** Years the package has the State Council's notice for. */
  years: number[];
}

let china: OfficialDays | undefined;

/** China's official days off and make-up working days, as the installed chinese-days package has them. */
export function chinaOfficialDays(): OfficialDays {
  if (!china) {
    const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as ChineseDaysData;
    const holidays = Object.keys(data.holidays).sort();
    const makeUpWorkdays = Object.keys(data.workdays).sort();
    const years = [...new Set([...holidays, ...makeUpWorkdays].map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b);
    china = { holidays, makeUpWorkdays, years };
  }
  return china;
}

type CalendarSpec = Omit<AppConfig['calendar'], 'timeZone'>;

function build(timeZone: string, spec: CalendarSpec): BusinessCalendar {
  const official = spec.publicHolidays === 'china' ? chinaOfficialDays() : { holidays: [], makeUpWorkdays: [], years: undefined };
  const ownOff = new Set(spec.holidays);
  const ownOn = new Set(spec.makeUpWorkdays);
  // The config wins: a day it lists as a working day is no official holiday here, and the other way round.
  const holidays = [...new Set([...official.holidays.filter((d) => !ownOn.has(d)), ...spec.holidays])].sort();
  const makeUpWorkdays = [...new Set([...official.makeUpWorkdays.filter((d) => !ownOff.has(d)), ...spec.makeUpWorkdays])].sort();
  return freezeCalendar({
    timeZone,
    workingHours: spec.workingHours.map((iv) => ({ ...iv })),
    workingDays: [...spec.workingDays],
    holidays,
    makeUpWorkdays,
    ...(official.years ? { officialYears: [...new Set([...official.years, ...spec.coveredYears])].sort((a, b) => a - b) } : {}),
  });
}

export interface Calendars {
  /** The company's calendar (`calendar:`): its time zone is everyone's. */
  company: BusinessCalendar;
  /** The named calendars (`calendars:`), each completed from the company's. */
  named: Record<string, BusinessCalendar>;
  /** The calendar of a department's SLA clocks: the one it names, else the company's. */
  forDepartment(departmentId: string): BusinessCalendar;
}

/** The config's calendars. */
export function calendarsFromConfig(config: AppConfig): Calendars {
  const { timeZone, ...base } = config.calendar;
  const company = build(timeZone, base);
  const named: Record<string, BusinessCalendar> = {};
  for (const [name, own] of Object.entries(config.calendars ?? {})) {
    const defined = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined));
    named[name] = build(timeZone, { ...base, ...defined });
  }
  const byDepartment = new Map(config.departments.filter((d) => d.calendar && named[d.calendar]).map((d) => [d.id, named[d.calendar!]!]));
  return { company, named, forDepartment: (id) => byDepartment.get(id) ?? company };
}
