/** Who may act on a complaint: its department's members, the department's supervisor, and managers. */
import type { AppConfig, StaffConfig } from '../config/schema.ts';

export function findStaff(config: AppConfig, openId: string): StaffConfig | undefined {
  return config.staff.find((s) => s.openId === openId);
}

export function mayActOn(config: AppConfig, staff: StaffConfig, departmentId: string): boolean {
  if (staff.role === 'manager') return true;
  if (staff.department === departmentId) return true;
  return config.departments.some((d) => d.id === departmentId && d.supervisor === staff.openId);
}
