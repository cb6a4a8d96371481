import type { Db } from '../../store/database.ts';
import type { AppConfig } from '../../config/schema.ts';
import type { BusinessCalendar } from '../../domain/calendar.ts';
import type { SlaPolicy } from '../../domain/sla.ts';
import type { Logger } from '../../logger.ts';
import type { AppMetrics } from '../../metrics/bot-metrics.ts';

/** What every use case receives: the database, the validated config, the clock, and a way to wake the outbox. */
export interface AppContext {
  db: Db;
  config: AppConfig;
  /** The company's calendar: its time zone is everyone's. */
  calendar: BusinessCalendar;
  /** The calendar of a department's SLA clocks (config `departments[].calendar`, else the company's). */
  calendarFor: (departmentId: string) => BusinessCalendar;
  sla: SlaPolicy;
  now: () => Date;
  log: Logger;
  /** Called after a transaction queued outbox rows, so delivery starts at once instead of at the next poll. */
  outboxChanged: () => void;
  /** Counters for /metrics (SLA breaches, job runs); absent where no bot runs (tests of single use cases). */
  metrics?: AppMetrics;
}
