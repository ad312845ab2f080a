/**
 * The run time of one modelled stage at a CPU and memory limit, from a SeBS
 * benchmark's fitted model ({@link SebsFit}). Pure apart from the Rng.
 *
 * Median run time, ms, at `cpu` cores and `memoryMB`:
 *
 *   median = workScale x (serialMs + parallelMs / min(cpu, parallelismCores)) x pressure(memoryMB)
 *
 * - `workScale` scales the benchmark's work (2 = twice the data), and nothing else;
 * - `pressure` is a MODELLED memory-pressure slow-down (garbage collection,
 *   page cache, allocator), not fitted: the SeBS data shows none (at the
 *   smallest size each benchmark ran in, the fitted curve's error is between
 *   -4.6% and +0.9%, i.e. the measurements are not slower than the curve),
 *   but it makes memory matter beyond the out-of-memory floor, so that a tuner
 *   cannot simply take the least memory. It is 1 + {@link PRESSURE_SLOWDOWN} at the
 *   floor and falls linearly to 1 at {@link PRESSURE_END_FACTOR} x the working
 *   set (and stays 1 above);
 * - below `floorMB` the stage runs out of memory: it fails after
 *   `median at the floor x memoryMB / floorMB` ms (it dies once it has
 *   allocated its limit, assuming allocation proportional to progress);
 * - each run is the median times lognormal noise `exp(sigma x z)`, z a standard
 *   normal drawn from two `rng.next()` calls, also for failing runs, so two
 *   configurations evaluated from the same seed see the same noise (common
 *   random numbers): more CPU, or more memory above the floor, never makes
 *   that run slower.
 */
import type { Rng } from '../../src/core/rng';
import { standardNormal } from '../../src/core/standard-normal';
import type { StageConfig, StageRun } from '../../src/workflow/workflow-types';
import { curveMs, type SebsFit } from './sebs-fit';

/** Slow-down at the out-of-memory floor: +15%. */
export const PRESSURE_SLOWDOWN = 0.15;

/** The pressure slow-down reaches 0 at this multiple of the working set. */
export const PRESSURE_END_FACTOR = 2;

/** A stage's run-time model: a fitted benchmark and how much of its work the stage does. */
export interface StageModel {
  readonly fit: SebsFit;
  /** Multiple of the benchmark's work the stage does (1 = one full benchmark run). */
  readonly workScale: number;
}

/** The memory-pressure factor (>= 1) at `memoryMB`, for a memory at or above the floor. */
export function pressureFactor(fit: SebsFit, memoryMB: number): number {
  const end = PRESSURE_END_FACTOR * fit.workingSetMB;
  if (memoryMB >= end) return 1;
  const closeness = Math.min(1, (end - Math.max(memoryMB, fit.floorMB)) / (end - fit.floorMB));
  return 1 + PRESSURE_SLOWDOWN * closeness;
}

/**
 * Median run time, ms, at `config` (see the module comment; for a memory below
 * the floor, the median time until the run fails).
 * @throws RangeError on a non-positive or non-finite cpu or memory
 */
export function stageMedianMs(model: StageModel, config: StageConfig): number {
  const { cpu, memoryMB } = config;
  if (!(Number.isFinite(cpu) && cpu > 0)) throw new RangeError(`cpu must be a positive number of cores, got ${cpu}`);
  if (!(Number.isFinite(memoryMB) && memoryMB > 0)) throw new RangeError(`memoryMB must be positive, got ${memoryMB}`);
  const atFloor = model.workScale * curveMs(model.fit, cpu) * pressureFactor(model.fit, memoryMB);
  return memoryMB < model.fit.floorMB ? (atFloor * memoryMB) / model.fit.floorMB : atFloor;
}

/** The stage runs out of memory at this limit. */
export function isOutOfMemory(model: StageModel, memoryMB: number): boolean {
  return memoryMB < model.fit.floorMB;
}

/**
 * The peak memory a run reports at a memory limit, MB: its working set when
 * the limit leaves room, all of the limit when it does not (the runtime
 * collects harder and fills what it is given, down to the floor, and dies
 * at the limit below the floor).
 */
export function peakMemoryMB(model: StageModel, memoryMB: number): number {
  return Math.min(memoryMB, model.fit.workingSetMB);
}

/** Draws one run of the stage at `config` (two `rng.next()` calls). */
export function runStageModel(model: StageModel, config: StageConfig, rng: Rng): StageRun {
  const median = stageMedianMs(model, config);
  return {
    latencyMs: median * Math.exp(model.fit.sigma * standardNormal(rng)),
    outOfMemory: isOutOfMemory(model, config.memoryMB),
    peakMemoryMB: peakMemoryMB(model, config.memoryMB),
  };
}
