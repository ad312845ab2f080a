import type { Forecaster } from '../forecast/forecast-types';
import type { ArrivalSchedule } from '../sim/arrivals';
import type { ClusterConfig } from '../sim/cluster-config';
import { MINUTE_MS, type PoolPolicy } from '../sim/policy';
import { aquatopePolicy, WORTH_POLICY_LEAST_LEVEL } from './aquatope';
import { fixedKeepAlivePolicy, openWhiskDefaultPolicy } from './fixed-keep-alive';
import { ForecastMemo } from './forecast-memo';
import { hybridHistogramPolicy } from './hybrid-histogram';
import { OraclePolicy } from './oracle';

/** What a policy may be built from. Only the oracle reads the schedule (it knows the future). */
export interface PolicyEnv {
  readonly schedule: ArrivalSchedule;
  readonly functionCount: number;
  readonly cluster: ClusterConfig;
  /** The forecaster of `aquatope@<risk>` (required by it, unused by the others). */
  readonly forecaster?: Forecaster;
  /** Seed of the forecasts' Monte Carlo sampling (a tick's generator derives from it and the minute). Default 0. */
  readonly forecastSeed?: number;
  /**
   * Absolute minute of the run's minute 0, counted from midnight of the trace's day 0
   * (the forecaster's time features come from it). Default 0.
   */
  readonly originMinute?: number;
  /**
   * Per function (by index), invocation counts of the minutes before the run, oldest
   * first, so that forecasting can start at minute 0. Default: none.
   */
  readonly history?: readonly (Uint32Array | Float64Array)[];
  /**
   * A forecast cache shared by the `aquatope@<risk>` policies of one run (they see the
   * same arrivals, so they need the same forecasts). It must be built for `forecaster`
   * and `forecastSeed`. Default: each policy gets its own.
   */
  readonly forecastMemo?: ForecastMemo;
}

/** The policies with a fixed name. `fixed-<minutes>`, `aquatope@<risk>` and `aquatope-worth@<GB-s>` are parsed separately. */
export type NamedPolicy = 'openwhisk-default' | 'hybrid-histogram' | 'oracle';

/** Lookup table: a baseline and ours plug into the same slot. */
export const POLICIES: Readonly<Record<NamedPolicy, (env: PolicyEnv) => PoolPolicy>> = {
  'openwhisk-default': () => openWhiskDefaultPolicy(),
  'hybrid-histogram': () => hybridHistogramPolicy(),
  oracle: (env) => new OraclePolicy(env.schedule, env.functionCount, env.cluster.warmStartMs),
};

/** Every accepted policy name, for help texts and errors. */
export const POLICY_NAMES_HELP = `${Object.keys(POLICIES).join(', ')}, fixed-<minutes>, aquatope@<risk>[/<headroomRisk>], aquatope-worth@<GB-s>`;

function isNamedPolicy(name: string): name is NamedPolicy {
  return Object.prototype.hasOwnProperty.call(POLICIES, name);
}

/** A plain decimal number: digits, optionally a point and more digits (no sign, no exponent). */
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * The factory for `name`.
 * @throws Error naming the unknown or malformed policy and listing the accepted names.
 */
function resolvePolicy(name: string): (env: PolicyEnv) => PoolPolicy {
  if (isNamedPolicy(name)) return POLICIES[name];
  const fixed = /^fixed-(.*)$/.exec(name);
  if (fixed !== null && fixed[1] !== '') return resolveFixed(name, fixed[1]);
  const worth = /^aquatope-worth@(.*)$/.exec(name);
  if (worth !== null && worth[1] !== '') return resolveWorth(name, worth[1]);
  const aquatope = /^aquatope@(.*)$/.exec(name);
  if (aquatope !== null && aquatope[1] !== '') return resolveAquatope(name, aquatope[1]);
  throw new Error(`unknown policy "${name}"; known: ${POLICY_NAMES_HELP}`);
}

function resolveFixed(name: string, text: string): (env: PolicyEnv) => PoolPolicy {
  const minutes = Number(text);
  if (!DECIMAL.test(text) || !(minutes > 0) || !Number.isFinite(minutes * MINUTE_MS)) {
    throw new Error(`unknown policy "${name}": fixed-<minutes> needs a positive number of minutes, got "${text}"`);
  }
  // One spelling per keep-alive, so a report never has two rows of the same name.
  if (`fixed-${minutes}` !== name) throw new Error(`unknown policy "${name}": write it as fixed-${minutes}`);
  return () => fixedKeepAlivePolicy(minutes);
}

