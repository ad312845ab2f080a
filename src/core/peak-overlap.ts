/**
 * The most intervals open at one instant (a sweep over their ends). Pure.
 */

/**
 * Peak number of overlapping half-open intervals [start, end): one that ends
 * where another starts does not overlap it (back-to-back runs share a
 * container). 0 for none. Units are the caller's (ms throughout the project).
 */
export function peakOverlap(intervals: Iterable<readonly [start: number, end: number]>): number {
  const events: [number, number][] = [];
  for (const [start, end] of intervals) events.push([start, 1], [end, -1]);
  // Ends sort before starts at the same instant.
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let running = 0;
  let peak = 0;
  for (const [, delta] of events) {
    running += delta;
    if (running > peak) peak = running;
  }
  return peak;
}
