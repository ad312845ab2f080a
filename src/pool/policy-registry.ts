import type { ArrivalSchedule } from '../sim/arrivals';
import type { ClusterConfig } from '../sim/cluster-config';
import { MINUTE_MS, type PoolPolicy } from '../sim/policy';
import { fixedKeepAlivePolicy, openWhiskDefaultPolicy } from './fixed-keep-alive';
import { hybridHistogramPolicy } from './hybrid-histogram';
import { OraclePolicy } from './oracle';

/** What a policy may be built from. Only the oracle reads the schedule (it knows the future). */
export interface PolicyEnv {
  readonly schedule: ArrivalSchedule;
  readonly functionCount: number;
  readonly cluster: ClusterConfig;
}

/** The policies with a fixed name. `fixed-<minutes>` is parsed separately. */
export type NamedPolicy = 'openwhisk-default' | 'hybrid-histogram' | 'oracle';

/** Lookup table: a baseline and ours plug into the same slot. */
export const POLICIES: Readonly<Record<NamedPolicy, (env: PolicyEnv) => PoolPolicy>> = {
  'openwhisk-default': () => openWhiskDefaultPolicy(),
  'hybrid-histogram': () => hybridHistogramPolicy(),
  oracle: (env) => new OraclePolicy(env.schedule, env.functionCount, env.cluster.warmStartMs),
};

/** Every accepted policy name, for help texts and errors. */
export const POLICY_NAMES_HELP = `${Object.keys(POLICIES).join(', ')}, fixed-<minutes>`;

function isNamedPolicy(name: string): name is NamedPolicy {
  return Object.prototype.hasOwnProperty.call(POLICIES, name);
}

/**
 * The factory for `name`.
 * @throws Error naming the unknown or malformed policy and listing the accepted names.
 */
function resolvePolicy(name: string): (env: PolicyEnv) => PoolPolicy {
  if (isNamedPolicy(name)) return POLICIES[name];
  const fixed = /^fixed-(.*)$/.exec(name);
  if (fixed === null || fixed[1] === '') throw new Error(`unknown policy "${name}"; known: ${POLICY_NAMES_HELP}`);
  const minutes = Number(fixed[1]);
  if (!/^\d+(\.\d+)?$/.test(fixed[1]) || !(minutes > 0) || !Number.isFinite(minutes * MINUTE_MS)) {
    throw new Error(`unknown policy "${name}": fixed-<minutes> needs a positive number of minutes, got "${fixed[1]}"`);
  }
  // One spelling per keep-alive, so a report never has two rows of the same name.
  if (`fixed-${minutes}` !== name) throw new Error(`unknown policy "${name}": write it as fixed-${minutes}`);
  return () => fixedKeepAlivePolicy(minutes);
}

/**
 * The policy called `name`.
 * @throws Error naming the unknown or malformed policy and listing the accepted names.
 */
export function createPolicy(name: string, env: PolicyEnv): PoolPolicy {
  return resolvePolicy(name)(env);
}

/** Throws like {@link createPolicy} for the first bad name in `names`, without building anything. */
export function validatePolicyNames(names: readonly string[]): void {
  for (const name of names) resolvePolicy(name);
}
