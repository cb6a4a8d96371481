/**
 * The /new form's submit: registers the complaint in one transaction and answers within Feishu's 3 s
 * with a toast and, on success, a card that replaces the form ("registered as TS-…, sent to …"), so the
 * form cannot be submitted twice by accident. Wrong input keeps the form and names the field.
 */
import { t, type MessageKey } from '../../i18n/index.ts';
import type { StaffConfig } from '../../config/schema.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import type { StaffActionResult } from '../staff/handle-staff-action.ts';
import { renderIntakeDoneCard } from '../../../cards/intake-card.ts';
import { registerOfflineComplaint, type IntakeForm } from './register-offline-complaint.ts';

export async function handleIntake(ctx: AppContext, staff: StaffConfig, eventId: string, action: { nonce: string; form: IntakeForm }): Promise<StaffActionResult> {
  const lang = ctx.config.defaultLanguage;
  const toast = (type: StaffActionResult['toast']['type'], key: MessageKey, params: Record<string, string | number> = {}): StaffActionResult => ({ toast: { type, text: t(lang, key, params) } });
  try {
    const { complaint, department } = await ctx.db.$transaction((tx) => registerOfflineComplaint(ctx, tx, { staff, form: action.form, nonce: action.nonce }));
    ctx.outboxChanged();
    ctx.log.info({ operator: staff.openId, complaint: complaint.number, channel: complaint.channel, eventId }, 'complaint registered by staff');
    return {
      ...toast('success', 'intake.toast.registered', { number: complaint.number, department: department.name }),
      card: renderIntakeDoneCard({ number: complaint.number, channel: t(lang, `channel.${complaint.channel}` as MessageKey), recorder: staff.name, department: department.name, language: lang }),
    };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const d = error.details;
    ctx.log.info({ operator: staff.openId, code: error.code, details: d }, 'intake refused');
    if (d.reason === 'alreadyRegistered') return toast('info', 'intake.toast.already', { number: String(d.number) });
    if (d.reason === 'badPhone') return toast('warning', 'intake.toast.badPhone');
    const field = t(lang, `intake.field.${String(d.field)}` as MessageKey);
    if (d.reason === 'tooLong') return toast('warning', 'staff.toast.fieldTooLong', { field, length: Number(d.length), max: Number(d.max) });
    if (d.reason === 'unknownOption') return toast('warning', 'staff.toast.fieldUnknown', { field });
    if (d.reason === 'empty' || d.reason === 'notChosen') return toast('warning', 'staff.toast.fieldEmpty', { field });
    return toast('warning', 'staff.toast.badRequest');
  }
}
