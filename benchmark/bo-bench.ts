/**
 * The BO bench: every tuning method on one workflow at one QoS target over
 * several seeds, scored against the true optimum with fresh invocations
 * (`bo.json`, the contract of issue 4). Deterministic for its seeds except
 * the timing fields.
 */
import type { Clock } from '../src/core/clock';
import { quantileSorted } from '../src/core/stats';
import { ConfigEvaluator } from '../src/tuning/evaluate-config';
import { createMethods, type MethodName } from '../src/tuning/method-registry';
import { findOptimum } from '../src/tuning/optimum';
import { runTuning, type TuningRun } from '../src/tuning/run-tuning';
import type { QosTarget, Workflow, WorkflowConfig } from '../src/workflow/workflow-types';

/** The optimum as reported. */
export interface BoOptimum {
  readonly config: WorkflowConfig | undefined;
  /** Mean cost per invocation on the fresh evaluation invocations (price units). */
  readonly costPerInvocation: number;
  /** The percentile on the fresh evaluation invocations, ms. */
  readonly latencyPercentileMs: number;
  /** Its percentile on the samples the search used, ms. */
  readonly searchPercentileMs: number;
  /** Samples per stage configuration of the search. */
  readonly samples: number;
  readonly proven: boolean;
}

/** One point of a convergence curve. */
export interface ConvergencePoint {
  /** Invocations spent. */
  readonly invocations: number;
  /** Median over seeds of the deployed configuration's true cost over the optimum's, where it was truly feasible (runs not there yet are left out). */
  readonly costVsOptimum: number;
  /** Seeds whose deployed configuration was truly feasible by then. */
  readonly runsFeasible: number;
}

/** One method's line of `bo.json`. Costs relative to the optimum are ratios minus 1 (0.05 = 5% above). */
export interface BoMethodRow {
  readonly name: string;
  readonly runs: number;
  readonly probes: { readonly median: number };
  readonly invocationsSpent: { readonly median: number };
  /** Final configuration's true cost vs the optimum's, over runs that deployed something. */
  readonly finalCostVsOptimum: { readonly median: number; readonly p90: number };
  /** Share of runs whose final configuration meets the target on fresh invocations. */
  readonly finalFeasibleRate: number;
  /** Share of all probes (every run) at configurations that truly miss the target. */
  readonly probeViolationRate: number;
  /** Mean wall time of a propose step, ms. Timing: differs between runs. */
  readonly msPerStep: number;
  /** Median over runs of the invocations spent until the deployed configuration was truly feasible and within 1% of the run's final cost. */
  readonly invocationsToFinal: { readonly median: number };
  /** Why the runs stopped (reason: runs). */
  readonly stopReasons: Readonly<Record<string, number>>;
  readonly convergence: readonly ConvergencePoint[];
}

/** Ours against a baseline: invocations each needed to deploy a truly feasible configuration as cheap as the baseline's final one. */
export interface HeadToHead {
  readonly baseline: string;
  /** Runs where the baseline's final configuration was feasible (the comparison is over those). */
  readonly runs: number;
  /** Median invocations the baseline spent to reach its own final cost. */
  readonly baselineInvocations: number;
  /** Median invocations ours spent to reach that cost (Infinity in a run where it never did). */
  readonly oursInvocations: number;
  /** Runs where ours reached it with fewer invocations. */
  readonly oursFewer: number;
}

/** The contract of `bo.json`. */
export interface BoReport {
  readonly workflow: string;
  readonly qos: QosTarget;
  readonly seeds: readonly number[];
  /** Fresh invocations per configuration behind every true cost and percentile. */
  readonly evaluationInvocations: number;
  readonly optimum: BoOptimum;
  readonly methods: readonly BoMethodRow[];
  readonly headToHead: readonly HeadToHead[];
}

/** Options of {@link runBoBench}. */
export interface BoBenchOptions {
  readonly seeds: readonly number[];
  readonly methods: readonly MethodName[];
  /** Fresh invocations per truth evaluation. Default 4,000. */
  readonly evaluationInvocations?: number;
  /** Samples per stage configuration of the optimum. Default 2,000. */
  readonly optimumSamples?: number;
  readonly clock: Clock;
  /** Called after each run (progress). */
  readonly onRun?: (method: string, seed: number, run: TuningRun) => void;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  return quantileSorted([...xs].sort((a, b) => a - b), 0.5);
}

