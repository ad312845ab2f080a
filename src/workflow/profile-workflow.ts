/**
 * A validated {@link Profile} as a {@link Workflow}: the resource manager then
 * tunes a measured workflow exactly as it tunes a modelled one, choosing among
 * the measured configurations. Pure.
 */
import type { Rng } from '../core/rng';
import { buildStageGraph } from './dag';
import type { Profile } from './profile';
import type { StageConfig, StageRun, StageSpace, StageSpec, Workflow } from './workflow-types';

/**
 * The workflow a profile measured:
 * - `stages` in a topological order (the profile's order where it already is one);
 * - each stage's space `{ kind: 'discrete' }` with its measured configurations,
 *   in order of first appearance in the profile;
 * - `runStage(i, config, rng)` draws uniformly one of the runs measured for
 *   stage `i` at exactly `config` (same `memoryMB` and `cpu`; one `rng.next()`
 *   per call) and returns it as it was measured, out-of-memory flag included.
 *
 * `runStage` throws a RangeError naming the stage and the configuration when
 * that configuration was not measured, or when the stage index is out of range.
 */
export function profileWorkflow(profile: Profile): Workflow {
  const order = buildStageGraph(profile.stages).order;
  const stages: StageSpec[] = order.map((i) => profile.stages[i]);
  const configs: StageConfig[][] = stages.map(() => []);
  const runs: Map<string, readonly StageRun[]>[] = stages.map(() => new Map());
  const position = new Map(stages.map((s, i) => [s.name, i]));
  for (const m of profile.measurements) {
    const i = position.get(m.stage);
    if (i === undefined) throw new RangeError(`measurement of unknown stage "${m.stage}"`);
    configs[i].push(m.config);
    runs[i].set(configKey(m.config), m.runs);
  }
  const space: StageSpace[] = configs.map((c) => ({ kind: 'discrete', configs: c }));
  return {
    name: profile.workflow,
    qos: profile.qos,
    prices: profile.prices,
    stages,
    space,
    overheadMs: profile.overheadMs,
    runStage(stage: number, config: StageConfig, rng: Rng): StageRun {
      if (!(Number.isInteger(stage) && stage >= 0 && stage < stages.length)) {
        throw new RangeError(`workflow "${profile.workflow}" has no stage ${stage} (it has ${stages.length})`);
      }
      const measured = runs[stage].get(configKey(config));
      if (measured === undefined) {
        const known = configs[stage].map(describeConfig).join('; ');
        throw new RangeError(`stage "${stages[stage].name}" was not measured at ${describeConfig(config)} (measured: ${known})`);
      }
      return measured[Math.min(measured.length - 1, Math.floor(rng.next() * measured.length))];
    },
  };
}

function configKey(c: StageConfig): string {
  return `${c.memoryMB}/${c.cpu}`;
}

function describeConfig(c: StageConfig): string {
  return `memoryMB ${c.memoryMB}, cpu ${c.cpu}`;
}
