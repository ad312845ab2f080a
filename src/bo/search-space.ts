/**
 * A product search space of blocks, for Bayesian optimisation over discrete
 * configurations (in practice one block per workflow stage). A block is
 * either a grid (axes, each an explicit ascending list of allowed raw values,
 * e.g. CPU 0.1..4 cores in 0.1 steps and memory 128..4096 MB in 64 MB steps)
 * or a discrete list of allowed raw points (e.g. configurations measured
 * before). A raw point of the space is the concatenation of its blocks' raw
 * coordinates, blocks and axes in the order given.
 *
 * The unit-cube encoding scales each raw coordinate linearly by the min and
 * max of that coordinate's allowed values in its block: (v - min) / (max -
 * min), and 0.5 for a coordinate with one allowed value. Linear rather than
 * log, because grid steps are uniform in raw units (so one step is the same
 * distance everywhere in the cube and the neighbourhood search is even) and
 * the Gaussian process's per-dimension lengthscales absorb each axis's
 * scale; cost is linear in CPU and memory.
 */
import type { Rng } from '../core/rng';

/** One axis of a grid block. */
export interface GridAxis {
  /** Name of the coordinate, e.g. "cpu" or "memoryMb". */
  readonly name: string;
  /** Allowed raw values, strictly ascending and finite, at least one. */
  readonly values: readonly number[];
}

/** A block whose allowed points are every combination of its axes' values. */
export interface GridBlock {
  readonly kind: 'grid';
  /** Name of the block, e.g. the workflow stage. */
  readonly name: string;
  /** Its axes, at least one. */
  readonly axes: readonly GridAxis[];
}

/** A block whose allowed points are listed explicitly. */
export interface DiscreteBlock {
  readonly kind: 'discrete';
  /** Name of the block. */
  readonly name: string;
  /** Name of each coordinate of its points, at least one. */
  readonly axisNames: readonly string[];
  /** The allowed raw points, at least one, each with one finite value per axis name, no two equal. */
  readonly points: readonly (readonly number[])[];
  /** How many nearest points (in the unit cube) are a point's neighbours. Default 4. */
  readonly neighbourCount?: number;
}

/** A block of a {@link SearchSpace}. */
export type SearchBlock = GridBlock | DiscreteBlock;

/** Largest number of points {@link SearchSpace.enumerate} lists unless told otherwise: 100,000. */
export const DEFAULT_ENUMERATION_LIMIT = 100_000;

/**
 * The ascending values start, start + step, ... up to stop (included when it
 * falls on the grid, within 1e-9 of a step), each rounded to 12 significant
 * digits so 0.1 steps give 0.3, not 0.30000000000000004.
 * @throws RangeError unless step > 0, stop >= start and all are finite.
 */
export function steppedValues(start: number, stop: number, step: number): number[] {
  if (![start, stop, step].every(Number.isFinite) || !(step > 0) || !(stop >= start)) {
    throw new RangeError(`stepped values: need finite start <= stop and step > 0, got ${start}, ${stop}, ${step}`);
  }
  const count = Math.floor((stop - start) / step + 1e-9) + 1;
  return Array.from({ length: count }, (_, i) => Number((start + i * step).toPrecision(12)));
}

interface BlockCoding {
  readonly offset: number;
  readonly width: number;
  readonly min: number[];
  readonly range: number[];
}

function encodeValue(v: number, min: number, range: number): number {
  return range === 0 ? 0.5 : (v - min) / range;
}

function nearestIndex(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid;
    else hi = mid;
  }
  return Math.abs(sorted[hi] - v) < Math.abs(sorted[lo] - v) ? hi : lo;
}

/**
 * The product of its blocks. Immutable; every method is a pure function of
 * its arguments (random draws consume only the given {@link Rng}).
 */
