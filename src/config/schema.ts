/**
 * The config file's shape (YAML or JSON), validated by zod. Cross-references (a category's department,
 * a staff member's department) are checked here too, so a wrong file stops the process with the key that is wrong.
 */
import { z } from 'zod';
import { escalationSchema, followUpSchema, jobsSchema, reportsSchema } from './jobs-schema.ts';
import { recordsSchema, resolutionSchema } from './records-schema.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time like "09:00"');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like "2026-10-01"');
const duration = z.string().regex(/^(\d+h)?(\d+m)?$/, 'must be a duration like "2h", "30m" or "1h30m"').refine((s) => s.length > 0, 'must not be empty');
const localized = z.union([z.string().min(1), z.object({ zh: z.string().min(1), en: z.string().min(1) })]);
const severity = z.enum(['general', 'important', 'major']);
const perSeverity = z.object({ general: duration, important: duration, major: duration }).strict();
/**
 * A WeChat template message: its id, or the id with the template's fields. Field values may use
 * {title}, {number}, {text}, {time}, {options} and the notice's own values (e.g. {resolution}).
 */
const wechatTemplate = z.union([
  z.string().trim().min(1),
  z
    .object({
      id: z.string().trim().min(1),
      data: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, 'must be a template field name like "keyword1" or "thing2"'), z.string()).optional(),
      url: z.string().url().optional(),
    })
    .strict(),
]);

/**
 * A business calendar (src/config/calendars.ts turns it into the domain's): working hours and days, and
 * which days are off or on. China's public holidays and make-up working days (调休) come from the
 * chinese-days package; `holidays` and `makeUpWorkdays` add days or correct it, and win over it.
 */
const workingHours = z.array(z.object({ start: hhmm, end: hhmm }).strict()).min(1);
const workingDays = z.array(z.number().int().min(1).max(7)).min(1);
/** 'china': the official holidays and 调休 from the chinese-days package; 'none': no public holidays (e.g. a 24/7 desk). */
const publicHolidays = z.enum(['china', 'none']);
const dates = z.array(isoDate);
/** Years whose holidays you listed yourself before the package had them: the bot stops warning about them. */
const coveredYears = z.array(z.number().int().min(2000).max(2200));
const calendarFields = {
  workingHours,
  workingDays,
  publicHolidays: publicHolidays.default('china'),
  holidays: dates.default([]),
  makeUpWorkdays: dates.default([]),
  coveredYears: coveredYears.default([]),
};
/** A department's calendar: every field left out is the company calendar's. */
const namedCalendar = z
  .object({ workingHours, workingDays, publicHolidays, holidays: dates, makeUpWorkdays: dates, coveredYears })
  .partial()
  .strict();

