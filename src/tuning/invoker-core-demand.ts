/**
 * Whether a workflow's load can oversubscribe an invoker's cores under
 * memory-only placement, from its per-minute counts and its stages'
 * configurations.
 *
 * OpenWhisk's balancer places a container on the first invoker from the
 * action's home invoker with enough free memory; it does not count cores. By
 * Little's law, a workflow invoked at rate r keeps r x (mean run) containers
 * of each stage busy. Together they hold M = sum N_i x memory_i and ask for
 * C = sum N_i x cpu_i. The home invoker fills first, so it holds
 * min(M, invoker memory) of them and is asked for C x min(1, invoker memory / M)
 * cores. When that exceeds its cores, the workflow's stages slow each other
 * down: a configuration tuned alone is no longer what runs. Pure.
 */

/** One stage as the estimate sees it. */
export interface StageDemand {
  /** CPU limit, cores. */
  readonly cpu: number;
  /** Memory limit, MB. */
  readonly memoryMB: number;
  /** Mean run time at that configuration, ms (what its tuning measured). */
  readonly meanRunMs: number;
}

/** The invoker the placement fills first. */
export interface InvokerShape {
  /** Memory for containers, MB. */
  readonly memoryMB: number;
  /** Cores its running containers share. */
  readonly cores: number;
}

const MINUTE_MS = 60_000;

/**
 * Cores a minute of `invocationsPerMinute` workflow invocations asks of the
 * home invoker: C x min(1, invoker memory / M) (module comment).
 *
 * @throws RangeError when the count is negative or not finite, or a stage or
 *   the invoker has a value that is not a finite number > 0 (a run time may be 0).
 */
export function homeInvokerCoreDemand(invocationsPerMinute: number, stages: readonly StageDemand[], invoker: InvokerShape): number {
  if (!(invocationsPerMinute >= 0) || !Number.isFinite(invocationsPerMinute)) throw new RangeError(`invocations per minute must be a finite number >= 0, got ${invocationsPerMinute}`);
  if (!(invoker.memoryMB > 0) || !Number.isFinite(invoker.memoryMB)) throw new RangeError(`invoker memory must be a finite number of MB > 0, got ${invoker.memoryMB}`);
  if (!(invoker.cores > 0) || !Number.isFinite(invoker.cores)) throw new RangeError(`invoker cores must be a finite number > 0, got ${invoker.cores}`);
  let cores = 0;
  let memoryMB = 0;
  stages.forEach((s, i) => {
    if (!(s.cpu > 0) || !Number.isFinite(s.cpu)) throw new RangeError(`stage ${i}: cpu must be a finite number of cores > 0, got ${s.cpu}`);
    if (!(s.memoryMB > 0) || !Number.isFinite(s.memoryMB)) throw new RangeError(`stage ${i}: memoryMB must be a finite number > 0, got ${s.memoryMB}`);
    if (!(s.meanRunMs >= 0) || !Number.isFinite(s.meanRunMs)) throw new RangeError(`stage ${i}: meanRunMs must be a finite number >= 0, got ${s.meanRunMs}`);
    const busy = (invocationsPerMinute * s.meanRunMs) / MINUTE_MS;
    cores += busy * s.cpu;
    memoryMB += busy * s.memoryMB;
  });
  if (memoryMB <= invoker.memoryMB) return cores;
  return (cores * invoker.memoryMB) / memoryMB;
}

/**
 * The first minute whose count asks the home invoker for more cores than it
 * has ({@link homeInvokerCoreDemand}), or undefined when none does. A manager
 * that reads minute m's count at the tick that ends it can act from minute
 * m + 1 on.
 */
export function firstOversubscribedMinute(counts: ArrayLike<number>, stages: readonly StageDemand[], invoker: InvokerShape): number | undefined {
  for (let m = 0; m < counts.length; m++) {
    if (homeInvokerCoreDemand(counts[m], stages, invoker) > invoker.cores) return m;
  }
  return undefined;
}
