/** Retries with exponential backoff; the sleep is a port so tests do not wait. */
import type { Rng } from '../core/rng';

/** Waits `ms` milliseconds. */
export type Sleep = (ms: number) => Promise<void>;

/** The real sleep. */
export const realSleep: Sleep = (ms) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** How often and how long to retry. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 4). */
  retries: number;
  /** Delay before the first retry, ms (default 200); doubles each retry. */
  baseDelayMs: number;
  /** Largest delay, ms (default 5,000). */
  maxDelayMs: number;
}

/** The adapter's defaults. */
export const DEFAULT_RETRY: Readonly<RetryPolicy> = { retries: 4, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * The delay before retry number `retry` (0 for the first): `base * 2^retry`,
 * capped; with an `rng`, drawn uniformly from the upper half of that ("equal
 * jitter"), so many clients do not retry in lockstep.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, rng?: Rng): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return rng === undefined ? full : full / 2 + (full / 2) * rng.next();
}
