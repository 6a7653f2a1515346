import type { Actor } from '../../engine/governance/index.js';
import type { Principal } from '../auth/principal.js';

/** The governor judges actors; an authenticated caller is one, known by its principal id. */
export function actorFromPrincipal(principal: Principal): Actor {
  return { id: principal.id, kind: principal.kind, role: principal.role };
}
