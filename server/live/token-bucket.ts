/**
 * A token bucket: `burst` tokens at most, refilled at `ratePerSecond`. Each message takes
 * one; a client that finds it empty is sending faster than any honest client would.
 */
export type TokenBucket = { take(): boolean };

export type TokenBucketOptions = { ratePerSecond: number; burst: number; now: () => number };

export function createTokenBucket({ ratePerSecond, burst, now }: TokenBucketOptions): TokenBucket {
  let tokens = burst;
  let refilledAt = now();
  return {
    take() {
      const at = now();
      tokens = Math.min(burst, tokens + ((at - refilledAt) / 1000) * ratePerSecond);
      refilledAt = at;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
