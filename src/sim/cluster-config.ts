/**
 * The simulated OpenWhisk cluster. Latencies are assumptions in the range
 * reported for OpenWhisk's Node.js runtime (docker create + start of the
 * runtime + the action's /init); every one can be overridden.
 */
export interface ClusterConfig {
  /** Number of invokers. Default 10. */
  readonly invokers: number;
  /** User memory per invoker (OpenWhisk `userMemory`), MB. Default 32768. */
  readonly invokerMemoryMB: number;
  /** CPU per invoker, cores; running containers share it. Default 16. */
  readonly invokerCores: number;
  /** Cold start: create the container, start the runtime, init the code, ms. Default 800. */
  readonly coldStartMs: number;
  /** Start on a stem cell (runtime already running: /init only), ms. Default 100. */
  readonly stemCellStartMs: number;
  /** Start on a warm container of the function (/run only), ms. Default 5. */
  readonly warmStartMs: number;
  /** Time for a policy's prewarm order to give a ready, code-initialised container, ms. Default = coldStartMs. */
  readonly prewarmLoadMs: number;
  /** OpenWhisk stem cells (generic prewarmed runtimes) kept per invoker. Default 2, as in OpenWhisk's runtimes.json for nodejs. */
  readonly stemCellsPerInvoker: number;
  /** Memory of a stem cell; only actions with exactly this limit can use one (OpenWhisk matches kind and memory), MB. Default 256. */
  readonly stemCellMemoryMB: number;
  /** Time to replace a used stem cell (create + runtime start), ms. Default 700. */
  readonly stemCellLoadMs: number;
}

/** The defaults of {@link ClusterConfig}. */
export const DEFAULT_CLUSTER: ClusterConfig = Object.freeze({
  invokers: 10,
  invokerMemoryMB: 32768,
  invokerCores: 16,
  coldStartMs: 800,
  stemCellStartMs: 100,
  warmStartMs: 5,
  prewarmLoadMs: 800,
  stemCellsPerInvoker: 2,
  stemCellMemoryMB: 256,
  stemCellLoadMs: 700,
});

/**
 * The defaults with `overrides` applied (fields given as undefined keep their
 * default; `prewarmLoadMs` follows `coldStartMs` unless given), validated.
 * @throws RangeError naming the first field that is not a finite number in its range.
 */
export function clusterConfig(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  // The prewarm load is the same work as a cold start unless it is set on its own.
  const prewarmLoadMs = overrides.prewarmLoadMs ?? overrides.coldStartMs ?? DEFAULT_CLUSTER.prewarmLoadMs;
  const c: ClusterConfig = { ...DEFAULT_CLUSTER, ...given, prewarmLoadMs };
  const positive: (keyof ClusterConfig)[] = ['invokers', 'invokerMemoryMB', 'invokerCores'];
  const nonNegative: (keyof ClusterConfig)[] = [
    'coldStartMs', 'stemCellStartMs', 'warmStartMs', 'prewarmLoadMs', 'stemCellsPerInvoker', 'stemCellMemoryMB', 'stemCellLoadMs',
  ];
  for (const k of positive) {
    if (!Number.isFinite(c[k]) || c[k] <= 0) throw new RangeError(`cluster config: ${k} must be a positive number, got ${c[k]}`);
  }
  for (const k of nonNegative) {
    if (!Number.isFinite(c[k]) || c[k] < 0) throw new RangeError(`cluster config: ${k} must be a non-negative number, got ${c[k]}`);
  }
  if (!Number.isInteger(c.invokers)) throw new RangeError(`cluster config: invokers must be an integer, got ${c.invokers}`);
  if (!Number.isInteger(c.stemCellsPerInvoker)) {
    throw new RangeError(`cluster config: stemCellsPerInvoker must be an integer, got ${c.stemCellsPerInvoker}`);
  }
  return Object.freeze(c);
}
