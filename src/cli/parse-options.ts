/** A command-line mistake: reported with the usage text and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A positive integer option value in plain digits, e.g. `--functions 100`. */
export function parsePositiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  }
  return n;
}

/** A seed: an integer in [0, 2^32), in plain digits. */
export function parseSeed(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n >= 2 ** 32) {
    throw new UsageError(`${flag} must be an integer in [0, 4294967295], got "${value}"`);
  }
  return n;
}

/**
 * A half-open minute range `A:B` of 0-based offsets from the trace's first
 * minute, with 0 <= A < B. `A:` and `:B` are not accepted: both ends are needed.
 */
export function parseMinuteRange(flag: string, value: string): { start: number; end: number } {
  const m = /^(\d+):(\d+)$/.exec(value.trim());
  if (m === null) throw new UsageError(`${flag} must be A:B with whole minutes 0 <= A < B, got "${value}"`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start >= end) throw new UsageError(`${flag} "${value}": the start (${start}) must be below the end (${end})`);
  return { start, end };
}
