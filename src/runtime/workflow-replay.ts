/**
 * The managed workflows in the local runtime. Each workflow is driven by one
 * function of the replayed trace: every activation of that function is one
 * invocation of the workflow at the same moment. An invocation's stage runs
 * are drawn from the workflow's model at the limits its stage actions have
 * right now on the local OpenWhisk (so what `bo-step` set through the API is
 * what runs), and each becomes an activation record of its stage action, a
 * stage starting when the stages it waits for have ended; the invocation
 * itself is a record of the workflow's entry action (`<package>/invoke`),
 * whose duration is the end-to-end latency (what the collector reads).
 *
 * The same invocation is also drawn, with the same random numbers, at the
 * baseline configuration (every stage at the largest stock limit), so the
 * report compares QoS violations and cost on identical load. Stage runs are
 * warm here: the stages' containers are not part of the simulated pool.
 */
import { hashString, SeededRng } from '../core/rng';
import { buildStageGraph, finishTimesMs, type StageGraph } from '../workflow/dag';
import { stageCost } from '../workflow/invoke-workflow';
import type { StageConfig, Workflow, WorkflowConfig } from '../workflow/workflow-types';

/** A workflow the runtime replays. */
export interface ReplayedWorkflow {
  /** The model its stage runs are drawn from (a `Workflow` whose `runStage` works). */
  readonly model: Workflow;
  /** The OpenWhisk package of its actions: one per stage (named as the stage) and `invoke`. */
  readonly packageName: string;
  /** The trace function (index) whose activations are its invocations. */
  readonly driver: number;
  /** What the stages run at without the manager, and where the search starts. */
  readonly baseline: WorkflowConfig;
}

/** The entry action of a replayed workflow's package. */
export const WORKFLOW_ENTRY_ACTION = 'invoke';

/** One activation the replay produced, for the local OpenWhisk to record. */
export interface ReplayActivation {
  readonly packageName: string;
  readonly action: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly result: Record<string, unknown>;
  /** Whether it failed (a stage out of memory, or the invocation it failed). */
  readonly failed: boolean;
}

/** Running totals of one workflow under one configuration source. */
export interface WorkflowTotals {
  invocations: number;
  /** Invocations over the target latency (a failed one counts as over). */
  overTarget: number;
  failed: number;
  /** Execution cost, $ (every stage run at its limits). */
  cost: number;
  /** End-to-end latencies, ms (+Infinity for a failed invocation). */
  latenciesMs: number[];
}

function emptyTotals(): WorkflowTotals {
  return { invocations: 0, overTarget: 0, failed: 0, cost: 0, latenciesMs: [] };
}

/** The limits a stage action has now. */
export type LimitsLookup = (packageName: string, stage: string) => StageConfig;

/** Replays the workflows' invocations and keeps their totals. */
export class WorkflowReplay {
  private readonly graphs: StageGraph[];
  private readonly byDriver = new Map<number, number[]>();
  /** Per workflow: under the manager, and at the baseline configuration. */
  readonly managed: WorkflowTotals[];
  readonly baseline: WorkflowTotals[];

  constructor(
    readonly workflows: readonly ReplayedWorkflow[],
    private readonly limitsOf: LimitsLookup,
    private readonly seed: number,
  ) {
    this.graphs = workflows.map((w) => buildStageGraph(w.model.stages, `${w.model.name}.stages`));
    workflows.forEach((w, i) => {
      const list = this.byDriver.get(w.driver) ?? [];
      list.push(i);
      this.byDriver.set(w.driver, list);
    });
    this.managed = workflows.map(emptyTotals);
    this.baseline = workflows.map(emptyTotals);
  }

  /** Whether `fn` drives a workflow. */
  drives(fn: number): boolean {
    return this.byDriver.has(fn);
  }

  /** The invocations a driver activation starting at `startMs` (epoch ms) causes, as activation records. */
  invoke(fn: number, startMs: number): ReplayActivation[] {
    const out: ReplayActivation[] = [];
    for (const w of this.byDriver.get(fn) ?? []) out.push(...this.invokeOne(w, startMs));
    return out;
  }

  private invokeOne(w: number, startMs: number): ReplayActivation[] {
    const wf = this.workflows[w];
    const model = wf.model;
    const n = this.managed[w].invocations;
    const config = model.stages.map((s) => this.limitsOf(wf.packageName, s.name));
    const managed = this.draw(w, config, n);
    this.draw(w, wf.baseline, n, this.baseline[w]);
    const finish = managed.finish;
    const records: ReplayActivation[] = model.stages.map((s, i) => {
      const run = managed.runs[i];
      const end = startMs + finish[i];
      const result: Record<string, unknown> = run.outOfMemory
        ? { error: 'The action exhausted its memory and was aborted.' }
        : { stage: s.name, ...(run.peakMemoryMB === undefined ? {} : { peakMemoryMB: run.peakMemoryMB }) };
      return { packageName: wf.packageName, action: s.name, startMs: end - run.latencyMs, endMs: end, result, failed: run.outOfMemory };
    });
    const e2e = managed.latencyMs;
    records.push({
      packageName: wf.packageName,
      action: WORKFLOW_ENTRY_ACTION,
      startMs,
      endMs: startMs + (Number.isFinite(e2e) ? e2e : Math.max(...finish)),
      result: managed.failed ? { error: `a stage of ${model.name} ran out of memory` } : { workflow: model.name, latencyMs: e2e },
      failed: managed.failed,
    });
    return records;
  }

  /** Draws invocation `n` of workflow `w` at `config` with the invocation's own random numbers, and counts it. */
  private draw(w: number, config: WorkflowConfig, n: number, totals: WorkflowTotals = this.managed[w]) {
    const model = this.workflows[w].model;
    const rng = new SeededRng(hashString(`replay:${this.seed}:${model.name}:${n}`));
    const runs = model.stages.map((_s, i) => model.runStage(i, config[i], rng));
    const latencies = runs.map((r) => r.latencyMs);
    const failed = runs.some((r) => r.outOfMemory);
    const finish = finishTimesMs(this.graphs[w], latencies);
    let end = 0;
    for (const f of finish) if (f > end) end = f;
    const latencyMs = failed ? Number.POSITIVE_INFINITY : end + model.overheadMs;
    totals.invocations++;
    if (failed) totals.failed++;
    if (!(latencyMs <= model.qos.targetMs)) totals.overTarget++;
    totals.cost += runs.reduce((sum, r, i) => sum + stageCost(config[i], r.latencyMs, model.prices), 0);
    totals.latenciesMs.push(latencyMs);
    return { runs, finish, failed, latencyMs };
  }
}
