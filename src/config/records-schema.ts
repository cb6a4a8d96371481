/**
 * Config sections of records and accountability (issue 10): what a resolution records (cause
 * categories, compensation kinds), and — in later sections — archive and retention. Every section has
 * defaults, so a config file without them keeps working.
 */
import { z } from 'zod';

const localized = z.union([z.string().min(1), z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict()]);
const option = z.object({ id: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be a lower-case id like "process"'), name: localized }).strict();
const uniqueIds = (list: { id: string }[]) => new Set(list.map((o) => o.id)).size === list.length;

/** The policy's cause analysis (原因分析): the seeds' usual causes. */
export const DEFAULT_CAUSES = [
  { id: 'product_defect', name: { zh: '产品缺陷', en: 'Product defect' } },
  { id: 'staff_conduct', name: { zh: '员工行为', en: 'Staff conduct' } },
  { id: 'process', name: { zh: '流程问题', en: 'Process' } },
  { id: 'third_party', name: { zh: '第三方原因', en: 'Third party' } },
  { id: 'misunderstanding', name: { zh: '客户误解', en: 'Customer misunderstanding' } },
  { id: 'other', name: { zh: '其他', en: 'Other' } },
];

export const DEFAULT_COMPENSATION_KINDS = [
  { id: 'refund', name: { zh: '退款', en: 'Refund' } },
  { id: 'replacement', name: { zh: '换货', en: 'Replacement' } },
  { id: 'repair', name: { zh: '维修', en: 'Repair' } },
  { id: 'voucher', name: { zh: '代金券', en: 'Voucher' } },
  { id: 'cash', name: { zh: '现金补偿', en: 'Cash compensation' } },
  { id: 'other', name: { zh: '其他', en: 'Other' } },
];

/** What resolving a complaint records besides the result sent to the customer. */
export const resolutionSchema = z
  .object({
    causes: z.array(option).min(1).max(30).refine(uniqueIds, 'a cause id is used twice').default(DEFAULT_CAUSES),
    compensationKinds: z.array(option).min(1).max(30).refine(uniqueIds, 'a compensation kind id is used twice').default(DEFAULT_COMPENSATION_KINDS),
    /** Refuse a resolution without a cause category (the policy asks for one; off by default so older integrations keep working). */
    requireCause: z.boolean().default(false),
    /** Refuse a resolution without an improvement measure. */
    requireMeasure: z.boolean().default(false),
  })
  .strict()
  .prefault({});

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like "03:00"');

/**
 * Records kept about people (个人信息保护法 art. 19: no longer than needed). The personal data of a complaint
 * closed (or rejected) longer ago than `retainPersonalDataDays` is de-identified by a daily job; its facts,
 * figures and audit trail stay (docs/records.md, "Retention and personal data").
 */
export const recordsSchema = z
  .object({
    /** Days a closed complaint keeps its customer's personal data (default 3 years). */
    retainPersonalDataDays: z
      .number({ error: 'must be a number of days, e.g. 1095 (3 years)' })
      .int('must be a whole number of days')
      .min(1, 'must be at least 1 day')
      .max(36500, 'must be at most 36500 days (100 years)')
      .default(1095),
    /** When the daily retention job runs, in the calendar's time zone. */
    retentionJobAt: clockTime.default('03:00'),
    // Archive (归档): closed complaints become read-only, still found by /find, /status, exports and reports.
    /** Days after a complaint was closed (or rejected) before the daily archive job archives it. */
    archiveAfterDays: z
      .number({ error: 'must be a number of days, e.g. 180' })
      .int('must be a whole number of days')
      .min(1, 'must be at least 1 day')
      .max(36500, 'must be at most 36500 days (100 years)')
      .default(180),
    /** When the daily archive job runs, in the calendar's time zone. */
    archiveJobAt: clockTime.default('03:30'),
  })
  .strict()
  .prefault({});
