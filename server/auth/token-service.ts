import type { DatabasePool } from 'slonik';
import { insertApiToken } from '../../db/queries/api-tokens.js';
import { upsertPrincipal } from '../../db/queries/principals.js';
import type { Role } from '../../engine/kernel/index.js';
import type { IssuedTokenDto } from '../contracts/org-units.js';
import { AppError } from '../errors/catalog.js';
import { issueApiToken } from './api-token.js';

const dayMs = 86_400_000;

/**
 * Issues a token for the named principal, creating the principal on first use. An
 * existing principal keeps its role: asking for another role is a conflict, never a
 * silent promotion or demotion.
 */
export async function createApiToken(
  pool: DatabasePool,
  args: { orgUnitId: string; name: string; role: Role; label?: string; expiresInDays?: number; now: number },
): Promise<IssuedTokenDto> {
  return pool.transaction(async (tx) => {
    const principal = await upsertPrincipal(tx, { orgUnitId: args.orgUnitId, name: args.name, role: args.role });
    if (principal.role !== args.role) {
      throw new AppError('CONFLICT', `${args.name} already exists with the ${principal.role} role`, {
        errors: [{ path: 'body.role', message: `does not match the existing principal's role (${principal.role})` }],
      });
    }
    const issued = issueApiToken();
    const expiresAt = args.expiresInDays === undefined ? null : new Date(args.now + args.expiresInDays * dayMs);
    const row = await insertApiToken(tx, {
      id: issued.id,
      orgUnitId: args.orgUnitId,
      principalId: principal.id,
      label: args.label ?? `${args.name} (${args.role})`,
      sha256: issued.sha256,
      expiresAt,
    });
    return {
      id: row.id,
      token: issued.token,
      principal: { id: principal.id, name: principal.name, role: principal.role },
      label: row.label,
      createdAt: row.created_at.toISOString(),
      expiresAt: row.expires_at?.toISOString() ?? null,
    };
  });
}
