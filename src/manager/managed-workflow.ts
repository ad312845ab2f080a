/**
 * The workflow a `bo-step` tick tunes, mapped from what is stored and what the
 * deployment says. The stored workflow configuration (`workflow-config`
 * repository) holds the QoS target and each stage's current limits, but not
 * the DAG, the prices, the search space or the action names; those come from
 * an optional {@link WorkflowDefinitionInput} (the action's `definition`
 * param, e.g. bound in the manifest) with these defaults:
 *
 * - stages in the stored order, each waiting for the one before (a sequence);
 * - a stage's action is the stage's name;
 * - memory 128..2048 MB in 64 MB steps (2048 MB is stock OpenWhisk's largest
 *   memory limit, `whisk.memory.max`); CPU 0.1..2 cores in 0.1 steps with the
 *   CPU-limit extension, otherwise CPU follows memory (memoryMB / 1769 cores,
 *   as in stock OpenWhisk and Lambda) and only memory is searched;
 * - AWS Lambda's prices: 0.0000166667 per GB-second, and with the extension a
 *   core priced as the 1769 MB Lambda sells with one vCPU (without it CPU is
 *   priced in memory: 0 per core-second);
 * - no composition overhead.
 */
import type { WorkflowConfig as StoredWorkflowConfig } from '../store/workflow-config-repository';
import type { StageLimits } from '../store/document-parts';
import { buildStageGraph, DagError } from '../workflow/dag';
import type { Axis, Prices, StageConfig, StageSpace, StageSpec, Workflow, WorkflowConfig } from '../workflow/workflow-types';
import { steppedValues } from '../bo/search-space';
import { BoStepError } from './bo-step-error';

/** MB of memory that come with one core when CPU follows memory (Lambda's line). */
export const MB_PER_CORE = 1769;

/** Default memory axis of a stage, MB. */
export const DEFAULT_MEMORY_AXIS: Axis = { min: 128, max: 2048, step: 64 };
/** Default CPU axis of a stage with the CPU-limit extension, cores. */
export const DEFAULT_CPU_AXIS: Axis = { min: 0.1, max: 2, step: 0.1 };
/** Price of a GB-second (AWS Lambda). */
export const DEFAULT_GB_SECOND = 0.0000166667;

/** One stage as the deployment describes it (every field but `name` optional). */
export interface StageDefinitionInput {
  /** The stage's name, as in the stored configuration. */
  readonly name: string;
  /** Its OpenWhisk action, `name` or `package/name` (default: the stage's name). */
  readonly action?: string;
  /** Stages it waits for (default: the previous stage in the stored order; [] for the first). */
  readonly after?: readonly string[];
  /** Memory axis, MB (default {@link DEFAULT_MEMORY_AXIS}). */
  readonly memoryMB?: Axis;
  /** CPU axis, cores, only with the CPU-limit extension (default {@link DEFAULT_CPU_AXIS}). */
  readonly cpu?: Axis;
}

/** What the deployment says about a workflow beyond the stored configuration. */
export interface WorkflowDefinitionInput {
  /** Stages; when given, exactly the stored configuration's stages. */
  readonly stages?: readonly StageDefinitionInput[];
  /** Prices (default: see the module comment). */
  readonly prices?: Prices;
  /** Composition overhead per invocation, ms (default 0). */
  readonly overheadMs?: number;
}

/** The tuned workflow, the action of each stage and how CPU is set. */
export interface ManagedWorkflow {
  /** Stages in topological order; `runStage` throws (stages run on the platform, not here). */
  readonly workflow: Workflow;
  /** Action of each stage, in `workflow.stages` order. */
  readonly actions: readonly string[];
  /** True without the CPU-limit extension: CPU follows memory and is never set. */
  readonly cpuFollowsMemory: boolean;
}

/** The CPU that comes with `memoryMB` when CPU follows memory, cores. */
export function cpuOfMemory(memoryMB: number): number {
  return memoryMB / MB_PER_CORE;
}

function invalid(detail: string): BoStepError {
  return new BoStepError('invalid-input', `definition${detail}`);
}

function checkAxis(axis: Axis, path: string, integer: boolean): Axis {
  const fine = (v: number): boolean => Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v));
  if (!fine(axis.min) || !fine(axis.max) || !fine(axis.step) || axis.max < axis.min) {
    throw invalid(`${path}: expected {min, max, step} with 0 < min <= max and step > 0${integer ? ' (whole MB)' : ''}, found ${JSON.stringify(axis)}`);
  }
  return axis;
}