export class SearchSpace {
  /** The blocks, in order. */
  readonly blocks: readonly SearchBlock[];
  /** Number of raw (and unit-cube) coordinates. */
  readonly dimension: number;
  private readonly codings: BlockCoding[] = [];
  /** Per discrete block: its points encoded in the block's own unit cube. */
  private readonly encodedPoints = new Map<number, number[][]>();
  /** Per discrete block: point key to index. */
  private readonly pointIndex = new Map<number, Map<string, number>>();

  /** @throws RangeError naming the block and axis when a block is empty, unsorted, non-finite or has duplicate points. */
  constructor(blocks: readonly SearchBlock[]) {
    if (blocks.length === 0) throw new RangeError('search space: no blocks');
    this.blocks = blocks;
    let offset = 0;
    blocks.forEach((block, b) => {
      if (block.kind === 'grid') {
        if (block.axes.length === 0) throw new RangeError(`search space: grid block "${block.name}" has no axes`);
        const min: number[] = [];
        const range: number[] = [];
        for (const axis of block.axes) {
          const v = axis.values;
          if (v.length === 0) throw new RangeError(`search space: axis "${axis.name}" of block "${block.name}" has no values`);
          v.forEach((x, i) => {
            if (!Number.isFinite(x)) throw new RangeError(`search space: axis "${axis.name}" of block "${block.name}" has a non-finite value ${x}`);
            if (i > 0 && !(x > v[i - 1])) throw new RangeError(`search space: axis "${axis.name}" of block "${block.name}" is not strictly ascending at ${v[i - 1]}, ${x}`);
          });
          min.push(v[0]);
          range.push(v[v.length - 1] - v[0]);
        }
        this.codings.push({ offset, width: block.axes.length, min, range });
        offset += block.axes.length;
      } else {
        const width = block.axisNames.length;
        if (width === 0) throw new RangeError(`search space: discrete block "${block.name}" has no axes`);
        if (block.points.length === 0) throw new RangeError(`search space: discrete block "${block.name}" has no points`);
        const k = block.neighbourCount ?? 4;
        if (!Number.isInteger(k) || k < 1) throw new RangeError(`search space: discrete block "${block.name}" neighbourCount must be a whole number >= 1, got ${k}`);
        const index = new Map<string, number>();
        block.points.forEach((p, i) => {
          if (p.length !== width) throw new RangeError(`search space: point ${i} of block "${block.name}" has ${p.length} coordinates, expected ${width}`);
          if (!p.every(Number.isFinite)) throw new RangeError(`search space: point ${i} of block "${block.name}" has a non-finite coordinate`);
          const key = p.join(',');
          if (index.has(key)) throw new RangeError(`search space: point ${i} of block "${block.name}" repeats point ${index.get(key)}`);
          index.set(key, i);
        });
        const min: number[] = [];
        const range: number[] = [];
        for (let d = 0; d < width; d++) {
          const column = block.points.map((p) => p[d]);
          const lo = Math.min(...column);
          min.push(lo);
          range.push(Math.max(...column) - lo);
        }
        this.codings.push({ offset, width, min, range });
        this.encodedPoints.set(b, block.points.map((p) => p.map((v, d) => encodeValue(v, min[d], range[d]))));
        this.pointIndex.set(b, index);
        offset += width;
      }
    });
    this.dimension = offset;
  }

  /** The name of every coordinate, "block.axis", in raw-point order. */
  coordinateNames(): string[] {
    return this.blocks.flatMap((block) => (block.kind === 'grid' ? block.axes.map((a) => a.name) : block.axisNames).map((a) => `${block.name}.${a}`));
  }

  /** Number of allowed points: the product of the blocks' sizes (a bigint, so 40^16 does not overflow). */
  size(): bigint {
    let total = 1n;
    for (const block of this.blocks) {
      if (block.kind === 'grid') for (const axis of block.axes) total *= BigInt(axis.values.length);
      else total *= BigInt(block.points.length);
    }
    return total;
  }

