import type { Random } from '../kernel/random.js';
import type { RetryPolicy } from './tool.js';

/**
 * Exponential backoff with full jitter (the AWS architecture blog's "full jitter"): the
 * wait before attempt n+1 is uniform in [0, min(max, base * 2^(n-1))]. Spreading retries
 * over the whole window keeps many callers that failed together from retrying together.
 */
export function backoffDelayMs(policy: RetryPolicy, failedAttempt: number, random: Random): number {
  const exponent = Math.max(0, failedAttempt - 1);
  // 2^exponent overflows to Infinity long before it matters; the cap bounds it either way.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 52));
  return Math.floor(random.next() * (Math.max(0, ceiling) + 1));
}

/** Whether another attempt is allowed after `failedAttempt` attempts (the first counts as 1). */
export function mayRetry(policy: RetryPolicy, failedAttempt: number): boolean {
  return failedAttempt < policy.maxAttempts;
}
