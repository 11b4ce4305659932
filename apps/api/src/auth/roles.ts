import type { OpsRole } from '@bullpen/db';

export type { OpsRole };
export const ROLES = ['viewer', 'operator', 'admin'] as const satisfies readonly OpsRole[];
/** Who may call a route: `public` needs no session. */
export type Access = 'public' | OpsRole;

const rank: Record<OpsRole, number> = { viewer: 1, operator: 2, admin: 3 };

/** viewer < operator < admin: a role may do what every lower role may. */
export function allows(role: OpsRole, needed: Access): boolean {
  return needed === 'public' || rank[role] >= rank[needed];
}

export function isRole(value: unknown): value is OpsRole {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
