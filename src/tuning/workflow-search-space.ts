/**
 * A workflow's configurations as a {@link SearchSpace}: one block per stage,
 * a grid block (axes `cpu` then `memoryMB`) for a grid stage, a discrete block
 * of measured `[cpu, memoryMB]` points for a profiled stage. A raw point is
 * `[cpu_0, memoryMB_0, cpu_1, memoryMB_1, ...]` in stage order. Pure.
 */
import { SearchSpace, steppedValues, type SearchBlock } from '../bo/search-space';
import type { StageConfig, StageSpace, Workflow, WorkflowConfig } from '../workflow/workflow-types';

/** The search block of one stage's space. */
export function stageBlock(name: string, space: StageSpace): SearchBlock {
  if (space.kind === 'grid') {
    return {
      kind: 'grid',
      name,
      axes: [
        { name: 'cpu', values: steppedValues(space.cpu.min, space.cpu.max, space.cpu.step) },
        { name: 'memoryMB', values: steppedValues(space.memoryMB.min, space.memoryMB.max, space.memoryMB.step) },
      ],
    };
  }
  return { kind: 'discrete', name, axisNames: ['cpu', 'memoryMB'], points: space.configs.map((c) => [c.cpu, c.memoryMB]) };
}

/** The search space of every stage of `workflow`, in stage order. */
export function workflowSearchSpace(workflow: Workflow): SearchSpace {
  return new SearchSpace(workflow.stages.map((s, i) => stageBlock(s.name, workflow.space[i])));
}

/** The raw point of a configuration. */
export function configToPoint(config: WorkflowConfig): number[] {
  return config.flatMap((c) => [c.cpu, c.memoryMB]);
}

/**
 * The configuration of a raw point.
 * @throws RangeError when the point has an odd number of coordinates
 */
export function pointToConfig(point: readonly number[]): StageConfig[] {
  if (point.length % 2 !== 0) throw new RangeError(`a workflow point has two coordinates per stage, got ${point.length}`);
  const out: StageConfig[] = [];
  for (let i = 0; i < point.length; i += 2) out.push({ cpu: point[i], memoryMB: point[i + 1] });
  return out;
}

/** Every stage's allowed configurations (a grid expanded), in stage order. */
export function stageConfigurations(space: StageSpace): StageConfig[] {
  if (space.kind === 'discrete') return space.configs.slice();
  const out: StageConfig[] = [];
  for (const cpu of steppedValues(space.cpu.min, space.cpu.max, space.cpu.step)) {
    for (const memoryMB of steppedValues(space.memoryMB.min, space.memoryMB.max, space.memoryMB.step)) out.push({ cpu, memoryMB });
  }
  return out;
}

/** The largest configuration of a stage space: the top of both grid axes, or the measured configuration with the most CPU then memory. */
export function largestStageConfig(space: StageSpace): StageConfig {
  if (space.kind === 'grid') return { cpu: steppedValues(space.cpu.min, space.cpu.max, space.cpu.step).slice(-1)[0], memoryMB: steppedValues(space.memoryMB.min, space.memoryMB.max, space.memoryMB.step).slice(-1)[0] };
  let best = space.configs[0];
  for (const c of space.configs) if (c.cpu > best.cpu || (c.cpu === best.cpu && c.memoryMB > best.memoryMB)) best = c;
  return best;
}

/** A stable key of a configuration ("cpu/memoryMB" per stage, joined by "|"). */
export function configKey(config: WorkflowConfig): string {
  return config.map((c) => `${c.cpu}/${c.memoryMB}`).join('|');
}

/**
 * The configurations of `space` whose CPU per GB of memory is at most
 * `coresPerGB` (cores per 1,024 MB, within 1e-9), as a discrete space in the
 * space's own order (a grid by CPU, then memory). With the invoker's own
 * ratio (16 cores per 32 GiB: 0.5) a stage cannot ask for more cores than
 * its memory's share of an invoker, so memory-only placement, which packs an
 * invoker full by memory, never puts more CPU limits on it than it has
 * cores. Pure.
 * @param stage the stage's name, for the error.
 * @throws RangeError when `coresPerGB` is not a finite number > 0, or no
 *   configuration of the space is within it (naming the stage and the least
 *   ratio the space allows).
 */
export function capCpuPerGB(space: StageSpace, coresPerGB: number, stage: string): StageSpace {
  if (!(coresPerGB > 0) || !Number.isFinite(coresPerGB)) throw new RangeError(`CPU per GB cap must be a finite number of cores > 0, got ${coresPerGB}`);
  const all = stageConfigurations(space);
  const ratio = (c: StageConfig): number => (c.cpu * 1024) / c.memoryMB;
  const kept = all.filter((c) => ratio(c) <= coresPerGB + 1e-9);
  if (kept.length === 0) {
    const least = Math.min(...all.map(ratio));
    throw new RangeError(`stage "${stage}" has no configuration within ${coresPerGB} cores per GB (its least is ${Number(least.toFixed(6))})`);
  }
  return { kind: 'discrete', configs: kept };
}
