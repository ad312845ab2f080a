/** Shared by the real-stage tests: unwrapping a stage's answer, and asserting its error. */
import type { WarmupReply } from '../../../../src/platform/managed-action';
import type { StageError } from '../../../../benchmark/workflows/real/stage-params';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether an answer is a stage's `{ error: { code, message } }`. */
export function isStageError(value: unknown): value is StageError {
  return isRecord(value) && isRecord(value['error']) && typeof value['error']['code'] === 'string';
}

function isWarmup(value: unknown): value is WarmupReply {
  return isRecord(value) && value['warmed'] === true;
}

/** The successful result of a stage's answer; throws (failing the test) on an error or a warm-up reply. */
export async function ok<T extends object>(answer: T | StageError | WarmupReply | Promise<T | StageError | WarmupReply>): Promise<T> {
  const value = await answer;
  if (isStageError(value)) throw new Error(`the stage answered an error: ${JSON.stringify(value.error)}`);
  if (isWarmup(value)) throw new Error('the stage answered a warm-up reply');
  return value;
}

/** The `{ error }` of a stage's answer; throws when it succeeded. */
export async function failure(answer: unknown): Promise<StageError['error']> {
  const value: unknown = await answer;
  if (!isStageError(value)) throw new Error(`expected an error answer, found ${JSON.stringify(value)?.slice(0, 300)}`);
  return value.error;
}

/** Whether every number of `values` is larger than the one before. */
export function strictlyIncreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v > (values[i - 1] ?? Number.NEGATIVE_INFINITY));
}
