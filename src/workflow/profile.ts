/**
 * A user's measured workflow profile (`--profile FILE`): the DAG, the QoS
 * target, the prices and latency samples per stage at each configuration
 * they measured. This module parses and fully validates one; it does no I/O
 * (`src/adapters/profile-file.ts` reads the file). The form:
 *
 * ```json
 * { "workflow": "name",
 *   "qos": { "percentile": 95, "targetMs": 3000 },
 *   "prices": { "gbSecond": 0.0000166667, "cpuCoreSecond": 0 },
 *   "overheadMs": 40,
 *   "measuredAt": "2026-12-03T17:00:00.000Z",
 *   "machine": { "cpus": 2, "cpuModel": "...", "memoryGiB": 24, "limits": "cgroup-v1" },
 *   "stages": [ { "name": "split", "after": [] }, { "name": "extract", "after": ["split"] } ],
 *   "measurements": [
 *     { "stage": "split", "config": { "memoryMB": 1024, "cpu": 0.5 }, "latencyMs": [812, 790, 845], "peakMemoryMB": [96, 97, 96] },
 *     { "stage": "extract", "config": { "memoryMB": 128 }, "latencyMs": [150], "outOfMemory": true } ] }
 * ```
 *
 * Rules:
 * - every key is required except `overheadMs` (default 0), `config.cpu`,
 *   `outOfMemory` and the provenance `measuredAt` (an ISO 8601 time) and
 *   `machine` (an object of strings and finite numbers describing where it
 *   was measured: free keys, shown in reports, not used by the search);
 *   unknown keys are rejected at every level (but inside `machine`);
 * - `config.cpu` absent: CPU follows memory, as in stock OpenWhisk (whose
 *   invokers give a container CPU shares in proportion to its memory). A share
 *   has no absolute unit, so the profile uses AWS Lambda's published ratio, the
 *   same one the SeBS calibration uses: `cpu = memoryMB / 1769` cores (one vCPU
 *   at 1769 MB), kept unrounded;
 * - `outOfMemory: true` records runs that failed out of memory at that
 *   configuration; their `latencyMs` are the times until they failed (default false);
 * - `peakMemoryMB` (optional): the peak memory each run reported, MB, one per
 *   `latencyMs` sample (Lambda's "Max Memory Used"; the real stages' maxRSS):
 *   the tuner learns a stage's working set from it;
 * - entries with the same stage and the same configuration (after the CPU rule)
 *   are MERGED: their samples are concatenated in file order (a profile is
 *   often assembled from several measuring sessions);
 * - every stage needs at least one measurement.
 */
import { buildStageGraph, DagError } from './dag';
import type { Prices, QosTarget, StageConfig, StageRun, StageSpec } from './workflow-types';

/** Memory that comes with one vCPU on AWS Lambda, MB: the rule for a configuration without `cpu`. */
export const LAMBDA_MB_PER_CORE = 1769;

/**
 * A profile that is not valid. `path` is a JSON path to the offending field
 * (`measurements[3].latencyMs[2]`, `qos.percentile`, `stages`, or `profile`
 * for the document as a whole); the message is `[file: ]path: detail`.
 */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';

  constructor(
    /** JSON path of the offending field. */
    readonly path: string,
    /** What is wrong there, e.g. `expected a number in (0, 100), found 120`. */
    readonly detail: string,
    /** The profile's file name, when it was read from one. */
    readonly file?: string,
  ) {
    super(`${file === undefined ? '' : `${file}: `}${path}: ${detail}`);
  }
}

/** All runs measured for one stage at one configuration (entries with the same stage and configuration merged). */
export interface ProfileMeasurement {
  readonly stage: string;
  /** The configuration; `cpu` is `memoryMB / 1769` when the profile gave none. */
  readonly config: StageConfig;
  /** True when the profile gave no `cpu` and it was derived from memory. */
  readonly cpuFollowsMemory: boolean;
  /** The measured runs, in file order: run time, ms, and whether it failed out of memory. */
  readonly runs: readonly StageRun[];
}

/** A validated profile. */
export interface Profile {
  readonly workflow: string;
  readonly qos: QosTarget;
  readonly prices: Prices;
  /** Composition overhead per invocation, ms (default 0). */
  readonly overheadMs: number;
  /** The stages as the profile lists them (a valid DAG; not necessarily in topological order). */
  readonly stages: readonly StageSpec[];
  /** One entry per (stage, configuration), in order of first appearance. */
  readonly measurements: readonly ProfileMeasurement[];
  /** When it was measured (ISO 8601), if the profile says. */
  readonly measuredAt?: string;
  /** Where it was measured (CPU count, model, memory, whether limits were enforced...), if the profile says. */
  readonly machine?: Readonly<Record<string, string | number>>;
}

