/**
 * The truth about a configuration, for the benches: its mean cost and
 * latency percentile over many fresh invocations from a fixed seed (the same
 * invocations for every method, so their configurations compare without
 * sampling noise). Memoised per configuration.
 */
import { hashString, SeededRng } from '../core/rng';
import { invokeWorkflowWindow } from '../workflow/invoke-workflow';
import { latencyPercentile } from '../workflow/latency-percentile';
import type { Workflow, WorkflowConfig } from '../workflow/workflow-types';
import { configKey } from './workflow-search-space';

/** What a configuration really does. */
export interface ConfigTruth {
  readonly costPerInvocation: number;
  readonly latencyPercentileMs: number;
  /** The percentile meets the workflow's target. */
  readonly feasible: boolean;
}

/** Evaluates configurations of one workflow with `invocations` fresh invocations each (default 4,000). */
export class ConfigEvaluator {
  private readonly memo = new Map<string, ConfigTruth>();
  constructor(
    private readonly workflow: Workflow,
    private readonly invocations = 4000,
    private readonly seed = 'fresh',
  ) {}

  truth(config: WorkflowConfig): ConfigTruth {
    const key = configKey(config);
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const w = invokeWorkflowWindow(this.workflow, config, this.invocations, new SeededRng(hashString(`${this.seed}:${this.workflow.name}`)));
    const p = latencyPercentile(w.latencyMs, this.workflow.qos.percentile);
    const t = { costPerInvocation: w.meanCost, latencyPercentileMs: p, feasible: p <= this.workflow.qos.targetMs };
    this.memo.set(key, t);
    return t;
  }
}
