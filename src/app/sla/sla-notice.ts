/**
 * What the SLA sweep's messages share: the once-only notice record, where each tier sits (the department's
 * group with an @mention, or the managers' chat), and the labels of a complaint in staff texts.
 */
import type { Tx } from '../../store/database.ts';
import type { Complaint } from '../../store/generated/client.ts';
import type { AppConfig, DepartmentConfig } from '../../config/schema.ts';
import type { NoticeClock, NoticeKind } from '../../domain/sla-clocks.ts';
import { t, type Language, type MessageKey } from '../../i18n/index.ts';
import { formatLocalTime } from '../shared/format.ts';
import { mention } from '../complaints/escalate-complaint.ts';

/**
 * Records that a notice was sent; false when it already was (by this or another instance), in which
 * case the caller sends nothing. The unique key (complaint, clock, cycle, kind) is what makes a
 * reminder never go out twice.
 */
export async function recordNotice(tx: Tx, n: { complaintId: number; clock: NoticeClock; cycle: number; kind: NoticeKind; dueAt: Date }, at: Date): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO "SlaNotice" ("complaintId", "clock", "cycle", "kind", "dueAt", "sentAt")
    VALUES (${n.complaintId}, ${n.clock}, ${n.cycle}, ${n.kind}, ${n.dueAt}, ${at})
    ON CONFLICT ("complaintId", "clock", "cycle", "kind") DO NOTHING
    RETURNING "id"`;
  return rows.length === 1;
}

export function departmentOf(config: AppConfig, id: string): DepartmentConfig {
  const department = config.departments.find((d) => d.id === id);
  if (!department) throw new Error(`complaint in unknown department ${id}`);
  return department;
}

/** The general manager(s) of a department: its configured manager, else every staff member with the manager role. */
export function managersOf(config: AppConfig, department: DepartmentConfig): string[] {
  return department.manager ? [department.manager] : config.staff.filter((s) => s.role === 'manager').map((s) => s.openId);
}

/** Where a tier sits: the department's group (tier 0 and 1), the managers' chat (tier 2, else the group). */
export function tierChat(config: AppConfig, department: DepartmentConfig, tier: number): string {
  return tier >= 2 ? (config.managersChatId ?? department.chatId) : department.chatId;
}

/**
 * Who must act at a tier and how to say it: the handler at 0; before anyone accepted, the department's
 * agents (the ones on duty: reminders only fall in working hours), or its supervisor when it lists none;
 * the supervisor at 1; the manager(s) at 2. `mentions` @mentions them, `actBy` says who should act.
 */
export function tierActors(config: AppConfig, department: DepartmentConfig, tier: number, handlerOpenId: string | null, lang: Language): { mentions: string; actBy: string } {
  if (tier >= 2) return { mentions: managersOf(config, department).map(mention).join(''), actBy: t(lang, 'jobs.actBy.managers') };
  if (tier === 1) return { mentions: mention(department.supervisor), actBy: t(lang, 'jobs.actBy.supervisor') };
  if (handlerOpenId) return { mentions: mention(handlerOpenId), actBy: '' };
  const agents = config.staff.filter((s) => s.department === department.id && s.role === 'agent').map((s) => s.openId);
  const who = agents.length ? agents : [department.supervisor];
  return { mentions: who.map(mention).join(''), actBy: t(lang, 'jobs.actBy.unaccepted', { department: department.name }) };
}

/** Whom to @mention at a tier (see tierActors). */
export function tierMentions(config: AppConfig, department: DepartmentConfig, tier: number, handlerOpenId: string | null): string {
  return tierActors(config, department, tier, handlerOpenId, config.defaultLanguage).mentions;
}

function categoryLabel(config: AppConfig, id: string, lang: Language): string {
  const c = config.categories.find((x) => x.id === id);
  if (!c) return id;
  return typeof c.name === 'string' ? c.name : c.name[lang];
}

/**
 * Business minutes as "1小时30分钟" / "1 h 30 min", to the nearest minute; under a minute is said as such
 * ("不到1分钟") rather than rounded up to a minute that is not there.
 */
export function formatBusinessMinutes(minutes: number, lang: Language): string {
  if (!(minutes >= 1)) return t(lang, 'jobs.duration.underMinute');
  const total = Math.round(minutes);
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h && m) return t(lang, 'jobs.duration.hm', { h, m });
  if (h) return t(lang, 'jobs.duration.h', { h });
  return t(lang, 'jobs.duration.m', { m });
}

export function clockLabel(lang: Language, clock: NoticeClock): string {
  return t(lang, `jobs.clock.${clock}` as MessageKey);
}

/** The parameters every SLA text about a complaint uses. */
export function complaintLabels(config: AppConfig, complaint: Complaint, lang: Language) {
  const department = departmentOf(config, complaint.departmentId);
  const time = (d: Date) => formatLocalTime(d, config.calendar.timeZone);
  return {
    number: complaint.number,
    category: categoryLabel(config, complaint.category, lang),
    severity: t(lang, `card.severity.${complaint.severity}` as MessageKey),
    department: department.name,
    acceptDue: time(complaint.acceptDueAt),
    resolveDue: time(complaint.resolveDueAt),
    registeredAt: time(complaint.registeredAt),
  };
}
