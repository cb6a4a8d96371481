/** Mirrors the config's departments and staff into the database, so complaints can reference them. */
import type { AppContext } from './context.ts';

export async function syncDirectory(ctx: AppContext): Promise<void> {
  const { departments, staff } = ctx.config;
  await ctx.db.$transaction(async (tx) => {
    for (const d of departments) {
      await tx.department.upsert({ where: { id: d.id }, create: { id: d.id, name: d.name, chatId: d.chatId }, update: { name: d.name, chatId: d.chatId } });
    }
    for (const s of staff) {
      const data = { name: s.name, role: s.role, departmentId: s.department ?? null };
      await tx.staff.upsert({ where: { openId: s.openId }, create: { openId: s.openId, ...data }, update: data });
    }
  });
}