function stageSpace(input: StageDefinitionInput | undefined, path: string, cpuFollowsMemory: boolean): StageSpace {
  const memoryMB = checkAxis(input?.memoryMB ?? DEFAULT_MEMORY_AXIS, `${path}.memoryMB`, true);
  if (cpuFollowsMemory) {
    if (input?.cpu !== undefined) throw invalid(`${path}.cpu: a CPU axis needs the CPU-limit extension (CPU follows memory on stock OpenWhisk)`);
    return { kind: 'discrete', configs: steppedValues(memoryMB.min, memoryMB.max, memoryMB.step).map((m) => ({ memoryMB: m, cpu: cpuOfMemory(m) })) };
  }
  return { kind: 'grid', cpu: checkAxis(input?.cpu ?? DEFAULT_CPU_AXIS, `${path}.cpu`, false), memoryMB };
}

/**
 * The workflow of a stored configuration and a definition.
 * @throws BoStepError `invalid-input` naming the field when the definition disagrees with the stored stages or is not a DAG
 */
export function buildManagedWorkflow(stored: StoredWorkflowConfig, definition: WorkflowDefinitionInput | undefined, options: { readonly cpuLimitExtension: boolean }): ManagedWorkflow {
  const cpuFollowsMemory = !options.cpuLimitExtension;
  const names = stored.stages.map((s) => s.stage);
  const given = definition?.stages;
  if (given !== undefined) {
    const extra = given.find((g) => !names.includes(g.name));
    if (extra !== undefined) throw invalid(`.stages: unknown stage ${JSON.stringify(extra.name)} (stored: ${names.join(', ')})`);
    const missing = names.find((n) => !given.some((g) => g.name === n));
    if (missing !== undefined) throw invalid(`.stages: stage ${JSON.stringify(missing)} of the stored configuration is missing`);
  }
  const inputs = names.map((n) => given?.find((g) => g.name === n));
  const specs: StageSpec[] = names.map((name, i) => ({ name, after: inputs[i]?.after ?? (i === 0 ? [] : [names[i - 1]]) }));
  let order: readonly number[];
  try {
    order = buildStageGraph(specs, 'definition.stages').order;
  } catch (error) {
    if (error instanceof DagError) throw new BoStepError('invalid-input', error.message, error);
    throw error;
  }
  const overheadMs = definition?.overheadMs ?? 0;
  if (!(Number.isFinite(overheadMs) && overheadMs >= 0)) throw invalid(`.overheadMs: expected a finite number >= 0 (ms), found ${overheadMs}`);
  const prices = definition?.prices ?? { gbSecond: DEFAULT_GB_SECOND, cpuCoreSecond: cpuFollowsMemory ? 0 : (DEFAULT_GB_SECOND * MB_PER_CORE) / 1024 };
  if (!(prices.gbSecond >= 0 && prices.cpuCoreSecond >= 0 && Number.isFinite(prices.gbSecond + prices.cpuCoreSecond))) {
    throw invalid(`.prices: expected finite gbSecond and cpuCoreSecond >= 0, found ${JSON.stringify(prices)}`);
  }
  const stages = order.map((i) => specs[i]);
  const space = order.map((i) => stageSpace(inputs[i], `.stages[${i}]`, cpuFollowsMemory));
  const actions = order.map((i) => inputs[i]?.action ?? names[i]);
  const workflow: Workflow = {
    name: stored.workflow,
    qos: stored.qos,
    prices,
    stages,
    space,
    overheadMs,
    runStage(stage: number): never {
      throw new RangeError(`workflow "${stored.workflow}" runs on the platform: stage ${stage} cannot be simulated`);
    },
  };
  return { workflow, actions, cpuFollowsMemory };
}

/** A configuration (in `workflow.stages` order) as stage limits. */
export function toStageLimits(managed: ManagedWorkflow, config: WorkflowConfig): StageLimits[] {
  return managed.workflow.stages.map((s, i) => ({ stage: s.name, memoryMB: config[i].memoryMB, cpu: config[i].cpu }));
}

/** Stage limits (any order) as a configuration in `workflow.stages` order; undefined when the stages differ. */
export function fromStageLimits(managed: ManagedWorkflow, limits: readonly StageLimits[]): StageConfig[] | undefined {
  if (limits.length !== managed.workflow.stages.length) return undefined;
  const out: StageConfig[] = [];
  for (const s of managed.workflow.stages) {
    const l = limits.find((x) => x.stage === s.name);
    if (l === undefined) return undefined;
    out.push({ memoryMB: l.memoryMB, cpu: l.cpu });
  }
  return out;
}
