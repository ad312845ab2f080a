/**
 * Stored observations back into the {@link ProbeRecord}s every tuning method
 * learns from. Only observations with per-stage runs (`stageRuns`) at the
 * workflow's current stages can be used: older, end-to-end-only documents
 * are skipped and counted. Pure.
 */
import type { Observation } from '../store/observation-repository';
import type { ProbeRecord } from '../tuning/probe';
import { stageCost } from '../workflow/invoke-workflow';
import { fromStageLimits, type ManagedWorkflow } from './managed-workflow';

/** A history and what was left out of it. */
export interface ProbeHistory {
  readonly probes: ProbeRecord[];
  /** Observations without per-stage runs, or of other stages. */
  readonly skipped: number;
}

/** The probe an observation measured; undefined when it cannot be one (see the module comment). */
export function observationToProbe(observation: Observation, managed: ManagedWorkflow): ProbeRecord | undefined {
  const config = fromStageLimits(managed, observation.config);
  const stageRuns = observation.stageRuns;
  if (config === undefined || stageRuns === undefined) return undefined;
  const ordered = managed.workflow.stages.map((s) => stageRuns.find((r) => r.stage === s.name));
  const invocations = observation.latenciesMs.length + observation.failures;
  let total = 0;
  const stageLatencyMs: number[][] = [];
  const stageOutOfMemory: boolean[][] = [];
  const stagePeakMemoryMB: (number | undefined)[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const runs = ordered[i];
    if (runs === undefined) return undefined;
    for (const ms of runs.runMs) total += stageCost(config[i], ms, managed.workflow.prices);
    stageLatencyMs.push([...runs.runMs]);
    stageOutOfMemory.push([...runs.outOfMemory]);
    stagePeakMemoryMB.push(runs.peakMemoryMB ?? undefined);
  }
  return {
    config,
    invocations,
    latencyMs: [...observation.latenciesMs, ...Array.from({ length: observation.failures }, () => Number.POSITIVE_INFINITY)],
    stageLatencyMs,
    stageOutOfMemory,
    stagePeakMemoryMB,
    failures: observation.failures,
    meanCost: total / invocations,
  };
}

/** The history of the observations, in their (time) order. */
export function probeHistory(observations: readonly Observation[], managed: ManagedWorkflow): ProbeHistory {
  const probes: ProbeRecord[] = [];
  let skipped = 0;
  for (const o of observations) {
    const p = observationToProbe(o, managed);
    if (p === undefined) skipped++;
    else probes.push(p);
  }
  return { probes, skipped };
}
