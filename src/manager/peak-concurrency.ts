/**
 * The most activations of one action that ran at the same time: how many
 * processes it kept busy at its peak (OpenWhisk runs one activation per
 * container at the default concurrency of 1). Pure.
 */
import { peakOverlap } from '../core/peak-overlap';
import type { StageActivation } from './bo-step-ports';

/**
 * Peak number of overlapping runs. A run occupies [startMs, startMs +
 * durationMs), at least 1 ms; one that ends when another starts does not
 * overlap it (the container is free again). 0 for no activations.
 */
export function peakConcurrency(activations: readonly Pick<StageActivation, 'startMs' | 'durationMs'>[]): number {
  return peakOverlap(activations.map((a): [number, number] => [a.startMs, a.startMs + Math.max(1, a.durationMs)]));
}
