/**
 * Per-department calendars: a department that works Saturdays and a 24/7 desk get their SLA deadlines,
 * reminders and transfers in their own calendar; the others keep the company's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { exampleConfig, testContext } from '../support/context.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Database } from '../../src/store/database.ts';
import { transferComplaint } from '../../src/app/complaints/transfer-complaint.ts';
import { feishuTexts, fileAt, sh, staff, sweepAt, type Ctx } from '../jobs/support.ts';

function configWithDepartmentCalendars() {
  const raw = structuredClone(exampleConfig()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  raw.calendars = {
    saturdays: { workingDays: [1, 2, 3, 4, 5, 6] },
    always: { workingHours: [{ start: '00:00', end: '24:00' }], workingDays: [1, 2, 3, 4, 5, 6, 7], publicHolidays: 'none' },
  };
  raw.departments.find((d: { id: string }) => d.id === 'cs').calendar = 'saturdays'; // service → cs
  raw.departments.find((d: { id: string }) => d.id === 'qa').calendar = 'always'; // quality → qa
  return parseConfig(raw, 'test.yaml');
}

describe.each(testDatabases())('department calendars on $name', (kind) => {
  let database: Database;
  let ctx: Ctx;
  beforeAll(async () => {
    database = await kind.open();
    ctx = await testContext(database, undefined, configWithDepartmentCalendars());
  }, 120_000);
  afterAll(async () => database?.close());

  it('a department that works Saturdays: Friday 17:00 + 2 business hours is Saturday 10:00, and Saturday is swept', async () => {
    const c = await fileAt(ctx, '2026-11-27 17:00', 'service'); // Friday
    expect(c.acceptDueAt).toEqual(sh('2026-11-28 10:00')); // the company calendar would say Monday 10:00
    await sweepAt(ctx, '2026-11-28 09:30'); // 75 %: 1 h on Friday + 30 min on Saturday
    const texts = (await feishuTexts(ctx)).filter((t) => t.complaintId === c.id && t.target === 'oc_cs_group');
    expect(texts).toHaveLength(1);
    expect(texts[0]!.text).toContain(c.number);
  });

  it('a 24/7 desk counts every hour, on a Saturday in the National Day break too', async () => {
    const c = await fileAt(ctx, '2026-10-03 03:00', 'quality'); // important: accept within 1 h
    expect(c.clockStartAt).toEqual(sh('2026-10-03 03:00'));
    expect(c.acceptDueAt).toEqual(sh('2026-10-03 04:00'));
    expect(c.intakeDueAt).toBeNull(); // never after hours
  });

  it('a department on the company calendar keeps it; a transfer takes the new department’s calendar', async () => {
    const c = await fileAt(ctx, '2026-11-27 17:00', 'network'); // tech: Monday–Friday
    expect(c.acceptDueAt).toEqual(sh('2026-11-30 10:00'));
    ctx.clock.current = sh('2026-11-28 03:00'); // Saturday night
    await ctx.db.$transaction((tx) => transferComplaint(ctx, tx, { complaintId: c.id, actor: staff('ou_tech_supervisor'), department: 'qa', reason: 'needs the 24/7 desk' }));
    const moved = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(moved.acceptDueAt).toEqual(sh('2026-11-28 05:00')); // general: 2 h, counted at night on a Saturday
  });
});
