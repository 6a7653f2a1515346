import type { DatabasePool } from 'slonik';
import { engagedKillSwitchScopes } from '../../db/queries/kill-switch.js';
import type { KillSwitchScope, KillSwitchState } from '../../engine/governance/index.js';
import type { Clock } from '../../engine/kernel/index.js';

/**
 * The kill switch as the governor sees it, per org unit, without a query per action.
 *
 * - This process's own engagements count from the moment engage() begins, before its
 *   transaction commits: a verdict evaluated after the commit can then never miss it, and
 *   one evaluated while it is in flight errs towards deny. A rolled-back engage lifts it.
 * - This process's own releases count only after they commit (until then: still denied).
 * - Engagements and releases by other processes sharing the database are picked up by
 *   re-reading the engaged scopes once the loaded state is older than `ttlMs` (default 1 s):
 *   that is how late another process's switch can take effect here.
 */
export type KillSwitchStateCache = {
  /** Resolves once the org unit's state is no older than the TTL. */
  refresh(orgUnitId: string): Promise<void>;
  /** The state right now, engagements in flight included; call it after refresh(), synchronously before evaluating. */
  current(orgUnitId: string): KillSwitchState;
  /** Marks an engagement in flight; settle the handle when its transaction ends. */
  engaging(orgUnitId: string, scope: KillSwitchScope): EngagementHandle;
  /** After a release commits. */
  released(orgUnitId: string, scope: KillSwitchScope): void;
};

export type EngagementHandle = {
  committed(): void;
  /** `alreadyEngaged`: the scope turned out to be engaged already (by someone else), so it stays engaged. */
  failed(alreadyEngaged: boolean): void;
};

type Entry = { scopes: Set<KillSwitchScope>; state: KillSwitchState; loadedAt: number };

export function createKillSwitchStateCache(pool: DatabasePool, options: Readonly<{ clock: Clock; ttlMs?: number }>): KillSwitchStateCache {
  const { clock } = options;
  const ttlMs = options.ttlMs ?? 1000;
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Map<KillSwitchScope, number>>();
  const generations = new Map<string, number>();
  const loads = new Map<string, Promise<void>>();
  const generationOf = (orgUnitId: string) => generations.get(orgUnitId) ?? 0;

  const freeze = (scopes: Iterable<KillSwitchScope>): KillSwitchState => Object.freeze({ engaged: new Set(scopes) });

  function change(orgUnitId: string, apply: (scopes: Set<KillSwitchScope>) => void): void {
    generations.set(orgUnitId, generationOf(orgUnitId) + 1);
    // Known locally but never loaded: the first refresh() still goes to the database.
    const entry = entries.get(orgUnitId) ?? { scopes: new Set<KillSwitchScope>(), state: freeze([]), loadedAt: Number.NEGATIVE_INFINITY };
    apply(entry.scopes);
    entry.state = freeze(entry.scopes);
    entries.set(orgUnitId, entry);
  }

  async function load(orgUnitId: string): Promise<void> {
    for (;;) {
      const generation = generationOf(orgUnitId);
      const scopes = await engagedKillSwitchScopes(pool, orgUnitId);
      if (generationOf(orgUnitId) === generation) {
        entries.set(orgUnitId, { scopes: new Set(scopes), state: freeze(scopes), loadedAt: clock.now() });
        return;
      }
      // A local change landed while reading, and the read may predate it. The local state is
      // right about that change and as fresh as before about the rest; a never-loaded org reads again.
      const entry = entries.get(orgUnitId);
      if (entry && entry.loadedAt !== Number.NEGATIVE_INFINITY) return;
    }
  }

  function adjustPending(orgUnitId: string, scope: KillSwitchScope, delta: number): void {
    const counts = pending.get(orgUnitId) ?? new Map<KillSwitchScope, number>();
    const next = (counts.get(scope) ?? 0) + delta;
    if (next > 0) counts.set(scope, next);
    else counts.delete(scope);
    if (counts.size > 0) pending.set(orgUnitId, counts);
    else pending.delete(orgUnitId);
  }

  return {
    refresh(orgUnitId) {
      const entry = entries.get(orgUnitId);
      if (entry && clock.now() - entry.loadedAt < ttlMs) return Promise.resolve();
      let running = loads.get(orgUnitId);
      if (!running) {
        running = load(orgUnitId).finally(() => loads.delete(orgUnitId));
        loads.set(orgUnitId, running);
      }
      return running;
    },

    current(orgUnitId) {
      const entry = entries.get(orgUnitId);
      if (!entry) throw new Error(`kill switch state of ${orgUnitId} read before it was loaded`);
      const inFlight = pending.get(orgUnitId);
      return inFlight ? freeze([...entry.scopes, ...inFlight.keys()]) : entry.state;
    },

    engaging(orgUnitId, scope) {
      adjustPending(orgUnitId, scope, 1);
      let settled = false;
      const settle = (engaged: boolean) => {
        if (settled) return;
        settled = true;
        // Recorded as engaged before the pending mark goes, so there is no instant without either.
        if (engaged) change(orgUnitId, (scopes) => scopes.add(scope));
        adjustPending(orgUnitId, scope, -1);
      };
      return { committed: () => settle(true), failed: (alreadyEngaged) => settle(alreadyEngaged) };
    },

    released(orgUnitId, scope) {
      change(orgUnitId, (scopes) => scopes.delete(scope));
    },
  };
}
