/**
 * The `bo-step` platform port over the OpenWhisk adapter: a stage's
 * activations in a window (full records, so a failure's cause is known), and
 * limit updates.
 *
 * A run's time is the activation's duration less its init time: OpenWhisk
 * counts a cold start's init in the duration, but a cold start is the pool's
 * doing, not the configuration's (after every limits change the first runs
 * start new containers), and the profiles the tuners are benched on time
 * warm runs too.
 *
 * An activation ran out of memory when it failed and its error says so
 * (OpenWhisk: "The action exhausted its memory and was aborted."). Its peak
 * memory is read from the result's `peakMemoryMB` when the action reports it
 * (a number > 0); otherwise none.
 */
import type { ActivationInfo } from '../platform/platform-records';
import { isWarmupReply } from '../platform/managed-action';
import type { OpenWhiskPlatform } from '../platform/openwhisk';
import type { ActivationWindow, BoStepPlatform, LimitsApplied, StageActivation, StageLimitsChange, WarmupOutcome } from './bo-step-ports';

/** The platform calls the port needs (an {@link OpenWhiskPlatform} has them). */
export type BoStepPlatformCalls = Pick<OpenWhiskPlatform, 'listActivationsSince' | 'updateActionLimits' | 'prewarm'>;

function errorText(result: unknown): string {
  if (typeof result === 'object' && result !== null && 'error' in result) {
    const e = result.error;
    return typeof e === 'string' ? e : JSON.stringify(e) ?? '';
  }
  return '';
}

function peakOf(result: unknown): number | undefined {
  if (typeof result === 'object' && result !== null && 'peakMemoryMB' in result) {
    const v = result.peakMemoryMB;
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  }
  return undefined;
}

/**
 * An activation record as the tick sees it; undefined when it has not ended
 * (no duration yet) or was a warm-up invocation (answered `{ warmed: true }`
 * without running the stage: the pool sizer's prewarms are not probe runs).
 */
export function toStageActivation(a: ActivationInfo): StageActivation | undefined {
  if (isWarmupReply(a.response?.result)) return undefined;
  const totalMs = a.duration ?? (a.end === undefined ? undefined : a.end - a.start);
  if (totalMs === undefined) return undefined;
  const durationMs = Math.max(0, totalMs - (a.initTimeMs ?? 0));
  const success = a.response?.success ?? a.statusCode === 0;
  const result = a.response?.result;
  const peak = peakOf(result);
  return {
    activationId: a.activationId,
    startMs: a.start,
    durationMs,
    success,
    outOfMemory: !success && /memory/i.test(errorText(result)),
    ...(peak === undefined ? {} : { peakMemoryMB: peak }),
  };
}

/** The port over `platform`. */
export function openWhiskBoStepPlatform(platform: BoStepPlatformCalls): BoStepPlatform {
  return {
    async stageActivations(action: string, window: ActivationWindow): Promise<StageActivation[]> {
      const records = await platform.listActivationsSince(window.sinceMs, { name: action, uptoMs: window.uptoMs, docs: true });
      const out: StageActivation[] = [];
      for (const r of records) {
        const a = toStageActivation(r);
        if (a !== undefined && a.startMs >= window.sinceMs && a.startMs <= window.uptoMs) out.push(a);
      }
      return out;
    },
    async updateLimits(action: string, change: StageLimitsChange): Promise<LimitsApplied> {
      const info = await platform.updateActionLimits(action, change.cpu === undefined ? { memoryMB: change.memoryMB } : { memoryMB: change.memoryMB, cpu: change.cpu });
      return info.updatedMs === undefined ? { changed: info.changed } : { platformTimeMs: info.updatedMs, changed: info.changed };
    },
    async prewarm(action: string, count: number): Promise<WarmupOutcome> {
      const report = await platform.prewarm(action, count);
      return { warmed: report.warmed, failures: report.failures };
    },
  };
}
