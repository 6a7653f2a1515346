/** Who may do what is decided by role; the values cross the wire and the database. */
export const roles = ['founder', 'operator', 'viewer', 'agent'] as const;
export type Role = (typeof roles)[number];

/** Roles allowed to read an org unit's data and its live stream. */
export const readerRoles: readonly Role[] = roles;

/** Roles allowed to change business state by hand (approve, engage the kill switch, ...). */
export const operatorRoles: readonly Role[] = ['founder', 'operator'];

export const founderOnly: readonly Role[] = ['founder'];

/**
 * Roles that may act (post events, call tools, ask for governed changes). Agents are let
 * past the route so that what they may not do is refused by the governor, on the record.
 */
export const actingRoles: readonly Role[] = ['founder', 'operator', 'agent'];

export function roleAllows(role: Role, allowed: readonly Role[]): boolean {
  return allowed.includes(role);
}
