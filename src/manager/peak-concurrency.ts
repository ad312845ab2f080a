/**
 * The most activations of one action that ran at the same time: how many
 * processes it kept busy at its peak (OpenWhisk runs one activation per
 * container at the default concurrency of 1). Pure.
 */
import type { StageActivation } from './bo-step-ports';

/**
 * Peak number of overlapping runs. A run occupies [startMs, startMs +
 * durationMs), at least 1 ms; one that ends when another starts does not
 * overlap it (the container is free again). 0 for no activations.
 */
export function peakConcurrency(activations: readonly Pick<StageActivation, 'startMs' | 'durationMs'>[]): number {
  // Ends sort before starts at the same instant.
  const events: [number, number][] = [];
  for (const a of activations) {
    events.push([a.startMs, 1], [a.startMs + Math.max(1, a.durationMs), -1]);
  }
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let running = 0;
  let peak = 0;
  for (const [, delta] of events) {
    running += delta;
    peak = Math.max(peak, running);
  }
  return peak;
}