export const configSchema = z
  .object({
    company: z.object({ name: z.string().min(1) }).strict(),
    numberPrefix: z.string().regex(/^[A-Z]{1,6}$/, 'must be 1–6 capital letters, e.g. "TS"').default('TS'),
    defaultLanguage: z.enum(['zh', 'en']).default('zh'),
    calendar: z.object({ timeZone: z.string().default('Asia/Shanghai'), ...calendarFields }).strict(),
    /** Other calendars departments may name (`departments[].calendar`); a field left out is the company calendar's. */
    calendars: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be a lower-case name like "saturdays"'), namedCalendar).default({}),
    sla: z
      .object({
        accept: perSeverity,
        firstReply: perSeverity,
        resolve: perSeverity,
        hardLimitWorkingDays: z.number().int().min(1).max(365).default(15),
        afterHoursIntake: duration.default('1h'),
      })
      .strict(),
    departments: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be a lower-case id like "cs"'),
            name: z.string().min(1),
            chatId: z.string().min(1),
            supervisor: z.string().min(1).optional(),
            manager: z.string().min(1).optional(),
            /** A calendar from `calendars` for this department's SLA clocks (default: `calendar`). */
            calendar: z.string().min(1).optional(),
          })
          .strict(),
      )
      .min(1),
    staff: z
      .array(
        z
          .object({
            openId: z.string().min(1),
            name: z.string().min(1),
            department: z.string().optional(),
            role: z.enum(['agent', 'supervisor', 'manager', 'supervision']).default('agent'),
          })
          .strict(),
      )
      .default([]),
    categories: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be a lower-case id like "quality"'),
            name: localized,
            department: z.string(),
            severity: severity.default('general'),
            /** The filing conversation asks for an address (e.g. home installation, delivery). */
            needsAddress: z.boolean().default(false),
          })
          .strict(),
      )
      .min(1)
      .max(20),
    managersChatId: z.string().min(1).optional(),
    /** Where messages that could not be delivered are reported and retried (/failed); default the managers' chat. */
    operationsChatId: z.string().min(1).optional(),
    supervisionChatId: z.string().min(1).optional(),
    /** Satisfaction follow-up (回访) after resolution. */
    feedback: z
      .object({
        /** A resolved complaint the customer has not rated within this time is closed as "no response". */
        noResponseCloseAfter: duration.default('72h'),
      })
      .strict()
      .prefault({}),
    /** Limits against abuse of the customer channels. */
    customerLimits: z
      .object({
        /** New complaints one customer may file in any 24 hours. */
        complaintsPerDay: z.number().int().min(1).max(1000).default(5),
        /**
         * Messages (and button presses) one customer may send in a minute; past that, one notice, then silence
         * until the minute ends. Filing with an album of 10 photos takes about 20, hence the default of 30.
         */
        messagesPerMinute: z.number().int().min(2).max(600).default(30),
      })
      .strict()
      .prefault({}),
    /** Scheduled jobs, reminders, escalation, follow-up clocks and reports (src/config/jobs-schema.ts). */
    jobs: jobsSchema,
    escalation: escalationSchema,
    followUp: followUpSchema,
    reports: reportsSchema,
    /** What a resolution records: cause categories, compensation kinds (src/config/records-schema.ts). */
    resolution: resolutionSchema,
    /** Personal data retention (src/config/records-schema.ts). */
    records: recordsSchema,
    /** WeChat official account: template messages for the notices that must reach the customer outside the 48-hour window. */
    wechat: z
      .object({
        templates: z.object({ resolution: wechatTemplate.optional(), rating: wechatTemplate.optional() }).strict().prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const deptIds = cfg.departments.map((d) => d.id);
    const known = deptIds.join(', ');
    const dup = (list: string[]) => list.find((v, i) => list.indexOf(v) !== i);
    const dupDept = dup(deptIds);
    if (dupDept) ctx.addIssue({ code: 'custom', path: ['departments'], message: `department id "${dupDept}" is used twice` });
    const calendarNames = Object.keys(cfg.calendars);
    cfg.departments.forEach((d, i) => {
      if (d.calendar && !calendarNames.includes(d.calendar))
        ctx.addIssue({ code: 'custom', path: ['departments', i, 'calendar'], message: `unknown calendar "${d.calendar}" (known: ${calendarNames.join(', ') || 'none; define it under calendars'})` });
    });
    const dupCat = dup(cfg.categories.map((c) => c.id));
    if (dupCat) ctx.addIssue({ code: 'custom', path: ['categories'], message: `category id "${dupCat}" is used twice` });
    cfg.categories.forEach((c, i) => {
      if (!deptIds.includes(c.department))
        ctx.addIssue({ code: 'custom', path: ['categories', i, 'department'], message: `unknown department "${c.department}" (known: ${known})` });
    });
    cfg.staff.forEach((s, i) => {
      if (s.department && !deptIds.includes(s.department))
        ctx.addIssue({ code: 'custom', path: ['staff', i, 'department'], message: `unknown department "${s.department}" (known: ${known})` });
      if (!s.department && (s.role === 'agent' || s.role === 'supervisor'))
        ctx.addIssue({ code: 'custom', path: ['staff', i, 'department'], message: `an ${s.role} needs a department` });
    });
    // Appeals (申诉) are about how a department handled a complaint: they must not land in a department's own group.
    const appealDept = cfg.departments.find((d) => d.chatId === cfg.supervisionChatId);
    if (appealDept)
      ctx.addIssue({ code: 'custom', path: ['supervisionChatId'], message: `is the group of department "${appealDept.id}"; appeals must go to a chat outside the departments` });
  });

export type AppConfig = z.infer<typeof configSchema>;
export type DepartmentConfig = AppConfig['departments'][number];
export type CategoryConfig = AppConfig['categories'][number];
export type StaffConfig = AppConfig['staff'][number];
export type CalendarConfig = AppConfig['calendar'];
