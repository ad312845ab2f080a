/**
 * Minimal typing of `@adobe/aio-lib-runtime` 7 (plain JavaScript, no types
 * shipped): only the manifest utilities `src/deploy/` uses. Their results are
 * `unknown` on purpose: `manifest-entities.ts` validates them.
 */
declare module '@adobe/aio-lib-runtime' {
  /** Which files `setPaths` reads (paths relative to the working directory, or absolute). */
  export interface SetPathsFlags {
    manifest?: string;
    deployment?: string;
  }

  /** A progress line of `deployPackage` / `undeployPackage`. */
  export type AioLogger = (message: string) => void;

  /**
   * What `deployPackage` and `undeployPackage` call on their OpenWhisk client
   * (an `openwhisk` client as `RuntimeAPI.init` wraps it). Each call gets the
   * entity as `processPackage` made it, spread with `connection: 'keep-alive'`.
   */
  export interface AioOpenWhisk {
    actions: {
      /** Read for the namespace that rule and sequence names are qualified with. */
      client: { options: { namespace: string } };
      update(options: Record<string, unknown>): Promise<unknown>;
      delete(options: { name: string }): Promise<unknown>;
    };
    packages: {
      update(options: Record<string, unknown>): Promise<unknown>;
      delete(options: { name: string }): Promise<unknown>;
    };
    triggers: {
      update(options: Record<string, unknown>): Promise<unknown>;
      delete(options: { name: string }): Promise<unknown>;
    };
    rules: {
      update(options: Record<string, unknown>): Promise<unknown>;
      delete(options: { name: string }): Promise<unknown>;
    };
    routes: {
      create(options: Record<string, unknown>): Promise<unknown>;
      delete(options: Record<string, unknown>): Promise<unknown>;
    };
    /** `apihost` is fetched for its runtime list when an action's kind is not one the library knows. */
    initOptions: { apihost: string };
  }

  export interface AioRuntimeUtils {
    /** Reads (js-yaml) a wskdeploy manifest and optional deployment file: `{ packages, deploymentPackages, deploymentTriggers, manifestPath, manifestContent, projectName }`. */
    setPaths(flags: SetPathsFlags): unknown;
    /**
     * Turns manifest packages into OpenWhisk entities `{ pkgAndDeps, actions,
     * triggers, rules, apis }`; with `namesOnly`, names only (for undeploy).
     * Reads each action's `function` file relative to the working directory,
     * resolves `$VAR` in inputs from `process.env`, and mutates its inputs.
     */
    processPackage(
      packages: unknown,
      deploymentPackages: unknown,
      deploymentTriggers: unknown,
      params: Record<string, unknown>,
      namesOnly?: boolean,
      owOptions?: { apihost?: string },
    ): unknown;
    /** Creates or updates the entities: packages, actions, API routes, triggers, then rules. */
    deployPackage(entities: unknown, ow: AioOpenWhisk, logger: AioLogger, imsOrgId?: string): Promise<void>;
    /** Deletes the entities by name: actions, triggers, rules, API routes, then packages. */
    undeployPackage(entities: unknown, ow: AioOpenWhisk, logger: AioLogger): Promise<void>;
  }

  export const utils: AioRuntimeUtils;
}
