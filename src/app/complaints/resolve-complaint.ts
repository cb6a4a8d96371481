/**
 * A staff member resolves a complaint. Besides the result sent to the customer, the resolution records
 * the policy's cause analysis and improvement measure (原因分析、改进措施: a cause category from the
 * config plus free text, the measure taken) and any compensation (kind and amount). The customer
 * receives the result and, where filled, the cause, the measure and the compensation in plain words,
 * with a word of thanks; the monthly summary counts the cause categories.
 */
import type { Tx } from '../../store/database.ts';
import { t, type Language } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { lockComplaint } from './lock-complaint.ts';
import { customerLanguage, notifyCustomer } from './notify-customer.ts';
import { requireText, TEXT_LIMITS } from '../staff/staff-input.ts';
import { requestRating } from './request-rating.ts';
import { localizedName } from '../shared/localized.ts';

export const MAX_RESOLUTION = 2000;
export const MAX_MEASURE = 1000;
/** 1 亿元 in cents: anything above is a typing mistake. */
const MAX_COMPENSATION_CENTS = 10_000_000_000;

export interface ResolutionInput {
  /** the result, sent to the customer (处理结果) */
  resolution: string;
  /** a cause id from config.resolution.causes, or '' */
  cause?: string;
  causeDetail?: string;
  /** the improvement measure (改进措施) */
  measure?: string;
  /** a kind id from config.resolution.compensationKinds, or '' */
  compensationKind?: string;
  /** the amount in yuan as typed ("50", "50.5", "¥1,200"), or '' */
  compensationAmount?: string;
}

/** Parses an amount of money typed in yuan into cents; throws INVALID_INPUT naming the field. */
export function parseAmountCents(raw: string): number {
  const text = raw.replace(/[\s,，¥￥元]/g, '').replace(/^RMB/i, '');
  const m = /^(\d{1,11})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) throw new AppError('INVALID_INPUT', `compensation amount "${raw}" is not an amount`, { field: 'compensation', reason: 'badAmount' });
  const cents = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (cents > MAX_COMPENSATION_CENTS) throw new AppError('INVALID_INPUT', 'compensation amount too large', { field: 'compensation', reason: 'badAmount' });
  return cents;
}

export function formatAmount(cents: number): string {
  return (cents / 100).toFixed(2);
}

/** Checks the typed resolution against the config; returns the columns to store. */
export function checkResolution(ctx: AppContext, input: ResolutionInput) {
  const settings = ctx.config.resolution;
  const resolution = requireText(input.resolution, 'resolution', MAX_RESOLUTION);
  const causeId = (input.cause ?? '').trim();
  if (causeId && !settings.causes.some((c) => c.id === causeId)) throw new AppError('INVALID_INPUT', `cause ${causeId} is not offered`, { field: 'cause', reason: 'unknownOption' });
  if (!causeId && settings.requireCause) throw new AppError('INVALID_INPUT', 'cause not chosen', { field: 'cause', reason: 'notChosen' });
  const causeDetail = requireText(input.causeDetail, 'cause', TEXT_LIMITS.reason, { optional: true });
  const improvement = requireText(input.measure, 'measure', MAX_MEASURE, { optional: !settings.requireMeasure });
  const kind = (input.compensationKind ?? '').trim();
  if (kind && !settings.compensationKinds.some((k) => k.id === kind)) throw new AppError('INVALID_INPUT', `compensation kind ${kind} is not offered`, { field: 'compensation', reason: 'unknownOption' });
  const amount = (input.compensationAmount ?? '').trim();
  const cents = amount ? parseAmountCents(amount) : null;
  if (cents !== null && !kind) throw new AppError('INVALID_INPUT', 'compensation amount without a kind', { field: 'compensation', reason: 'notChosen' });
  return {
    resolution,
    causeCategory: causeId || null,
    causeDetail: causeDetail || null,
    improvement: improvement || null,
    compensationKind: kind || null,
    compensationCents: cents,
  };
}

export type CheckedResolution = ReturnType<typeof checkResolution>;

/** The resolution in the customer's words: the result, then where filled the cause, the measure, the compensation and thanks. */
export function resolutionText(ctx: AppContext, lang: Language, r: CheckedResolution): string {
  const lines = [r.resolution];
  const cause = ctx.config.resolution.causes.find((c) => c.id === r.causeCategory);
  if (cause || r.causeDetail) {
    const name = cause ? localizedName(cause.name, lang) : '';
    const text = name && r.causeDetail ? t(lang, 'resolution.causeWithDetail', { cause: name, detail: r.causeDetail }) : name || r.causeDetail!;
    lines.push(t(lang, 'resolution.customer.cause', { cause: text }));
  }
  if (r.improvement) lines.push(t(lang, 'resolution.customer.measure', { measure: r.improvement }));
  const kind = ctx.config.resolution.compensationKinds.find((k) => k.id === r.compensationKind);
  if (kind) {
    const name = localizedName(kind.name, lang);
    lines.push(
      r.compensationCents !== null
        ? t(lang, 'resolution.customer.compensationAmount', { kind: name, amount: formatAmount(r.compensationCents) })
        : t(lang, 'resolution.customer.compensation', { kind: name }),
    );
  }
  if (lines.length > 1) lines.push(t(lang, 'resolution.customer.thanks'));
  return lines.join('\n');
}

export async function resolveComplaint(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor } & ResolutionInput) {
  const checked = checkResolution(ctx, opts);
  const at = ctx.now();
  const current = await lockComplaint(tx, opts.complaintId, 'resolve');
  const { before } = await changeStatus(tx, {
    complaintId: opts.complaintId,
    action: 'resolve',
    actor: opts.actor,
    at,
    data: { resolvedAt: at, ...checked, firstReplyAt: current.firstReplyAt ?? at, pausedAt: null },
    details: {
      resolution: checked.resolution,
      ...(checked.causeCategory ? { cause: checked.causeCategory } : {}),
      ...(checked.causeDetail ? { causeDetail: checked.causeDetail } : {}),
      ...(checked.improvement ? { measure: checked.improvement } : {}),
      ...(checked.compensationKind ? { compensation: { kind: checked.compensationKind, cents: checked.compensationCents } } : {}),
    },
  });
  const lang = await customerLanguage(ctx, tx, before.customerId);
  const text = resolutionText(ctx, lang, checked);
  await notifyCustomer(ctx, tx, before, 'customer.resolved', { number: before.number, resolution: text }, at, { kind: 'resolution', vars: { number: before.number, resolution: checked.resolution } });
  await requestRating(ctx, tx, before, at);
  return before;
}
