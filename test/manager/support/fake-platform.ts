/**
 * A stand-in for the platform: stage actions with limits, and traffic that
 * invokes the workflow at the limits in force, each stage's run drawn from a
 * modelled workflow (`runStage`), so a probe window holds realistic activations.
 */
import type { Rng } from '../../../src/core/rng';
import type { ActivationWindow, BoStepPlatform, LimitsApplied, StageActivation, StageLimitsChange, WarmupOutcome } from '../../../src/manager/bo-step-ports';
import { cpuOfMemory } from '../../../src/manager/managed-workflow';
import type { Workflow } from '../../../src/workflow/workflow-types';

/** Activations per action, limits per action, and a call log. */
export class FakePlatform implements BoStepPlatform {
  readonly limits = new Map<string, StageLimitsChange>();
  readonly activations = new Map<string, StageActivation[]>();
  private ids = 0;

  constructor(
    private readonly model: Workflow,
    /** Action of each stage of `model`. */
    private readonly actions: readonly string[],
    readonly log: string[],
    initial: StageLimitsChange,
  ) {
    for (const a of actions) {
      this.limits.set(a, initial);
      this.activations.set(a, []);
    }
  }

  async stageActivations(action: string, window: ActivationWindow): Promise<StageActivation[]> {
    this.log.push(`platform.stageActivations ${action}`);
    return (this.activations.get(action) ?? []).filter((a) => a.startMs >= window.sinceMs && a.startMs <= window.uptoMs);
  }

  async updateLimits(action: string, change: StageLimitsChange): Promise<LimitsApplied> {
    this.log.push(`platform.updateLimits ${action}`);
    const before = this.limits.get(action);
    if (before === undefined) throw new Error(`no action ${action}`);
    const changed = before.memoryMB !== change.memoryMB || before.cpu !== change.cpu;
    this.limits.set(action, change);
    return this.platformTimeMs === undefined ? { changed } : { platformTimeMs: this.platformTimeMs, changed };
  }

  /** Warm-ups sent, per action, in order. */
  readonly warmups: { action: string; count: number }[] = [];

  /** When set, prewarm rejects with this error. */
  prewarmError: Error | undefined = undefined;

  async prewarm(action: string, count: number): Promise<WarmupOutcome> {
    this.log.push(`platform.prewarm ${action} ${count}`);
    if (this.prewarmError !== undefined) throw this.prewarmError;
    this.warmups.push({ action, count });
    return { warmed: count, failures: [] };
  }

  /** The platform time limit changes report (default: none, so the tick's wall clock is used). */
  platformTimeMs: number | undefined = undefined;

  /** `count` invocations one after the other from `fromMs`, `gapMs` apart, at the limits in force. */
  traffic(fromMs: number, count: number, gapMs: number, rng: Rng): void {
    const stages = this.model.stages;
    const index = new Map(stages.map((s, i) => [s.name, i]));
    let t = fromMs;
    for (let k = 0; k < count; k++) {
      const ends: (number | undefined)[] = stages.map(() => undefined);
      let failed = false;
      let last = t;
      stages.forEach((stage, i) => {
        if (failed) return;
        const start = Math.max(t, ...stage.after.map((a) => ends[index.get(a) ?? 0] ?? t)) + 5;
        const limit = this.limits.get(this.actions[i]);
        if (limit === undefined) throw new Error('no limits');
        const run = this.model.runStage(i, { memoryMB: limit.memoryMB, cpu: limit.cpu ?? cpuOfMemory(limit.memoryMB) }, rng);
        const durationMs = Math.max(1, Math.round(run.latencyMs));
        this.ids += 1;
        this.activations.get(this.actions[i])?.push({
          activationId: `a${this.ids}`, startMs: start, durationMs, success: !run.outOfMemory, outOfMemory: run.outOfMemory,
          ...(run.peakMemoryMB === undefined ? {} : { peakMemoryMB: run.peakMemoryMB }),
        });
        ends[i] = start + durationMs;
        last = Math.max(last, start + durationMs);
        if (run.outOfMemory) failed = true;
      });
      t = last + gapMs;
    }
  }
}
