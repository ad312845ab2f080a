/**
 * The workflows the live runtime manages, and the search space it tunes them
 * in: each real workflow's DAG (benchmark/workflows/real-workflows.ts) with
 * the QoS target, prices and composition overhead of its committed measured
 * profile (`benchmark/profiles/<workflow>.json`, written by `npm run
 * profile` on this machine), so the live loop is judged against the same
 * targets as the resource manager's bench on that profile. The profiles time
 * each stage alone on a quiet machine; under load on 2 cores an invocation's
 * parallel stages slow each other down, hence the live loop's default loose level.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowName } from '../../benchmark/workflows';
import { REAL_WORKFLOWS } from '../../benchmark/workflows/real-workflows';
import { readProfileFile } from '../adapters/profile-file';
import type { StageConfig } from '../workflow/workflow-types';
import { profileQosTarget } from '../workflow/profile-qos';
import { QOS_FACTORS, QOS_PERCENTILE, type QosLevel } from '../../benchmark/workflows/modelled-workflow';
import type { LiveRuntimeOptions, LiveWorkflow } from './live-runtime';

/** bo-step's search space of every live stage: 0.25..2 cores in 0.25 steps, 128..1,024 MB in 128 MB steps (the profiles' grid spans it). */
export const LIVE_SPACE: LiveRuntimeOptions['space'] = {
  cpu: { min: 0.25, max: 2, step: 0.25 },
  memoryMB: { min: 128, max: 1024, step: 128 },
};

/** Where an untuned live stage starts, and the baseline's "maximum resources": the top of {@link LIVE_SPACE}. */
export const LIVE_MAX_LIMITS: StageConfig = { memoryMB: LIVE_SPACE.memoryMB.max, cpu: LIVE_SPACE.cpu.max };

/** The committed profile of a workflow. */
export function profilePath(repo: string, workflow: WorkflowName): string {
  return join(repo, 'benchmark', 'profiles', `${workflow}.json`);
}

/**
 * The live workflows, targets (at `level`: tight, medium or loose, 1.2, 1.6
 * or 2.5 x the p95 at the largest measured configurations, or that many
 * times it when a number) and prices from their committed profiles.
 * @throws Error naming the missing profile and the command that writes it
 */
export async function liveWorkflowsFromProfiles(repo: string, names: readonly WorkflowName[], level: QosLevel | number = 'medium'): Promise<LiveWorkflow[]> {
  const factor = typeof level === 'number' ? level : QOS_FACTORS[level];
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`QoS factor must be a finite number > 0, got ${factor}`);
  const out: LiveWorkflow[] = [];
  for (const name of names) {
    const path = profilePath(repo, name);
    if (!existsSync(path)) throw new Error(`${path}: no measured profile of ${name} (write one with: npm run profile -- --workflow ${name})`);
    const profile = await readProfileFile(path);
    const real = REAL_WORKFLOWS[name];
    out.push({
      name,
      stages: real.stages.map((s) => ({ name: s.name, after: [...s.after] })),
      // The level's target by the modelled workflows' rule on the measured runs (medium: the profile's own).
      qos: profileQosTarget(profile, QOS_PERCENTILE, factor),
      prices: profile.prices,
      overheadMs: profile.overheadMs,
    });
  }
  return out;
}
