/**
 * Fixed keep-alive baselines: every container that finishes an activation stays
 * idle for the same time, whatever the function's invocation pattern, and is then
 * unloaded. No prewarming, no minute ticks. This is what OpenWhisk (and, with other
 * constants, AWS Lambda and Azure Functions) do by default.
 */

import { MINUTE_MS } from '../sim/policy';
import type { PolicyContext, PoolControl, PoolPolicy } from '../sim/policy';

/**
 * OpenWhisk's default idle-container timeout, ms (10 minutes).
 *
 * Source: apache/openwhisk `core/invoker/src/main/resources/application.conf`,
 * key `whisk.container-proxy.timeouts.idle-container = 10 minutes`, commented there as
 * 'The "unusedTimeout" in the ContainerProxy, aka "How long should a container sit idle
 * until we kill it?"'. (Helm deployments expose the same setting as the invoker's
 * idle-container timeout.) An idle container is removed that long after its last run.
 */
export const OPENWHISK_IDLE_CONTAINER_TIMEOUT_MS = 10 * MINUTE_MS;

/** Name of the OpenWhisk default baseline in reports. */
export const OPENWHISK_DEFAULT_POLICY_NAME = 'openwhisk-default';

/**
 * Keeps every finished container idle for a fixed time, then unloads it.
 * Hooks allocate nothing and keep no per-function state.
 */
export class FixedKeepAlivePolicy implements PoolPolicy {
  /** Never needs minute ticks. */
  readonly wantsMinuteTicks = false;

  /**
   * @param name name in reports, e.g. `fixed-20`; must be non-empty.
   * @param keepAliveMs idle time of every finished container, ms; finite and >= 0
   *   (0 unloads every container as soon as its activation ends).
   * @throws Error when `name` is empty or `keepAliveMs` is negative or not finite.
   */
  constructor(
    readonly name: string,
    readonly keepAliveMs: number,
  ) {
    if (name.length === 0) {
      throw new Error('FixedKeepAlivePolicy: name must be non-empty');
    }
    if (!Number.isFinite(keepAliveMs) || keepAliveMs < 0) {
      throw new Error(
        `FixedKeepAlivePolicy: keepAliveMs must be a finite number >= 0, got ${String(keepAliveMs)}`,
      );
    }
  }

  /** No state to clear. */
  reset(_ctx: PolicyContext): void {
    // Stateless.
  }

  /** Arrivals do not change a fixed policy. */
  onArrival(_fn: number, _nowMs: number): void {
    // Stateless.
  }

  /** @returns {@link FixedKeepAlivePolicy.keepAliveMs}, for every function and every end. */
  onInvocationEnd(_fn: number, _nowMs: number, _control: PoolControl): number {
    return this.keepAliveMs;
  }

  /** Never called (`wantsMinuteTicks` is false). */
  onMinute(_minute: number, _nowMs: number, _control: PoolControl): void {
    // No periodic work.
  }
}

/**
 * OpenWhisk's default behaviour: a 10-minute keep-alive
 * ({@link OPENWHISK_IDLE_CONTAINER_TIMEOUT_MS}), no prewarming.
 * @returns a policy named `openwhisk-default`.
 */
export function openWhiskDefaultPolicy(): FixedKeepAlivePolicy {
  return new FixedKeepAlivePolicy(OPENWHISK_DEFAULT_POLICY_NAME, OPENWHISK_IDLE_CONTAINER_TIMEOUT_MS);
}

/**
 * A fixed keep-alive of `minutes` minutes, for the keep-alive sweep.
 * @param minutes keep-alive, minutes; any positive finite number (e.g. 20, 0.5).
 * @returns a policy named `fixed-<minutes>`, e.g. `fixed-20`, `fixed-0.5`.
 * @throws Error naming the value when `minutes` is not a positive finite number.
 */
export function fixedKeepAlivePolicy(minutes: number): FixedKeepAlivePolicy {
  if (!Number.isFinite(minutes) || minutes <= 0) {
    throw new Error(
      `fixedKeepAlivePolicy: minutes must be a positive finite number, got ${String(minutes)}`,
    );
  }
  return new FixedKeepAlivePolicy(`fixed-${String(minutes)}`, minutes * MINUTE_MS);
}
