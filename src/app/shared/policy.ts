/** Turns the validated config into the domain's calendar and SLA policy. */
import type { AppConfig } from '../../config/schema.ts';
import type { BusinessCalendar } from '../../domain/calendar.ts';
import { parseDuration, type SlaPolicy, type Severity } from '../../domain/sla.ts';

function minutes(text: string): number {
  const value = parseDuration(text);
  if (value === null) throw new Error(`bad duration ${text}`); // the config schema already refused it
  return value;
}

export function calendarFromConfig(config: AppConfig): BusinessCalendar {
  const c = config.calendar;
  return { timeZone: c.timeZone, workingHours: c.workingHours, workingDays: c.workingDays, holidays: c.holidays, makeUpWorkdays: c.makeUpWorkdays };
}

export function slaFromConfig(config: AppConfig): SlaPolicy {
  const s = config.sla;
  const per = (sev: Severity) => ({ accept: minutes(s.accept[sev]), firstReply: minutes(s.firstReply[sev]), resolve: minutes(s.resolve[sev]) });
  return {
    clocks: { general: per('general'), important: per('important'), major: per('major') },
    hardLimitWorkingDays: s.hardLimitWorkingDays,
    afterHoursIntakeMinutes: minutes(s.afterHoursIntake),
  };
}
