/**
 * Probes of the same configuration merged: a replicated probe is several
 * records of one configuration, and methods reason about configurations.
 */
import { latencyPercentile } from '../workflow/latency-percentile';
import type { WorkflowConfig } from '../workflow/workflow-types';
import type { ProbeRecord } from './probe';
import { configKey } from './workflow-search-space';

/** Every invocation measured at one configuration. */
export interface ProbeGroup {
  readonly key: string;
  readonly config: WorkflowConfig;
  readonly invocations: number;
  /** End-to-end latencies, ms, +Infinity for failures, in probe order. */
  readonly latencyMs: number[];
  /** Per stage, run times, ms. */
  readonly stageLatencyMs: number[][];
  /** Per stage, whether each run ran out of memory. */
  readonly stageOutOfMemory: boolean[][];
  /** Per stage, the largest reported peak memory, MB. */
  readonly stagePeakMemoryMB: (number | undefined)[];
  readonly failures: number;
  /** Mean cost per invocation. */
  readonly meanCost: number;
  /** Index of the group's first probe in the history. */
  readonly firstProbe: number;
}

/** The history's probes grouped by configuration, in order of first probe. */
export function groupProbes(history: readonly ProbeRecord[]): ProbeGroup[] {
  const byKey = new Map<string, { group: ProbeGroup; cost: number }>();
  const out: { group: ProbeGroup; cost: number }[] = [];
  history.forEach((p, index) => {
    const key = configKey(p.config);
    let g = byKey.get(key);
    if (g === undefined) {
      g = {
        group: { key, config: p.config, invocations: 0, latencyMs: [], stageLatencyMs: p.stageLatencyMs.map(() => []), stageOutOfMemory: p.stageOutOfMemory.map(() => []), stagePeakMemoryMB: p.stageOutOfMemory.map(() => undefined), failures: 0, meanCost: 0, firstProbe: index },
        cost: 0,
      };
      byKey.set(key, g);
      out.push(g);
    }
    const grp = g.group;
    grp.latencyMs.push(...p.latencyMs);
    p.stageLatencyMs.forEach((s, i) => grp.stageLatencyMs[i].push(...s));
    p.stageOutOfMemory.forEach((s, i) => grp.stageOutOfMemory[i].push(...s));
    p.stagePeakMemoryMB.forEach((peak, i) => {
      if (peak !== undefined) grp.stagePeakMemoryMB[i] = Math.max(grp.stagePeakMemoryMB[i] ?? 0, peak);
    });
    g.cost += p.meanCost * p.invocations;
    g.group = { ...grp, invocations: grp.invocations + p.invocations, failures: grp.failures + p.failures, meanCost: (g.cost) / (grp.invocations + p.invocations) };
  });
  return out.map((g) => g.group);
}

/** The group's observed latency percentile at `percentile`, ms. */
export function observedPercentile(group: ProbeGroup, percentile: number): number {
  return latencyPercentile(group.latencyMs, percentile);
}

/**
 * The cheapest group (by observed mean cost) whose observed percentile meets
 * `targetMs` and that had no failure; undefined when none did. What a method
 * without a model deploys.
 */
export function cheapestObservedFeasible(groups: readonly ProbeGroup[], percentile: number, targetMs: number): ProbeGroup | undefined {
  let best: ProbeGroup | undefined;
  for (const g of groups) {
    if (g.failures > 0 || !(observedPercentile(g, percentile) <= targetMs)) continue;
    if (best === undefined || g.meanCost < best.meanCost) best = g;
  }
  return best;
}
