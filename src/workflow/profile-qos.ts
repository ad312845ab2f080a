/**
 * QoS targets of a measured workflow, by the modelled workflows' rule: a
 * multiple of the p95 end-to-end latency with every stage at its fastest
 * measured configuration (lowest median run time among configurations that
 * never ran out of memory), estimated from 1,000 invocations drawn from the
 * measured runs with a generator seeded by the workflow's name, rounded up
 * to 10 ms. Every such target is achievable (the fastest configurations
 * meet it in the estimate). Pure.
 */
import { hashString, SeededRng } from '../core/rng';
import { invokeWorkflowWindow } from './invoke-workflow';
import { latencyPercentile } from './latency-percentile';
import type { Profile } from './profile';
import { profileWorkflow } from './profile-workflow';
import type { QosTarget, StageConfig, Workflow } from './workflow-types';

/** Invocations drawn to estimate the percentile at the fastest configurations. */
export const PROFILE_QOS_INVOCATIONS = 1000;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Each stage's fastest measured configuration, in `workflow`'s stage order.
 * @throws RangeError naming a stage every configuration of which ran out of memory
 */
export function fastestConfigs(profile: Profile, workflow: Workflow): StageConfig[] {
  return workflow.stages.map((s) => {
    let best: { config: StageConfig; ms: number } | undefined;
    for (const m of profile.measurements) {
      if (m.stage !== s.name || m.runs.length === 0 || m.runs.some((r) => r.outOfMemory)) continue;
      const ms = median(m.runs.map((r) => r.latencyMs));
      if (best === undefined || ms < best.ms) best = { config: m.config, ms };
    }
    if (best === undefined) throw new RangeError(`stage ${s.name}: every measured configuration ran out of memory`);
    return best.config;
  });
}

/** The target `factor` x the `percentile` at the fastest measured configurations (see the module comment). */
export function profileQosTarget(profile: Profile, percentile: number, factor: number): QosTarget {
  const workflow = profileWorkflow(profile);
  const window = invokeWorkflowWindow(workflow, fastestConfigs(profile, workflow), PROFILE_QOS_INVOCATIONS, new SeededRng(hashString(`qos:${profile.workflow}`)));
  return { percentile, targetMs: Math.ceil((factor * latencyPercentile(window.latencyMs, percentile)) / 10) * 10 };
}
