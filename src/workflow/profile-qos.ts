/**
 * QoS targets of a measured workflow, by the modelled workflows' rule: a
 * multiple of the p95 end-to-end latency at maximum resources, every stage at
 * its largest measured configuration (the most memory, then the most CPU),
 * estimated from 1,000 invocations drawn from the measured runs with a
 * generator seeded by the workflow's name, rounded up to 10 ms. Every such
 * target is achievable (maximum resources meet it in the estimate), and the
 * tuners start there. On real stages maximum resources is not always the
 * fastest (a single-threaded stage gains nothing from a second core, and
 * run-to-run noise does the rest), so a configuration may beat it. Pure.
 */
import { hashString, SeededRng } from '../core/rng';
import { invokeWorkflowWindow } from './invoke-workflow';
import { latencyPercentile } from './latency-percentile';
import type { Profile } from './profile';
import { profileWorkflow } from './profile-workflow';
import type { QosTarget, StageConfig, Workflow } from './workflow-types';

/** Invocations drawn to estimate the percentile at the largest configurations. */
export const PROFILE_QOS_INVOCATIONS = 1000;

/**
 * Each stage's largest measured configuration (the most memory, then the most CPU), in `workflow`'s stage order.
 * @throws RangeError naming a stage that ran out of memory there
 */
export function largestConfigs(profile: Profile, workflow: Workflow): StageConfig[] {
  return workflow.stages.map((s) => {
    const mine = profile.measurements.filter((m) => m.stage === s.name);
    const largest = mine.reduce((best, m) => (m.config.memoryMB > best.config.memoryMB || (m.config.memoryMB === best.config.memoryMB && m.config.cpu > best.config.cpu) ? m : best));
    const there = mine.filter((m) => m.config.memoryMB === largest.config.memoryMB && m.config.cpu === largest.config.cpu);
    if (there.some((m) => m.runs.some((r) => r.outOfMemory))) throw new RangeError(`stage ${s.name}: ran out of memory at its largest configuration (${largest.config.memoryMB} MB, ${largest.config.cpu} cores)`);
    return largest.config;
  });
}

/** The target `factor` x the `percentile` at the largest measured configurations (see the module comment). */
export function profileQosTarget(profile: Profile, percentile: number, factor: number): QosTarget {
  const workflow = profileWorkflow(profile);
  const window = invokeWorkflowWindow(workflow, largestConfigs(profile, workflow), PROFILE_QOS_INVOCATIONS, new SeededRng(hashString(`qos:${profile.workflow}`)));
  return { percentile, targetMs: Math.ceil((factor * latencyPercentile(window.latencyMs, percentile)) / 10) * 10 };
}
