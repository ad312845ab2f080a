/**
 * The `bo-step` action's params, validated into a typed input. Every bad
 * value is an {@link InvalidParamError} naming the param (by JSON path) and
 * the value. Config params (`couchdbUrl`, `leaseMs`, ...) are read by
 * `loadConfig`, not here.
 */
import type { StageDefinitionInput, WorkflowDefinitionInput } from '../../src/manager/managed-workflow';
import { isMethodName, METHOD_NAMES, type MethodName } from '../../src/tuning/method-registry';
import type { Axis, Prices } from '../../src/workflow/workflow-types';
import { InvalidParamError, ISO_TIME, preview } from '../../src/params/invalid-param';

export { InvalidParamError };

/** A shard of the workflows: this activation is `index` of `count` parallel ones. */
export interface Shard {
  /** 0-based, < count. */
  readonly index: number;
  /** >= 1. */
  readonly count: number;
}

/** The action's typed input. */
export interface BoStepParams {
  readonly workflow: string;
  /** ISO 8601 with a zone; undefined: not given (the action uses the current probe window's start). */
  readonly fireTime: string | undefined;
  readonly method: MethodName | undefined;
  readonly shard: Shard | undefined;
  readonly definition: WorkflowDefinitionInput | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}


function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidParamError(path, `expected a non-empty string, found ${preview(value)}`);
  return value;
}

function expectNumber(value: unknown, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new InvalidParamError(path, `expected a finite number >= ${min}, found ${preview(value)}`);
  return value;
}

function expectAxis(value: unknown, path: string): Axis {
  if (!isRecord(value)) throw new InvalidParamError(path, `expected {min, max, step}, found ${preview(value)}`);
  return { min: expectNumber(value.min, `${path}.min`, 0), max: expectNumber(value.max, `${path}.max`, 0), step: expectNumber(value.step, `${path}.step`, 0) };
}

function expectStage(value: unknown, path: string): StageDefinitionInput {
  if (!isRecord(value)) throw new InvalidParamError(path, `expected a stage object, found ${preview(value)}`);
  const after = value.after;
  if (after !== undefined && !(Array.isArray(after) && after.every((a) => typeof a === 'string'))) {
    throw new InvalidParamError(`${path}.after`, `expected a list of stage names, found ${preview(after)}`);
  }
  return {
    name: expectString(value.name, `${path}.name`),
    ...(value.action === undefined ? {} : { action: expectString(value.action, `${path}.action`) }),
    ...(Array.isArray(after) ? { after: after.filter((a): a is string => typeof a === 'string') } : {}),
    ...(value.memoryMB === undefined ? {} : { memoryMB: expectAxis(value.memoryMB, `${path}.memoryMB`) }),
    ...(value.cpu === undefined ? {} : { cpu: expectAxis(value.cpu, `${path}.cpu`) }),
  };
}

function expectPrices(value: unknown, path: string): Prices {
  if (!isRecord(value)) throw new InvalidParamError(path, `expected {gbSecond, cpuCoreSecond}, found ${preview(value)}`);
  return { gbSecond: expectNumber(value.gbSecond, `${path}.gbSecond`, 0), cpuCoreSecond: expectNumber(value.cpuCoreSecond, `${path}.cpuCoreSecond`, 0) };
}

function expectDefinition(value: unknown): WorkflowDefinitionInput {
  const path = 'definition';
  if (!isRecord(value)) throw new InvalidParamError(path, `expected an object, found ${preview(value)}`);
  const stages = value.stages;
  if (stages !== undefined && !Array.isArray(stages)) throw new InvalidParamError(`${path}.stages`, `expected a list of stages, found ${preview(stages)}`);
  return {
    ...(Array.isArray(stages) ? { stages: stages.map((s, i) => expectStage(s, `${path}.stages[${i}]`)) } : {}),
    ...(value.prices === undefined ? {} : { prices: expectPrices(value.prices, `${path}.prices`) }),
    ...(value.overheadMs === undefined ? {} : { overheadMs: expectNumber(value.overheadMs, `${path}.overheadMs`, 0) }),
  };
}

function expectShard(value: unknown): Shard {
  if (!isRecord(value)) throw new InvalidParamError('shard', `expected {index, count}, found ${preview(value)}`);
  const { index, count } = value;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw new InvalidParamError('shard.count', `expected an integer >= 1, found ${preview(count)}`);
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new InvalidParamError('shard.index', `expected an integer in [0, ${count - 1}], found ${preview(index)}`);
  }
  return { index, count };
}

/**
 * Validates the params.
 * @throws InvalidParamError naming the first bad param
 */
export function parseBoStepParams(params: Record<string, unknown>): BoStepParams {
  const workflow = expectString(params.workflow, 'workflow');
  const rawFire = params.fireTime;
  let fireTime: string | undefined;
  if (rawFire !== undefined && rawFire !== null) {
    if (typeof rawFire !== 'string' || !ISO_TIME.test(rawFire) || !Number.isFinite(Date.parse(rawFire))) {
      throw new InvalidParamError('fireTime', `expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found ${preview(rawFire)}`);
    }
    fireTime = rawFire;
  }
  const rawMethod = params.method;
  let method: MethodName | undefined;
  if (rawMethod !== undefined && rawMethod !== null) {
    if (typeof rawMethod !== 'string' || !isMethodName(rawMethod)) throw new InvalidParamError('method', `expected one of ${METHOD_NAMES.join(', ')}, found ${preview(rawMethod)}`);
    method = rawMethod;
  }
  return {
    workflow,
    fireTime,
    method,
    shard: params.shard === undefined || params.shard === null ? undefined : expectShard(params.shard),
    definition: params.definition === undefined || params.definition === null ? undefined : expectDefinition(params.definition),
  };
}
