/** The config's reminder, escalation and follow-up settings as the domain's clock rules. */
import type { AppConfig } from '../../config/schema.ts';
import { parseDuration } from '../../domain/sla.ts';
import type { ClockRules } from '../../domain/sla-clocks.ts';

function minutes(text: string): number {
  const value = parseDuration(text);
  if (value === null) throw new Error(`bad duration ${text}`); // the config schema already refused it
  return value;
}

export function clockRulesFromConfig(config: AppConfig): ClockRules {
  return {
    remindAt: config.escalation.remindAtPercent / 100,
    followUp: { result: minutes(config.followUp.resultWithin), survey: minutes(config.followUp.surveyWithin) },
    tierMinutes: { supervisor: minutes(config.escalation.tierTime.supervisor), manager: minutes(config.escalation.tierTime.manager) },
    upgradeAfterMonths: config.escalation.upgradeToMajorAfterMonths,
    timeZone: config.calendar.timeZone,
  };
}
