/**
 * Who may do what, from the config's staff list (keyed by Feishu open_id) and roles:
 * a complaint may be handled by its department's members, the department's supervisor and managers;
 * the full phone is shown only to the handler and supervisors (the department's, and managers).
 */
import type { AppConfig, StaffConfig } from '../../config/schema.ts';

export function findStaff(config: AppConfig, openId: string): StaffConfig | undefined {
  return config.staff.find((s) => s.openId === openId);
}

/** The department's supervisor (named on the department, or a supervisor of it), its manager, or any manager. */
export function supervises(config: AppConfig, staff: StaffConfig, departmentId: string): boolean {
  if (staff.role === 'manager') return true;
  const department = config.departments.find((d) => d.id === departmentId);
  if (!department) return false;
  if (department.supervisor === staff.openId || department.manager === staff.openId) return true;
  return staff.role === 'supervisor' && staff.department === departmentId;
}

export function mayActOn(config: AppConfig, staff: StaffConfig, departmentId: string): boolean {
  return staff.department === departmentId || supervises(config, staff, departmentId);
}

export function mayRevealPhone(config: AppConfig, staff: StaffConfig, complaint: { departmentId: string; handlerOpenId: string | null }): boolean {
  return complaint.handlerOpenId === staff.openId || supervises(config, staff, complaint.departmentId);
}

/** The departments whose complaints a staff member may list and open with group commands. */
export function departmentsOf(config: AppConfig, staff: StaffConfig): string[] {
  return config.departments.filter((d) => mayActOn(config, staff, d.id)).map((d) => d.id);
}
