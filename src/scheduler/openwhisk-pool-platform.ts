/**
 * The pool sizer's platform port over the OpenWhisk adapter. Stock OpenWhisk
 * has no prewarm API for user actions: a container is started (or kept warm)
 * by invoking the action with the warm-up parameter, which an action wrapped
 * with `wrapManagedAction` answers `{ warmed: true }` without running its code
 * ({@link OpenWhiskPlatform.prewarm}: `count` blocking warm-ups at once). Idle
 * containers are then kept by the platform's own keep-alive.
 */
import type { OpenWhiskPlatform } from '../platform/openwhisk';
import type { PoolPlatform, PrewarmOutcome } from './pool-size-tick-ports';

/** The platform calls the port needs (an {@link OpenWhiskPlatform} has them). */
export type PoolPlatformCalls = Pick<OpenWhiskPlatform, 'prewarm'>;

/** The port over `platform`. */
export function openWhiskPoolPlatform(platform: PoolPlatformCalls): PoolPlatform {
  return {
    async prewarm(action: string, count: number): Promise<PrewarmOutcome> {
      const report = await platform.prewarm(action, count);
      return { warmed: report.warmed, failures: report.failures };
    },
  };
}
