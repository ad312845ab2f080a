/**
 * `--functions SPEC`: which rows of the trace the load replays. The grammar is
 * the locustfile's (`locust/locustfile.py`, `parse_function_spec`), so a spec
 * means the same on both sides.
 */
import { UsageError } from '../cli/parse-options';
import type { InvocationTrace } from '../trace/types';
import { LoadValidationError } from './load-errors';

/**
 * Which trace rows to replay:
 * - `first:N`: rows 0..N-1 (all rows when the trace has fewer);
 * - `top:N`: the N busiest rows over the replayed minutes (most invocations
 *   first, ties by row order; all rows when the trace has fewer);
 * - `I,J,K`: these 0-based rows, in this order (a single number is one row).
 */
export type FunctionSpec =
  | { readonly kind: 'first'; readonly count: number }
  | { readonly kind: 'top'; readonly count: number }
  | { readonly kind: 'indices'; readonly indices: readonly number[] };

const DIGITS = /^\d+$/;

/** The counted forms of a spec. */
const COUNTED_KINDS: readonly ('first' | 'top')[] = ['first', 'top'];

/**
 * Parses a spec.
 *
 * @param flag the option, for messages (`--functions`)
 * @throws UsageError naming the value when it is none of the forms, a count is
 *   below 1, or an index repeats
 */
export function parseFunctionSpec(flag: string, value: string): FunctionSpec {
  const text = value.trim();
  for (const kind of COUNTED_KINDS) {
    if (text.startsWith(`${kind}:`)) {
      const n = text.slice(kind.length + 1);
      if (!DIGITS.test(n) || !Number.isSafeInteger(Number(n)) || Number(n) < 1) {
        throw new UsageError(`${flag} "${value}": ${kind}:N needs a whole number N >= 1`);
      }
      return { kind, count: Number(n) };
    }
  }
  const parts = text.split(',').map((p) => p.trim());
  if (text === '' || parts.some((p) => !DIGITS.test(p) || !Number.isSafeInteger(Number(p)))) {
    throw new UsageError(`${flag} must be first:N, top:N or comma-separated 0-based row indices like 0,3,7, got "${value}"`);
  }
  const indices = parts.map(Number);
  if (new Set(indices).size !== indices.length) throw new UsageError(`${flag} "${value}": an index is repeated`);
  return { kind: 'indices', indices };
}

/** The spec as the locustfile's `--functions` takes it. */
export function formatFunctionSpec(spec: FunctionSpec): string {
  return spec.kind === 'indices' ? spec.indices.join(',') : `${spec.kind}:${spec.count}`;
}

/**
 * The rows a spec picks from a trace, in load order (the order that assigns
 * workflows round-robin).
 *
 * @param minutes the replayed half-open range of 0-based minute offsets (for `top:N`)
 * @throws LoadValidationError naming the spec when an index is not a row of the trace
 */
export function selectFunctions(trace: InvocationTrace, spec: FunctionSpec, minutes: { readonly start: number; readonly end: number }): number[] {
  const rows = trace.functions.length;
  const label = trace.source;
  if (spec.kind === 'indices') {
    const outside = spec.indices.find((i) => i >= rows);
    if (outside !== undefined) {
      throw new LoadValidationError(`--functions: index ${outside} is outside the trace ${label} (${rows} functions, 0..${rows - 1})`);
    }
    return [...spec.indices];
  }
  const count = Math.min(spec.count, rows);
  if (spec.kind === 'first') return Array.from({ length: count }, (_, i) => i);
  const totals = trace.functions.map((f, index) => {
    let total = 0;
    for (let m = minutes.start; m < minutes.end; m++) total += f.counts[m];
    return { index, total };
  });
  totals.sort((a, b) => b.total - a.total || a.index - b.index);
  return totals.slice(0, count).map((t) => t.index);
}