/** Runs the bench (see the module comment). */
export function runBoBench(workflow: Workflow, options: BoBenchOptions): BoReport {
  const evaluationInvocations = options.evaluationInvocations ?? 4000;
  const truth = new ConfigEvaluator(workflow, evaluationInvocations);
  const samples = options.optimumSamples ?? 2000;
  const opt = findOptimum(workflow, { samples });
  if (opt.config === undefined) throw new Error(`workflow "${workflow.name}": no configuration meets p${workflow.qos.percentile} <= ${workflow.qos.targetMs} ms`);
  const optTruth = truth.truth(opt.config);
  const optimum: BoOptimum = {
    config: opt.config,
    costPerInvocation: optTruth.costPerInvocation,
    latencyPercentileMs: optTruth.latencyPercentileMs,
    searchPercentileMs: opt.latencyPercentileMs,
    samples,
    proven: opt.proven,
  };
  const rel = (config: WorkflowConfig): number => truth.truth(config).costPerInvocation / optTruth.costPerInvocation - 1;
  /** Invocations until the deployed configuration is feasible and costs at most `cost` (x optimum - 1). */
  const reach = (run: TuningRun, cost: number): number => {
    for (const s of run.steps) {
      const r = s.recommendation;
      if (r !== undefined && truth.truth(r).feasible && rel(r) <= cost + 1e-12) return s.invocationsSpent;
    }
    const f = run.final;
    return f !== undefined && truth.truth(f).feasible && rel(f) <= cost + 1e-12 ? run.invocationsSpent : Number.POSITIVE_INFINITY;
  };

  const runsByMethod = new Map<string, TuningRun[]>();
  const rows: BoMethodRow[] = [];
  for (const name of options.methods) {
    const runs: TuningRun[] = [];
    for (const seed of options.seeds) {
      const method = createMethods()[name];
      const run = runTuning(method, workflow, { seed, clock: options.clock });
      runs.push(run);
      options.onRun?.(name, seed, run);
    }
    runsByMethod.set(name, runs);
    const finals = runs.flatMap((r) => (r.final === undefined ? [] : [r.final]));
    const finalRel = finals.map(rel).sort((a, b) => a - b);
    const probes = runs.flatMap((r) => r.steps);
    const stopReasons: Record<string, number> = {};
    for (const r of runs) stopReasons[r.stopReason] = (stopReasons[r.stopReason] ?? 0) + 1;
    const maxInvocations = Math.max(0, ...runs.map((r) => r.invocationsSpent));
    const grid = convergenceGrid(maxInvocations);
    const convergence = grid.map((invocations) => {
      const values = runs.flatMap((r) => {
        const c = deployedAt(r, invocations);
        return c !== undefined && truth.truth(c).feasible ? [rel(c)] : [];
      });
      return { invocations, costVsOptimum: median(values), runsFeasible: values.length };
    });
    rows.push({
      name,
      runs: runs.length,
      probes: { median: median(runs.map((r) => r.steps.length)) },
      invocationsSpent: { median: median(runs.map((r) => r.invocationsSpent)) },
      finalCostVsOptimum: { median: quantileSorted(finalRel, 0.5), p90: quantileSorted(finalRel, 0.9) },
      finalFeasibleRate: runs.filter((r) => r.final !== undefined && truth.truth(r.final).feasible).length / runs.length,
      probeViolationRate: probes.length === 0 ? 0 : probes.filter((s) => !truth.truth(s.probe.config).feasible).length / probes.length,
      msPerStep: probes.length === 0 ? 0 : probes.reduce((a, s) => a + s.proposeMs, 0) / probes.length,
      invocationsToFinal: { median: median(runs.map((r) => (r.final === undefined ? Number.POSITIVE_INFINITY : reach(r, rel(r.final) + 0.01)))) },
      stopReasons,
      convergence,
    });
  }

  const ours = runsByMethod.get('aquatope');
  const headToHead: HeadToHead[] = [];
  if (ours !== undefined) {
    for (const [name, runs] of runsByMethod) {
      if (name === 'aquatope') continue;
      const pairs = runs.flatMap((b, i) => {
        const f = b.final;
        if (f === undefined || !truth.truth(f).feasible) return [];
        const cost = rel(f);
        return [{ baseline: reach(b, cost), ours: reach(ours[i], cost) }];
      });
      headToHead.push({
        baseline: name,
        runs: pairs.length,
        baselineInvocations: median(pairs.map((p) => p.baseline)),
        oursInvocations: median(pairs.map((p) => p.ours)),
        oursFewer: pairs.filter((p) => p.ours < p.baseline).length,
      });
    }
  }
  return { workflow: workflow.name, qos: workflow.qos, seeds: options.seeds, evaluationInvocations, optimum, methods: rows, headToHead };
}

/** What a run deployed after spending at most `invocations` (undefined before its first recommendation). */
function deployedAt(run: TuningRun, invocations: number): WorkflowConfig | undefined {
  let c: WorkflowConfig | undefined;
  for (const s of run.steps) {
    if (s.invocationsSpent > invocations) break;
    c = s.recommendation;
  }
  return run.steps.length === 0 ? run.final : c;
}

/** Invocation counts of the convergence curves: 0, then 25 steps up to the most any run spent. */
function convergenceGrid(max: number): number[] {
  if (max === 0) return [0];
  const step = Math.max(1, Math.ceil(max / 25));
  const out: number[] = [];
  for (let v = 0; v < max; v += step) out.push(v);
  out.push(max);
  return out;
}
