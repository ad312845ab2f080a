/** OpenWhisk's action limits: defaults and allowed ranges. */
import type { ActionLimits } from './stored-entities';

/** Defaults of a new action, as stock OpenWhisk: 60 s, 256 MB, 10 MB of logs, one activation per container. */
export const DEFAULT_LIMITS: Readonly<ActionLimits> = { timeout: 60_000, memory: 256, logs: 10, concurrency: 1 };

/** An inclusive range of a limit, with its unit for messages. */
export interface LimitRange {
  min: number;
  max: number;
  /** `ms`, `MB`, `cores` or `` for a count. */
  unit: string;
  /** Whether only integers are allowed. */
  integer: boolean;
}

/** Allowed ranges (OpenWhisk's defaults; `cpu` exists only with the CPU-limit extension). */
export const LIMIT_RANGES: Readonly<Record<keyof ActionLimits, LimitRange>> = {
  timeout: { min: 100, max: 300_000, unit: 'ms', integer: true },
  memory: { min: 128, max: 2048, unit: 'MB', integer: true },
  logs: { min: 0, max: 10, unit: 'MB', integer: true },
  concurrency: { min: 1, max: 500, unit: '', integer: true },
  cpu: { min: 0.01, max: 64, unit: 'cores', integer: false },
};
