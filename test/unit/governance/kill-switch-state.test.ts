import type { DatabasePool } from 'slonik';
import { describe, expect, it } from 'vitest';
import type { KillSwitchScope } from '../../../engine/governance/index.js';
import { manualClock } from '../../../engine/kernel/index.js';
import { createKillSwitchStateCache } from '../../../server/governance/kill-switch-state.js';

/** Stands in for the database: each read answers what `stored` holds when it completes. */
function fakeDatabase() {
  let stored: KillSwitchScope[] = [];
  let reads = 0;
  let hold: Promise<void> | undefined;
  const pool = {
    async anyFirst() {
      reads += 1;
      if (hold) await hold;
      return [...stored];
    },
  } as unknown as DatabasePool;
  return {
    pool,
    set: (scopes: KillSwitchScope[]) => {
      stored = scopes;
    },
    reads: () => reads,
    /** Holds reads until release() is called. */
    holdReads() {
      let release!: () => void;
      hold = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

const scopes = (cache: ReturnType<typeof createKillSwitchStateCache>, orgUnitId = 'org_a') => [...cache.current(orgUnitId).engaged].sort();

describe('the kill switch state cache', () => {
  it('reads the database once per TTL', async () => {
    const db = fakeDatabase();
    const clock = manualClock(0);
    const cache = createKillSwitchStateCache(db.pool, { clock, ttlMs: 1000 });
    db.set(['ads']);
    await Promise.all([cache.refresh('org_a'), cache.refresh('org_a')]);
    expect(db.reads()).toBe(1);
    expect(scopes(cache)).toEqual(['ads']);
    db.set(['ads', 'global']);
    clock.advance(999);
    await cache.refresh('org_a');
    expect(scopes(cache)).toEqual(['ads']);
    clock.advance(1);
    await cache.refresh('org_a');
    expect(scopes(cache)).toEqual(['ads', 'global']);
    expect(db.reads()).toBe(2);
  });

  it('counts an engagement from the moment it starts, keeps it once committed, and lifts it if it fails', async () => {
    const db = fakeDatabase();
    const cache = createKillSwitchStateCache(db.pool, { clock: manualClock(0) });
    await cache.refresh('org_a');
    const first = cache.engaging('org_a', 'pricing');
    expect(scopes(cache)).toEqual(['pricing']);
    first.failed(false);
    expect(scopes(cache)).toEqual([]);

    const second = cache.engaging('org_a', 'pricing');
    second.committed();
    second.failed(false);
    expect(scopes(cache)).toEqual(['pricing']);
    // Refused because someone else had engaged it: it is engaged, whatever this process knew.
    cache.engaging('org_a', 'payouts').failed(true);
    expect(scopes(cache)).toEqual(['payouts', 'pricing']);
    cache.released('org_a', 'pricing');
    expect(scopes(cache)).toEqual(['payouts']);
    expect(() => cache.current('org_unknown')).toThrow('read before it was loaded');
  });

  it('never lets a read that started before a local change undo it', async () => {
    const db = fakeDatabase();
    const clock = manualClock(0);
    const cache = createKillSwitchStateCache(db.pool, { clock, ttlMs: 1000 });
    await cache.refresh('org_a');
    clock.advance(1000);
    const release = db.holdReads();
    const refreshing = cache.refresh('org_a');
    // The read has begun (empty at that point); this process engages and commits meanwhile.
    const engagement = cache.engaging('org_a', 'global');
    engagement.committed();
    release();
    await refreshing;
    expect(scopes(cache)).toEqual(['global']);
  });

  it('reads again when the first load of an org unit races a local change', async () => {
    const db = fakeDatabase();
    const cache = createKillSwitchStateCache(db.pool, { clock: manualClock(0) });
    const release = db.holdReads();
    const refreshing = cache.refresh('org_a');
    cache.released('org_a', 'ads');
    db.set(['content']);
    release();
    await refreshing;
    expect(scopes(cache)).toEqual(['content']);
    expect(db.reads()).toBe(2);
  });
});
