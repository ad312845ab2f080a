/**
 * The profiler's {@link StageRunner} over an OpenWhisk (the local live one in
 * `npm run profile`, any cluster with the CPU-limit extension otherwise):
 * `configure` updates the stage action's limits (memory and `limits.cpu`),
 * `invoke` is a blocking invocation whose activation record gives the
 * duration, the init time of a cold start and the outcome. An activation ran
 * out of memory when it failed and its error says so (the same rule as the
 * resource manager's, {@link toStageActivation}).
 */
import { toStageActivation } from '../manager/openwhisk-bo-step-platform';
import type { OpenWhiskPlatform } from '../platform/openwhisk';
import type { StageConfig } from '../workflow/workflow-types';
import { ProfilingError, type StageRunner, type StageRunOutcome } from './measure-profile';

/** The platform calls the runner needs. */
export type StageRunnerCalls = Pick<OpenWhiskPlatform, 'invokeBlocking' | 'updateActionLimits'>;

function errorText(result: unknown): string | undefined {
  if (typeof result === 'object' && result !== null && 'error' in result) {
    const e = result.error;
    return typeof e === 'string' ? e : JSON.stringify(e);
  }
  return undefined;
}

/**
 * A runner invoking `<packageName>/<stage>`.
 * @param cpuLimit whether to set `limits.cpu` (the cluster has the CPU-limit extension)
 */
export function openWhiskStageRunner(platform: StageRunnerCalls, packageName: string, cpuLimit: boolean): StageRunner {
  const action = (stage: string): string => `${packageName}/${stage}`;
  return {
    async configure(stage: string, config: StageConfig): Promise<void> {
      await platform.updateActionLimits(action(stage), cpuLimit ? { memoryMB: config.memoryMB, cpu: config.cpu } : { memoryMB: config.memoryMB });
    },
    async invoke(stage: string, input: Readonly<Record<string, unknown>>): Promise<StageRunOutcome> {
      const answer = await platform.invokeBlocking(action(stage), { ...input });
      if (answer.kind === 'accepted') throw new ProfilingError(`${action(stage)}: activation ${answer.activationId} did not end within the blocking wait (60 s): use smaller inputs or larger limits`);
      const record = answer.activation;
      const run = toStageActivation(record);
      if (run === undefined) throw new ProfilingError(`${action(stage)}: activation ${record.activationId} has no duration`);
      const error = run.success ? undefined : errorText(record.response?.result) ?? record.response?.status ?? 'failed';
      return {
        durationMs: run.durationMs,
        ...(record.initTimeMs === undefined ? {} : { initTimeMs: record.initTimeMs }),
        success: run.success,
        outOfMemory: run.outOfMemory,
        ...(error === undefined ? {} : { error }),
        ...(run.peakMemoryMB === undefined ? {} : { peakMemoryMB: run.peakMemoryMB }),
      };
    },
  };
}
