/**
 * Maximise an acquisition function over a discrete {@link SearchSpace}:
 * score dense random candidates (or every point of a small space) plus the
 * seed points (typically the observed ones) and their neighbours, then refine
 * the best few by greedy hill-climbing over neighbours until no neighbour
 * improves. Points the predicate rejects (e.g. outside the safe set) and
 * excluded points (e.g. already evaluated) are never proposed and never
 * walked through, nor are points the acquisition scores -Infinity.
 * Deterministic for a given {@link Rng} state.
 */
import type { Rng } from '../core/rng';
import type { SearchSpace } from './search-space';

/**
 * An acquisition over a batch of unit-cube points: one score per point,
 * higher is better. -Infinity (and NaN, which counts as -Infinity) marks a
 * point that must never be proposed: an acquisition can fold a filter in
 * (e.g. the safe set) without a second posterior pass.
 */
export type BatchAcquisition = (unitPoints: readonly (readonly number[])[]) => readonly number[];

/** Which points of a batch may be proposed (one boolean per point), given both their unit-cube and raw coordinates. */
export type BatchPredicate = (unitPoints: readonly (readonly number[])[], rawPoints: readonly (readonly number[])[]) => readonly boolean[];

/** Options of {@link optimiseAcquisition}. */
export interface OptimiseAcquisitionOptions {
  /** Source of the random candidates. */
  readonly rng: Rng;
  /** Uniformly random candidates scored first. Default 2,000. */
  readonly randomCandidates?: number;
  /**
   * A space with at most this many points is scored exhaustively instead
   * (no random draws). Default: `randomCandidates`.
   */
  readonly enumerationLimit?: number;
  /** Allowed raw points scored with their neighbours, typically the observed points. Default none. */
  readonly seedPoints?: readonly (readonly number[])[];
  /** How many of the best distinct scored points are refined by hill-climbing. Default 5. */
  readonly refineCount?: number;
  /** Most hill-climbing moves per refined point. Default 200. */
  readonly maxRefineSteps?: number;
  /** Points that may be proposed; default all. */
  readonly isAllowed?: BatchPredicate;
  /** Raw points never proposed (e.g. already evaluated); points outside the space are ignored. Default none. */
  readonly exclude?: readonly (readonly number[])[];
}

/** The best point found. */
export interface AcquisitionMaximum {
  /** Raw coordinates (an allowed point of the space). */
  readonly raw: number[];
  /** Unit-cube coordinates (`space.encode(raw)`). */
  readonly unit: number[];
  /** Its acquisition value. */
  readonly value: number;
  /** Points the acquisition was evaluated at. */
  readonly evaluations: number;
}

interface Entry {
  readonly raw: number[];
  readonly unit: number[];
  readonly allowed: boolean;
  readonly value: number;
  readonly order: number;
}

function wholeNumber(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`optimise acquisition: ${name} must be a whole number >= ${min}, got ${v}`);
  return v;
}

/**
 * The allowed, non-excluded point of `space` with the highest acquisition
 * found (the earliest scored on a tie), or undefined when every scored point
 * was rejected, excluded or scored -Infinity.
 * @throws RangeError on a bad count, a seed point outside the space, or an
 *   acquisition or predicate returning the wrong number of values.
 */
export function optimiseAcquisition(space: SearchSpace, acquisition: BatchAcquisition, options: OptimiseAcquisitionOptions): AcquisitionMaximum | undefined {
  const randomCandidates = wholeNumber('randomCandidates', options.randomCandidates ?? 2000, 0);
  const enumerationLimit = wholeNumber('enumerationLimit', options.enumerationLimit ?? randomCandidates, 0);
  const refineCount = wholeNumber('refineCount', options.refineCount ?? 5, 0);
  const maxRefineSteps = wholeNumber('maxRefineSteps', options.maxRefineSteps ?? 200, 0);
  const excluded = new Set<string>();
  for (const p of options.exclude ?? []) if (space.contains(p)) excluded.add(space.key(p));

  const scored = new Map<string, Entry>();
  let evaluations = 0;
  /** Score the points of `raws` not scored yet; return the entries of all of them (scored before or now). */
  const score = (raws: readonly (readonly number[])[]): Entry[] => {
    const fresh: { key: string; raw: number[]; unit: number[] }[] = [];
    const keys = raws.map((r) => space.key(r));
    const pending = new Set<string>();
    keys.forEach((key, i) => {
      if (scored.has(key) || pending.has(key)) return;
      pending.add(key);
      // Every point scored comes from the space itself (draws, enumeration, neighbours, canonical seeds), so it is canonical already.
      const raw = raws[i].slice();
      fresh.push({ key, raw, unit: space.encode(raw) });
    });
    const open = fresh.filter((f) => !excluded.has(f.key));
    const allowed = options.isAllowed === undefined ? open.map(() => true) : options.isAllowed(open.map((f) => f.unit), open.map((f) => f.raw));
    if (allowed.length !== open.length) throw new RangeError(`optimise acquisition: the predicate gave ${allowed.length} answers for ${open.length} points`);
    const candidates = open.filter((_, i) => allowed[i]);
    const values = candidates.length === 0 ? [] : acquisition(candidates.map((c) => c.unit));
    if (values.length !== candidates.length) throw new RangeError(`optimise acquisition: the acquisition gave ${values.length} values for ${candidates.length} points`);
    evaluations += candidates.length;
    const valueOf = new Map<string, number>();
    candidates.forEach((c, i) => valueOf.set(c.key, Number.isFinite(values[i]) || values[i] === Number.POSITIVE_INFINITY ? values[i] : Number.NEGATIVE_INFINITY));
    for (const f of fresh) {
      const value = valueOf.get(f.key);
      const allowed = value !== undefined && value > Number.NEGATIVE_INFINITY;
      scored.set(f.key, { raw: f.raw, unit: f.unit, allowed, value: value ?? Number.NEGATIVE_INFINITY, order: scored.size });
    }
    return keys.flatMap((k) => {
      const e = scored.get(k);
      return e === undefined ? [] : [e];
    });
  };

  // Global phase: every point of a small space, else random candidates; then the seeds and their neighbours.
  const initial: number[][] = [];
  if (space.size() <= BigInt(enumerationLimit)) for (const p of space.enumerate(enumerationLimit)) initial.push(p);
  else for (let i = 0; i < randomCandidates; i++) initial.push(space.randomPoint(options.rng));
  for (const seed of options.seedPoints ?? []) {
    initial.push(space.canonical(seed), ...space.neighbours(seed));
  }
  score(initial);

  const better = (a: Entry, b: Entry | undefined): boolean => b === undefined || a.value > b.value || (a.value === b.value && a.order < b.order);
  const ranked = [...scored.values()].filter((e) => e.allowed).sort((a, b) => b.value - a.value || a.order - b.order);

  // Local phase: greedy hill-climbing from the best few.
  for (const start of ranked.slice(0, refineCount)) {
    let current = start;
    for (let step = 0; step < maxRefineSteps; step++) {
      let next: Entry | undefined;
      for (const e of score(space.neighbours(current.raw))) {
        if (e.allowed && e.value > current.value && better(e, next)) next = e;
      }
      if (next === undefined) break;
      current = next;
    }
  }

  let best: Entry | undefined;
  for (const e of scored.values()) if (e.allowed && better(e, best)) best = e;
  return best === undefined ? undefined : { raw: best.raw, unit: best.unit, value: best.value, evaluations };
}
