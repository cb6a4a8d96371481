/** Helpers for the scheduled-work tests: local times, filing at a given moment, sweeping, reading what was queued. */
import { DateTime } from 'luxon';
import type { AppContext } from '../../src/app/shared/context.ts';
import type { TestClock } from '../support/context.ts';
import { fileComplaint } from '../../src/app/complaints/file-complaint.ts';
import { acceptComplaint } from '../../src/app/complaints/accept-complaint.ts';
import { resolveComplaint } from '../../src/app/complaints/resolve-complaint.ts';
import { sweepSlaClocks } from '../../src/app/sla/sweep-sla-clocks.ts';

export type Ctx = AppContext & { clock: TestClock };

/** '2026-11-23 10:00' in Asia/Shanghai → instant. */
export function sh(local: string): Date {
  const dt = DateTime.fromFormat(local, 'yyyy-LL-dd HH:mm', { zone: 'Asia/Shanghai' });
  if (!dt.isValid) throw new Error(`bad local time ${local}`);
  return dt.toJSDate();
}

let customerSeq = 0;

export async function newCustomer(ctx: AppContext): Promise<number> {
  const n = ++customerSeq;
  const c = await ctx.db.customer.create({ data: { platform: 'telegram', platformUserId: `sim${n}-${Math.random().toString(36).slice(2, 8)}`, chatId: `chat-sim-${n}`, displayName: `Customer ${n}`, language: 'zh' } });
  return c.id;
}

export async function fileAt(ctx: Ctx, at: string | Date, categoryId: string, extra: { subject?: string } = {}) {
  ctx.clock.current = typeof at === 'string' ? sh(at) : at;
  const customerId = await newCustomer(ctx);
  return ctx.db.$transaction((tx) => fileComplaint(ctx, tx, { customerId, categoryId, description: `complaint about ${categoryId}`, contactPhone: '13812345678', language: 'zh', subject: extra.subject ?? null }));
}

export const staff = (openId: string, name = openId) => ({ id: `feishu:${openId}`, name });

export async function acceptAt(ctx: Ctx, at: string, complaintId: number, openId: string) {
  ctx.clock.current = sh(at);
  return ctx.db.$transaction((tx) => acceptComplaint(ctx, tx, { complaintId, actor: staff(openId) }));
}

export async function resolveAt(ctx: Ctx, at: string, complaintId: number, openId: string, resolution = 'Fixed.') {
  ctx.clock.current = sh(at);
  return ctx.db.$transaction((tx) => resolveComplaint(ctx, tx, { complaintId, actor: staff(openId), resolution }));
}

export async function sweepAt(ctx: Ctx, at: string | Date) {
  ctx.clock.current = typeof at === 'string' ? sh(at) : at;
  return sweepSlaClocks(ctx);
}

export interface SentText {
  id: number;
  target: string;
  text: string;
  complaintId: number | null;
  at: Date;
}

/** Feishu texts queued after outbox id `after`, oldest first. */
export async function feishuTexts(ctx: AppContext, after = 0): Promise<SentText[]> {
  const rows = await ctx.db.outboxMessage.findMany({ where: { channel: 'feishu', kind: 'text', id: { gt: after } }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({ id: r.id, target: r.target, text: (r.payload as { text: string }).text, complaintId: r.complaintId, at: r.createdAt }));
}

export async function lastOutboxId(ctx: AppContext): Promise<number> {
  const row = await ctx.db.outboxMessage.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
  return row?.id ?? 0;
}

export const at = (openId: string) => `<at user_id="${openId}"></at> `;
