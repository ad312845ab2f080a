/**
 * The pool sizer's platform port over the OpenWhisk adapter. Stock OpenWhisk
 * has no prewarm API for user actions: a container is started (or kept warm)
 * by invoking the action with the warm-up parameter, which an action wrapped
 * with `wrapManagedAction` answers `{ warmed: true }` without running its code
 * ({@link OpenWhiskPlatform.prewarm}: `count` blocking warm-ups at once). Idle
 * containers are then kept by the platform's own keep-alive.
 *
 * On a cluster with the dynamic-prewarm extension, given its admin endpoint
 * ({@link RuntimeManifestAdmin}), the port also has the stem-cell path: the
 * runtime kind of each action (read with `getAction`; an action not found is
 * left to the default kind) and stem-cell counts set in the cluster's runtime
 * manifest.
 */
import type { OpenWhiskPlatform } from '../platform/openwhisk';
import { PlatformError } from '../platform/platform-error';
import type { RuntimeManifestAdmin } from '../platform/runtime-manifest-prewarm';
import type { PoolPlatform, PrewarmOutcome, StemCellOutcome, StemCellPlatform, StemCellTarget } from './pool-size-tick-ports';

/** The platform calls the port needs (an {@link OpenWhiskPlatform} has them). */
export type PoolPlatformCalls = Pick<OpenWhiskPlatform, 'prewarm'> & Partial<Pick<OpenWhiskPlatform, 'getAction'>>;

/** The admin endpoint calls the stem-cell path needs (a {@link RuntimeManifestAdmin} has them). */
export type StemCellAdminCalls = Pick<RuntimeManifestAdmin, 'setStemCells'>;

/** Actions whose kind is read at the same time (8). */
const KIND_READS_AT_ONCE = 8;

/**
 * The port over `platform`; with `admin`, also the stem-cell path (the kinds
 * are read with `platform.getAction` when it has it, else every action gets
 * the default kind).
 */
export function openWhiskPoolPlatform(platform: PoolPlatformCalls, admin?: StemCellAdminCalls): PoolPlatform {
  const port: PoolPlatform = {
    async prewarm(action: string, count: number): Promise<PrewarmOutcome> {
      const report = await platform.prewarm(action, count);
      return { warmed: report.warmed, failures: report.failures };
    },
  };
  if (admin === undefined) return port;
  const stemCells: StemCellPlatform = {
    async kindsOf(actions: readonly string[]): Promise<ReadonlyMap<string, string>> {
      const kinds = new Map<string, string>();
      const getAction = platform.getAction;
      if (getAction === undefined) return kinds;
      for (let i = 0; i < actions.length; i += KIND_READS_AT_ONCE) {
        await Promise.all(
          actions.slice(i, i + KIND_READS_AT_ONCE).map(async (name) => {
            try {
              const info = await getAction.call(platform, name);
              kinds.set(name, info.kind);
            } catch (error) {
              // A deleted action keeps no stem cell of its own: the default kind.
              if (!(error instanceof PlatformError && error.kind === 'not-found')) throw error;
            }
          }),
        );
      }
      return kinds;
    },
    async setStemCells(targets: readonly StemCellTarget[]): Promise<StemCellOutcome> {
      const update = await admin.setStemCells(targets);
      return { applied: update.applied, skipped: update.skipped };
    },
  };
  return { ...port, stemCells };
}
