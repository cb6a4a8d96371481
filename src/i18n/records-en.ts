/** English texts of records and accountability; same keys as records-zh.ts (the type checker enforces it). */
import type { recordsZh } from './records-zh.ts';

export const recordsEn: Record<keyof typeof recordsZh, string> = {
  'resolution.causeWithDetail': '{cause} ({detail})',
  'resolution.customer.cause': 'Cause: {cause}',
  'resolution.customer.measure': 'What we are changing: {measure}',
  'resolution.customer.compensation': 'Compensation: {kind}',
  'resolution.customer.compensationAmount': 'Compensation: {kind}, {amount} yuan',
  'resolution.customer.thanks': 'Thank you for telling us: it helps us improve.',
  'records.field.cause': 'cause',
  'records.field.measure': 'improvement measure',
  'records.field.compensation': 'compensation',
  'records.toast.badAmount': 'The compensation amount is not an amount; type e.g. 50 or 50.5 (yuan)',
  'card.field.cause': 'Cause',
  'card.field.measure': 'Improvement',
  'card.field.compensation': 'Compensation',
  'card.input.cause': 'Cause',
  'card.input.causeDetail': 'About the cause (optional)',
  'card.input.measure': 'Improvement measure',
  'card.input.compensationKind': 'Compensation (optional)',
  'card.input.compensationAmount': 'Amount in yuan (optional)',
  'digest.summary.rootCauses': 'Top causes (cause analysis)',
  'digest.summary.rootCause': '{i}. {cause}: {n}',
  'digest.summary.causeNotGiven': 'cause not given',
  'digest.summary.subjects': 'Most complained about',
};
