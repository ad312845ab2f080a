import type { ArrivalSchedule } from '../../src/sim/arrivals';

/** One arrival of a hand-written schedule: time (ms), function index, duration (ms). */
export type ArrivalRow = [timeMs: number, fn: number, durationMs: number];

/** A schedule with exactly these arrivals, in the order given (write them in time order). */
export function scheduleOf(rows: readonly ArrivalRow[]): ArrivalSchedule {
  return {
    count: rows.length,
    timeMs: Float64Array.from(rows, (r) => r[0]),
    fn: Int32Array.from(rows, (r) => r[1]),
    durationMs: Float64Array.from(rows, (r) => r[2]),
  };
}
