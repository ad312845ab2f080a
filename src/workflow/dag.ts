/**
 * The stage DAG of a workflow: validation (names, dependencies, cycles), a
 * topological order, and the critical-path end-to-end latency. Pure.
 */
import type { StageSpec } from './workflow-types';

/**
 * A stage list that is not a valid DAG. `path` is a JSON path into the stage
 * list (`stages[1].after[0]`, or `stages` for the list as a whole) and the
 * message is `path: detail`, e.g. `stages[1].after[0]: unknown stage "extrct"`.
 */
export class DagError extends Error {
  override readonly name = 'DagError';

  constructor(
    /** Where the problem is, e.g. `stages[2].name`. */
    readonly path: string,
    /** What is wrong, without the path. */
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

/** A validated stage list, compiled for repeated critical-path evaluations. */
export interface StageGraph {
  /** Number of stages. */
  readonly size: number;
  /** Stage indices (into the list given to {@link buildStageGraph}) in topological order. */
  readonly order: readonly number[];
  /** For each stage index, the indices of the stages it waits for. */
  readonly predecessors: readonly (readonly number[])[];
}

/**
 * Checks that `stages` is a DAG: every name a non-empty string and unique,
 * every `after` entry naming another existing stage (once), no cycle.
 *
 * @param root the name of the list in error paths (default `stages`)
 * @throws DagError naming the first offending field; a cycle is reported as
 *   `stages: cycle a -> b -> a`
 */
export function validateStages(stages: readonly StageSpec[], root = 'stages'): void {
  buildStageGraph(stages, root);
}

/**
 * Validates `stages` (as {@link validateStages}) and compiles it: the
 * predecessors of each stage and a topological order. Among stages that are
 * ready at the same time the order keeps the list's order, so a list that is
 * already topologically sorted comes back unchanged (0, 1, 2, ...).
 *
 * @param root the name of the list in error paths (default `stages`)
 * @throws DagError as {@link validateStages}
 */
export function buildStageGraph(stages: readonly StageSpec[], root = 'stages'): StageGraph {
  const index = new Map<string, number>();
  stages.forEach((s, i) => {
    if (s.name === '') throw new DagError(`${root}[${i}].name`, 'expected a non-empty stage name');
    const first = index.get(s.name);
    if (first !== undefined) throw new DagError(`${root}[${i}].name`, `duplicate stage name "${s.name}" (also ${root}[${first}])`);
    index.set(s.name, i);
  });
  const predecessors = stages.map((s, i) => {
    const seen = new Set<string>();
    return s.after.map((dep, j) => {
      const at = `${root}[${i}].after[${j}]`;
      if (dep === s.name) throw new DagError(at, `stage "${s.name}" cannot wait for itself`);
      const k = index.get(dep);
      if (k === undefined) throw new DagError(at, `unknown stage "${dep}"`);
      if (seen.has(dep)) throw new DagError(at, `stage "${dep}" is listed twice`);
      seen.add(dep);
      return k;
    });
  });
  const order = kahnOrder(predecessors);
  if (order.length < stages.length) {
    const cycle = findCycle(predecessors).map((i) => stages[i].name);
    throw new DagError(root, `cycle ${cycle.join(' -> ')}`);
  }
  return { size: stages.length, order, predecessors };
}

/**
 * A topological order of `stages` (indices into the list; ties keep the list's order).
 * @throws DagError when `stages` is not a valid DAG
 */
export function topologicalOrder(stages: readonly StageSpec[]): number[] {
  return [...buildStageGraph(stages).order];
}

/**
 * Finish time of each stage, ms from the invocation's start, when stage `i`
 * runs for `latenciesMs[i]` ms: a stage starts when the last of the stages it
 * waits for finishes (at 0 when it waits for none).
 *
 * @param latenciesMs one run time per stage, ms, indexed like the graph's stages
 * @throws RangeError when the number of latencies differs from the number of stages
 */
export function finishTimesMs(graph: StageGraph, latenciesMs: ArrayLike<number>): number[] {
  if (latenciesMs.length !== graph.size) {
    throw new RangeError(`expected ${graph.size} stage latencies, got ${latenciesMs.length}`);
  }
  const finish = new Array<number>(graph.size).fill(0);
  for (const i of graph.order) {
    let start = 0;
    for (const p of graph.predecessors[i]) if (finish[p] > start) start = finish[p];
    finish[i] = start + latenciesMs[i];
  }
  return finish;
}

/**
 * End-to-end latency of one invocation along the critical path, ms: the
 * latest finish time over all stages ({@link finishTimesMs}); 0 for no stages.
 * The composition's overhead is not included (see `invokeWorkflow`).
 */
export function criticalPathMs(graph: StageGraph, latenciesMs: ArrayLike<number>): number {
  let end = 0;
  for (const f of finishTimesMs(graph, latenciesMs)) if (f > end) end = f;
  return end;
}

/** Kahn's algorithm, always taking the smallest ready index; shorter than n when there is a cycle. */
function kahnOrder(predecessors: readonly (readonly number[])[]): number[] {
  const n = predecessors.length;
  const waiting = predecessors.map((p) => p.length);
  const successors: number[][] = predecessors.map(() => []);
  predecessors.forEach((ps, i) => ps.forEach((p) => successors[p].push(i)));
  const done = new Array<boolean>(n).fill(false);
  const order: number[] = [];
  for (;;) {
    let next = -1;
    for (let i = 0; i < n; i++) {
      if (!done[i] && waiting[i] === 0) {
        next = i;
        break;
      }
    }
    if (next < 0) return order;
    done[next] = true;
    order.push(next);
    for (const s of successors[next]) waiting[s]--;
  }
}

/**
 * One cycle of a graph known to have one, as stage indices in dependency
 * order (each stage before the one waiting for it), starting at its lowest
 * index and with that index repeated at the end, e.g. [0, 1, 0]. Depth first
 * along predecessor edges.
 */
function findCycle(predecessors: readonly (readonly number[])[]): number[] {
  const n = predecessors.length;
  const state = new Array<0 | 1 | 2>(n).fill(0); // 0 unvisited, 1 on the stack, 2 finished
  const stack: number[] = [];
  const visit = (i: number): number[] | undefined => {
    state[i] = 1;
    stack.push(i);
    for (const p of predecessors[i]) {
      if (state[p] === 1) {
        // The stack runs along predecessor edges: stack[k + 1] is a predecessor of
        // stack[k], and p (on the stack) is a predecessor of i (its top). Reversed,
        // each stage comes before the one waiting for it.
        const deps = stack.slice(stack.indexOf(p)).reverse();
        const start = deps.indexOf(Math.min(...deps));
        const rotated = [...deps.slice(start), ...deps.slice(0, start)];
        return [...rotated, rotated[0]];
      }
      if (state[p] === 0) {
        const found = visit(p);
        if (found !== undefined) return found;
      }
    }
    stack.pop();
    state[i] = 2;
    return undefined;
  };
  for (let i = 0; i < n; i++) {
    if (state[i] === 0) {
      const found = visit(i);
      if (found !== undefined) return found;
    }
  }
  return [];
}
