/**
 * Mirrors the config's departments and staff into the database, so complaints can reference them.
 * Each row on its own (an upsert is atomic), not in one start-up transaction: instances starting together
 * would otherwise wait on each other's locks past the transaction's time limit and fail to start.
 */
import type { AppContext } from './context.ts';

export async function syncDirectory(ctx: AppContext): Promise<void> {
  const { departments, staff } = ctx.config;
  for (const d of departments) {
    await ctx.db.department.upsert({ where: { id: d.id }, create: { id: d.id, name: d.name, chatId: d.chatId }, update: { name: d.name, chatId: d.chatId } });
  }
  for (const s of staff) {
    const data = { name: s.name, role: s.role, departmentId: s.department ?? null };
    await ctx.db.staff.upsert({ where: { openId: s.openId }, create: { openId: s.openId, ...data }, update: data });
  }
}