  private checkLength(point: readonly number[], what: string): void {
    if (point.length !== this.dimension) throw new RangeError(`search space: ${what} has ${point.length} coordinates, expected ${this.dimension}`);
  }

  /**
   * The unit-cube coordinates of a raw point (linear min-max scaling per
   * coordinate, see the module comment). Values outside a coordinate's range
   * map outside [0, 1].
   * @throws RangeError when the point has the wrong number of coordinates.
   */
  encode(raw: readonly number[]): number[] {
    this.checkLength(raw, 'raw point');
    const out = new Array<number>(this.dimension);
    for (const c of this.codings) {
      for (let d = 0; d < c.width; d++) out[c.offset + d] = encodeValue(raw[c.offset + d], c.min[d], c.range[d]);
    }
    return out;
  }

  /**
   * The allowed raw point nearest to a unit-cube point: per grid axis the
   * nearest allowed value, per discrete block the nearest allowed point
   * (Euclidean in the block's unit cube, the first on a tie).
   * @throws RangeError when the point has the wrong number of coordinates or a non-finite one.
   */
  decode(unit: readonly number[]): number[] {
    this.checkLength(unit, 'unit point');
    if (!unit.every(Number.isFinite)) throw new RangeError(`search space: unit point has a non-finite coordinate`);
    const out = new Array<number>(this.dimension);
    this.blocks.forEach((block, b) => {
      const c = this.codings[b];
      if (block.kind === 'grid') {
        block.axes.forEach((axis, d) => {
          const raw = c.range[d] === 0 ? c.min[d] : c.min[d] + unit[c.offset + d] * c.range[d];
          out[c.offset + d] = axis.values[nearestIndex(axis.values, raw)];
        });
      } else {
        const p = block.points[this.nearestPoints(b, unit.slice(c.offset, c.offset + c.width), 1, -1)[0]];
        for (let d = 0; d < c.width; d++) out[c.offset + d] = p[d];
      }
    });
    return out;
  }

  /** Indices of the `k` points of discrete block `b` nearest to `u` (block unit cube), skipping index `skip`; ties by index. */
  private nearestPoints(b: number, u: readonly number[], k: number, skip: number): number[] {
    const encoded = this.encodedPoints.get(b) ?? [];
    const scored: { i: number; d: number }[] = [];
    encoded.forEach((p, i) => {
      if (i === skip) return;
      let s = 0;
      for (let d = 0; d < p.length; d++) s += (p[d] - u[d]) ** 2;
      scored.push({ i, d: s });
    });
    scored.sort((a, z) => a.d - z.d || a.i - z.i);
    return scored.slice(0, k).map((s) => s.i);
  }

  /**
   * The index form of an allowed raw point: per grid axis the value's index,
   * per discrete block the point's index. A grid value matches an allowed one
   * within 1e-9 of the axis's range (or 1e-9 when the range is 0); a discrete
   * block's coordinates must equal an allowed point's exactly.
   * @throws RangeError when the point is not allowed.
   */
  private indices(raw: readonly number[]): number[] {
    this.checkLength(raw, 'raw point');
    const out: number[] = [];
    this.blocks.forEach((block, b) => {
      const c = this.codings[b];
      if (block.kind === 'grid') {
        block.axes.forEach((axis, d) => {
          const v = raw[c.offset + d];
          const i = nearestIndex(axis.values, v);
          if (!(Math.abs(axis.values[i] - v) <= 1e-9 * Math.max(c.range[d], 1))) {
            throw new RangeError(`search space: ${v} is not an allowed value of axis "${axis.name}" of block "${block.name}"`);
          }
          out.push(i);
        });
      } else {
        const part = raw.slice(c.offset, c.offset + c.width);
        const i = this.pointIndex.get(b)?.get(part.join(','));
        if (i === undefined) throw new RangeError(`search space: (${part.join(', ')}) is not an allowed point of block "${block.name}"`);
        out.push(i);
      }
    });
    return out;
  }