/**
 * A risk level of `aquatope@<risk>[/<headroomRisk>]`: a plain decimal strictly
 * between 0 and 1 that prints as a plain decimal. `form` is the spelling the
 * error names, `what` the level.
 */
function parseRisk(name: string, form: string, what: string, text: string): number {
  const risk = Number(text);
  if (!DECIMAL.test(text) || !(risk > 0 && risk < 1)) {
    throw new Error(`unknown policy "${name}": ${form} needs a ${what} strictly between 0 and 1, got "${text}"`);
  }
  // One spelling per risk level; below 1e-6 a number prints with an exponent, which is not accepted.
  if (!DECIMAL.test(String(risk))) throw new Error(`unknown policy "${name}": ${form} needs a ${what} of at least 0.000001, got "${text}"`);
  return risk;
}

/** A factory that gives `build` the run's forecast memo (or a new one for the env's forecaster and seed). */
function withMemo(name: string, build: (memo: ForecastMemo, env: PolicyEnv) => PoolPolicy): (env: PolicyEnv) => PoolPolicy {
  return (env) => {
    const forecaster = env.forecaster;
    if (forecaster === undefined) throw new Error(`policy "${name}" needs a forecaster, and none was given`);
    const seed = env.forecastSeed ?? 0;
    const memo = env.forecastMemo ?? new ForecastMemo(forecaster, seed);
    if (memo.forecaster !== forecaster || memo.seed !== seed) {
      throw new Error(`policy "${name}": the shared forecast memo was built for another forecaster or seed`);
    }
    return build(memo, env);
  };
}

function resolveWorth(name: string, text: string): (env: PolicyEnv) => PoolPolicy {
  const worth = Number(text);
  if (!DECIMAL.test(text) || !(worth > 0) || !Number.isFinite(worth)) {
    throw new Error(`unknown policy "${name}": aquatope-worth@<GB-s> needs a positive number of GB-s a cold start is worth, got "${text}"`);
  }
  // One spelling per worth; a number that prints with an exponent is not accepted.
  if (!DECIMAL.test(String(worth))) throw new Error(`unknown policy "${name}": aquatope-worth@<GB-s> needs from 0.000001 to below 1e21 GB-s, got "${text}"`);
  if (`aquatope-worth@${worth}` !== name) throw new Error(`unknown policy "${name}": write it as aquatope-worth@${worth}`);
  return withMemo(name, (memo, env) =>
    aquatopePolicy({ risk: WORTH_POLICY_LEAST_LEVEL, coldStartWorthGBs: worth, memo, originMinute: env.originMinute, history: env.history }),
  );
}

function resolveAquatope(name: string, text: string): (env: PolicyEnv) => PoolPolicy {
  const slash = text.indexOf('/');
  const form = slash < 0 ? 'aquatope@<risk>' : 'aquatope@<risk>/<headroomRisk>';
  const risk = parseRisk(name, form, 'risk quantile', slash < 0 ? text : text.slice(0, slash));
  const headroomRisk = slash < 0 ? risk : parseRisk(name, form, 'headroom risk', text.slice(slash + 1));
  const canonical = headroomRisk === risk ? `aquatope@${risk}` : `aquatope@${risk}/${headroomRisk}`;
  if (canonical !== name) throw new Error(`unknown policy "${name}": write it as ${canonical}`);
  return withMemo(name, (memo, env) => aquatopePolicy({ risk, headroomRisk, memo, originMinute: env.originMinute, history: env.history }));
}

/**
 * The policy called `name`.
 * @throws Error naming the unknown or malformed policy and listing the accepted names;
 *   for `aquatope@<risk>[/<headroomRisk>]` and `aquatope-worth@<GB-s>`, an Error when `env` has no forecaster.
 */
export function createPolicy(name: string, env: PolicyEnv): PoolPolicy {
  return resolvePolicy(name)(env);
}

/** Throws like {@link createPolicy} for the first bad name in `names`, without building anything. */
export function validatePolicyNames(names: readonly string[]): void {
  for (const name of names) resolvePolicy(name);
}
