/** Turns the validated config into the domain's calendar and SLA policy. */
import type { AppConfig } from '../../config/schema.ts';
import { calendarsFromConfig } from '../../config/calendars.ts';
import type { BusinessCalendar } from '../../domain/calendar.ts';
import { parseDuration, type SlaPolicy, type Severity } from '../../domain/sla.ts';

function minutes(text: string): number {
  const value = parseDuration(text);
  if (value === null) throw new Error(`bad duration ${text}`); // the config schema already refused it
  return value;
}

/** The company's calendar, with China's public holidays from the package unless the config says none (src/config/calendars.ts). */
export function calendarFromConfig(config: AppConfig): BusinessCalendar {
  return calendarsFromConfig(config).company;
}

/**
 * The calendars of the app context: `calendar`, the company's (its time zone is everyone's), and
 * `calendarFor`, each department's for its complaints' SLA clocks (the one it names, else the company's).
 */
export function contextCalendars(config: AppConfig): { calendar: BusinessCalendar; calendarFor: (departmentId: string) => BusinessCalendar } {
  const { company, forDepartment } = calendarsFromConfig(config);
  return { calendar: company, calendarFor: forDepartment };
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
