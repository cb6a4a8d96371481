/**
 * The config file's shape (YAML or JSON), validated by zod. Cross-references (a category's department,
 * a staff member's department) are checked here too, so a wrong file stops the process with the key that is wrong.
 */
import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time like "09:00"');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like "2026-10-01"');
const duration = z.string().regex(/^(\d+h)?(\d+m)?$/, 'must be a duration like "2h", "30m" or "1h30m"').refine((s) => s.length > 0, 'must not be empty');
const localized = z.union([z.string().min(1), z.object({ zh: z.string().min(1), en: z.string().min(1) })]);
const severity = z.enum(['general', 'important', 'major']);
const perSeverity = z.object({ general: duration, important: duration, major: duration }).strict();

export const configSchema = z
  .object({
    company: z.object({ name: z.string().min(1) }).strict(),
    numberPrefix: z.string().regex(/^[A-Z]{1,6}$/, 'must be 1–6 capital letters, e.g. "TS"').default('TS'),
    defaultLanguage: z.enum(['zh', 'en']).default('zh'),
    calendar: z
      .object({
        timeZone: z.string().default('Asia/Shanghai'),
        workingHours: z.array(z.object({ start: hhmm, end: hhmm }).strict()).min(1),
        workingDays: z.array(z.number().int().min(1).max(7)).min(1),
        holidays: z.array(isoDate).default([]),
        makeUpWorkdays: z.array(isoDate).default([]),
      })
      .strict(),
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
          })
          .strict(),
      )
      .min(1)
      .max(20),
    managersChatId: z.string().min(1).optional(),
    supervisionChatId: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const deptIds = cfg.departments.map((d) => d.id);
    const known = deptIds.join(', ');
    const dup = (list: string[]) => list.find((v, i) => list.indexOf(v) !== i);
    const dupDept = dup(deptIds);
    if (dupDept) ctx.addIssue({ code: 'custom', path: ['departments'], message: `department id "${dupDept}" is used twice` });
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
  });

export type AppConfig = z.infer<typeof configSchema>;
export type DepartmentConfig = AppConfig['departments'][number];
export type CategoryConfig = AppConfig['categories'][number];
export type StaffConfig = AppConfig['staff'][number];