/**
 * Parses and validates a profile.
 *
 * @param input the JSON text of a profile, or an already parsed value
 * @param file the file it came from, prefixed to every error message
 * @throws ProfileError naming the first offending field
 */
export function parseProfile(input: unknown, file?: string): Profile {
  try {
    return validateProfile(typeof input === 'string' ? parseJson(input) : input);
  } catch (e) {
    if (e instanceof ProfileError && file !== undefined) throw new ProfileError(e.path, e.detail, file);
    throw e;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ProfileError('profile', `invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

const ROOT_KEYS = ['workflow', 'qos', 'prices', 'overheadMs', 'stages', 'measurements', 'measuredAt', 'machine'];

function validateProfile(value: unknown): Profile {
  const root = object(value, 'profile', ROOT_KEYS, '');
  const workflow = nonEmptyString(root.workflow, 'workflow');
  const qosObj = object(root.qos, 'qos', ['percentile', 'targetMs'], 'qos.');
  const percentile = qosObj.percentile;
  if (percentile === undefined) throw missing('qos.percentile', 'a number in (0, 100)');
  if (!(typeof percentile === 'number' && percentile > 0 && percentile < 100)) {
    throw new ProfileError('qos.percentile', `expected a number in (0, 100), found ${show(percentile)}`);
  }
  const qos: QosTarget = { percentile, targetMs: positiveNumber(qosObj.targetMs, 'qos.targetMs') };
  const pricesObj = object(root.prices, 'prices', ['gbSecond', 'cpuCoreSecond'], 'prices.');
  const prices: Prices = {
    gbSecond: nonNegativeNumber(pricesObj.gbSecond, 'prices.gbSecond', 'price per GB-second'),
    cpuCoreSecond: nonNegativeNumber(pricesObj.cpuCoreSecond, 'prices.cpuCoreSecond', 'price per core-second'),
  };
  const overheadMs = root.overheadMs === undefined ? 0 : nonNegativeNumber(root.overheadMs, 'overheadMs');
  const stages = validateStageList(root.stages);
  const measurements = validateMeasurements(root.measurements, stages);
  const measuredAt = root.measuredAt === undefined ? undefined : isoTime(root.measuredAt, 'measuredAt');
  const machine = root.machine === undefined ? undefined : machineOf(root.machine);
  return { workflow, qos, prices, overheadMs, stages, measurements, ...(measuredAt === undefined ? {} : { measuredAt }), ...(machine === undefined ? {} : { machine }) };
}

function isoTime(v: unknown, path: string): string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v))) throw new ProfileError(path, `expected an ISO 8601 time, found ${show(v)}`);
  return v;
}

function machineOf(v: unknown): Record<string, string | number> {
  if (!isRecord(v)) throw new ProfileError('machine', `expected an object, found ${show(v)}`);
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(v)) {
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) out[key] = value;
    else throw new ProfileError(`machine.${key}`, `expected a string or a finite number, found ${show(value)}`);
  }
  return out;
}

function validateStageList(value: unknown): StageSpec[] {
  const list = array(value, 'stages');
  if (list.length === 0) throw new ProfileError('stages', 'empty (expected at least one stage)');
  const stages = list.map((item, i): StageSpec => {
    const at = `stages[${i}]`;
    const s = object(item, at, ['name', 'after'], `${at}.`);
    const name = nonEmptyString(s.name, `${at}.name`);
    const after = array(s.after, `${at}.after`).map((d, j) => nonEmptyString(d, `${at}.after[${j}]`));
    return { name, after };
  });
  try {
    buildStageGraph(stages, 'stages');
  } catch (e) {
    if (e instanceof DagError) throw new ProfileError(e.path, e.detail);
    throw e;
  }
  return stages;
}

function validateMeasurements(value: unknown, stages: readonly StageSpec[]): ProfileMeasurement[] {
  const names = new Set(stages.map((s) => s.name));
  const list = array(value, 'measurements');
  const merged = new Map<string, { stage: string; config: StageConfig; cpuFollowsMemory: boolean; runs: StageRun[] }>();
  list.forEach((item, i) => {
    const at = `measurements[${i}]`;
    const m = object(item, at, ['stage', 'config', 'latencyMs', 'outOfMemory', 'peakMemoryMB'], `${at}.`);
    const stage = nonEmptyString(m.stage, `${at}.stage`);
    if (!names.has(stage)) throw new ProfileError(`${at}.stage`, `unknown stage ${JSON.stringify(stage)}`);
    const c = object(m.config, `${at}.config`, ['memoryMB', 'cpu'], `${at}.config.`);
    const memoryMB = c.memoryMB;
    if (memoryMB === undefined) throw missing(`${at}.config.memoryMB`, 'a positive integer');
    if (!(typeof memoryMB === 'number' && Number.isSafeInteger(memoryMB) && memoryMB > 0)) {
      throw new ProfileError(`${at}.config.memoryMB`, `expected a positive integer, found ${show(memoryMB)}`);
    }
    const cpuFollowsMemory = c.cpu === undefined;
    const cpu = cpuFollowsMemory ? memoryMB / LAMBDA_MB_PER_CORE : positiveNumber(c.cpu, `${at}.config.cpu`, 'cores');
    const samples = array(m.latencyMs, `${at}.latencyMs`);
    if (samples.length === 0) throw new ProfileError(`${at}.latencyMs`, 'empty (expected at least one latency sample)');
    const latencies = samples.map((x, j) => nonNegativeNumber(x, `${at}.latencyMs[${j}]`));
    const oom = m.outOfMemory;
    if (oom !== undefined && typeof oom !== 'boolean') {
      throw new ProfileError(`${at}.outOfMemory`, `expected true or false, found ${show(oom)}`);
    }
    const outOfMemory = oom === true;
    let peaks: number[] | undefined;
    if (m.peakMemoryMB !== undefined) {
      const list = array(m.peakMemoryMB, `${at}.peakMemoryMB`);
      if (list.length !== latencies.length) throw new ProfileError(`${at}.peakMemoryMB`, `expected one peak per latency sample (${latencies.length}), found ${list.length}`);
      peaks = list.map((x, j) => positiveNumber(x, `${at}.peakMemoryMB[${j}]`));
    }
    const key = `${stage}\u0000${memoryMB}\u0000${cpu}`;
    let entry = merged.get(key);
    if (entry === undefined) {
      entry = { stage, config: { memoryMB, cpu }, cpuFollowsMemory, runs: [] };
      merged.set(key, entry);
    }
    const runs = entry.runs;
    latencies.forEach((latencyMs, j) => runs.push(peaks === undefined ? { latencyMs, outOfMemory } : { latencyMs, outOfMemory, peakMemoryMB: peaks[j] }));
  });
  const measured = new Set([...merged.values()].map((e) => e.stage));
  for (const s of stages) {
    if (!measured.has(s.name)) throw new ProfileError('measurements', `stage ${JSON.stringify(s.name)} has no measurements`);
  }
  return [...merged.values()];
}

/** A readable rendering of a JSON value for an error message. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

function missing(path: string, expected: string): ProfileError {
  return new ProfileError(path, `missing (expected ${expected})`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` as an object with only `allowed` keys; `prefix` is prepended to key names in errors. */
function object(v: unknown, path: string, allowed: readonly string[], prefix: string): Record<string, unknown> {
  if (v === undefined) throw missing(path, 'an object');
  if (!isRecord(v)) throw new ProfileError(path, `expected an object, found ${show(v)}`);
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) throw new ProfileError(`${prefix}${key}`, `unknown key (allowed: ${allowed.join(', ')})`);
  }
  return v;
}

function array(v: unknown, path: string): readonly unknown[] {
  if (v === undefined) throw missing(path, 'an array');
  if (!Array.isArray(v)) throw new ProfileError(path, `expected an array, found ${show(v)}`);
  return v;
}

function nonEmptyString(v: unknown, path: string): string {
  if (v === undefined) throw missing(path, 'a non-empty string');
  if (typeof v !== 'string' || v === '') throw new ProfileError(path, `expected a non-empty string, found ${show(v)}`);
  return v;
}

/** @param unit shown after the expectation when the field's name does not carry it */
function positiveNumber(v: unknown, path: string, unit?: string): number {
  const expected = `a positive finite number${unit === undefined ? '' : ` (${unit})`}`;
  if (v === undefined) throw missing(path, expected);
  if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new ProfileError(path, `expected ${expected}, found ${show(v)}`);
  return v;
}

/** @param unit shown after the expectation when the field's name does not carry it */
function nonNegativeNumber(v: unknown, path: string, unit?: string): number {
  const expected = `a non-negative finite number${unit === undefined ? '' : ` (${unit})`}`;
  if (v === undefined) throw missing(path, expected);
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new ProfileError(path, `expected ${expected}, found ${show(v)}`);
  return v;
}
