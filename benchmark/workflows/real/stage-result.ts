/**
 * What every real stage's result carries besides its own fields, and the
 * one place a stage's failures become its `{ error }` answer.
 */
import { createHash } from 'node:crypto';
import { StageFailure, type StageError, type StageParams } from './stage-params';

/** Units of work a stage did (pixels, multiply-adds, bytes, frames, ...), by name: they scale with the stage's params. */
export type WorkCounts = Readonly<Record<string, number>>;

/** The fields every successful stage result has. */
export interface StageResultBase {
  /** Peak resident set size of the action's process so far, MB (`process.resourceUsage().maxRSS / 1024`; > 0). */
  readonly peakMemoryMB: number;
  /** The units of work this activation did. */
  readonly work: WorkCounts;
  /** The workflow's input params, passed on to the later stages. */
  readonly carry: Readonly<Record<string, unknown>>;
}

/** The process's peak resident set size so far, MB (Lambda's "Max Memory Used"). */
export function peakMemoryMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Hex sha256 of some bytes or text (UTF-8). */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Runs a stage: validates `params` with `parse`, runs `work` on the typed
 * input, and answers a {@link StageFailure} (bad param, ffmpeg missing or
 * failed) as `{ error: { code, message } }`. Any other error is a bug and is
 * thrown (OpenWhisk records an action developer error).
 */
export async function runStage<I, R>(params: StageParams, parse: (params: StageParams) => I, work: (input: I) => Promise<R>): Promise<R | StageError> {
  try {
    return await work(parse(params));
  } catch (err) {
    if (err instanceof StageFailure) return { error: { code: err.code, message: err.message } };
    throw err;
  }
}