  private fromIndices(indices: readonly number[]): number[] {
    const out: number[] = [];
    let k = 0;
    for (const block of this.blocks) {
      if (block.kind === 'grid') for (const axis of block.axes) out.push(axis.values[indices[k++]]);
      else out.push(...block.points[indices[k++]]);
    }
    return out;
  }

  /** True when `raw` is an allowed point (see {@link SearchSpace.key} for the matching tolerance). */
  contains(raw: readonly number[]): boolean {
    if (raw.length !== this.dimension) return false;
    try {
      this.indices(raw);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A canonical string for an allowed point (its indices), equal for raw
   * values that match the same allowed values: use it to key sets of points.
   * @throws RangeError when the point is not allowed.
   */
  key(raw: readonly number[]): string {
    return this.indices(raw).join(':');
  }

  /**
   * The allowed point with the same value as `raw`: each coordinate snapped
   * to the allowed value it matches (see {@link SearchSpace.key}).
   * @throws RangeError when the point is not allowed.
   */
  canonical(raw: readonly number[]): number[] {
    return this.fromIndices(this.indices(raw));
  }

  /**
   * A uniformly random allowed point: per grid axis a uniform index, per
   * discrete block a uniform point, drawn from `rng` in coordinate order.
   */
  randomPoint(rng: Rng): number[] {
    const indices: number[] = [];
    for (const block of this.blocks) {
      const sizes = block.kind === 'grid' ? block.axes.map((a) => a.values.length) : [block.points.length];
      for (const n of sizes) indices.push(Math.min(n - 1, Math.floor(rng.next() * n)));
    }
    return this.fromIndices(indices);
  }

  /**
   * The neighbours of an allowed point, for local refinement: points that
   * differ from it in one block only, in block order. In a grid block, one
   * step down then one step up on each axis in turn (fewer at an edge); in a
   * discrete block, its `neighbourCount` nearest allowed points in the block's
   * unit cube, nearest first. Never the point itself.
   * @throws RangeError when the point is not allowed.
   */
  neighbours(raw: readonly number[]): number[][] {
    const base = this.indices(raw);
    const out: number[][] = [];
    let k = 0;
    this.blocks.forEach((block, b) => {
      if (block.kind === 'grid') {
        for (const axis of block.axes) {
          for (const step of [-1, 1]) {
            const i = base[k] + step;
            if (i < 0 || i >= axis.values.length) continue;
            const next = base.slice();
            next[k] = i;
            out.push(this.fromIndices(next));
          }
          k++;
        }
      } else {
        const encoded = this.encodedPoints.get(b) ?? [];
        for (const i of this.nearestPoints(b, encoded[base[k]], block.neighbourCount ?? 4, base[k])) {
          const next = base.slice();
          next[k] = i;
          out.push(this.fromIndices(next));
        }
        k++;
      }
    });
    return out;
  }

  /**
   * Every allowed point, the last coordinate varying fastest.
   * @param limit most points to list; default {@link DEFAULT_ENUMERATION_LIMIT}.
   * @throws RangeError when {@link SearchSpace.size} exceeds `limit`.
   */
  enumerate(limit = DEFAULT_ENUMERATION_LIMIT): number[][] {
    const size = this.size();
    if (size > BigInt(limit)) throw new RangeError(`search space: ${size} points, more than the enumeration limit ${limit}`);
    const radices = this.blocks.flatMap((block) => (block.kind === 'grid' ? block.axes.map((a) => a.values.length) : [block.points.length]));
    const indices = new Array<number>(radices.length).fill(0);
    const out: number[][] = [];
    for (let n = 0; n < Number(size); n++) {
      out.push(this.fromIndices(indices));
      for (let d = radices.length - 1; d >= 0; d--) {
        indices[d]++;
        if (indices[d] < radices[d]) break;
        indices[d] = 0;
      }
    }
    return out;
  }
}
