import { AquatopePolicy } from '../../src/pool/aquatope';
import { FixedKeepAlivePolicy } from '../../src/pool/fixed-keep-alive';
import { ForecastMemo } from '../../src/pool/forecast-memo';
import { OraclePolicy } from '../../src/pool/oracle';
import { POLICIES, POLICY_NAMES_HELP, createPolicy, validatePolicyNames, type PolicyEnv } from '../../src/pool/policy-registry';
import type { ArrivalSchedule } from '../../src/sim/arrivals';
import { clusterConfig } from '../../src/sim/cluster-config';
import { MINUTE_MS } from '../../src/sim/policy';
import { lastValueForecaster } from '../support/fake-forecasters';

const EMPTY_SCHEDULE: ArrivalSchedule = {
  count: 0,
  timeMs: new Float64Array(0),
  fn: new Int32Array(0),
  durationMs: new Float64Array(0),
};

function env(schedule: ArrivalSchedule = EMPTY_SCHEDULE, functionCount = 2): PolicyEnv {
  return { schedule, functionCount, cluster: clusterConfig() };
}

const KNOWN = 'openwhisk-default, hybrid-histogram, oracle, fixed-<minutes>, aquatope@<risk>[/<headroomRisk>], aquatope-worth@<GB-s>';

/** An environment with a forecaster, as aquatope@<risk> needs. */
function forecastEnv(extra: Partial<PolicyEnv> = {}): PolicyEnv {
  return { ...env(), forecaster: lastValueForecaster(4), ...extra };
}

describe('createPolicy', () => {
  it.each([
    ['openwhisk-default', 'openwhisk-default'],
    ['hybrid-histogram', 'hybrid-histogram'],
    ['oracle', 'oracle'],
    ['fixed-20', 'fixed-20'],
    ['fixed-0.5', 'fixed-0.5'],
    ['fixed-1', 'fixed-1'],
    ['fixed-1440', 'fixed-1440'],
  ])('builds %s as a policy named %s', (name, expected) => {
    expect(createPolicy(name, env()).name).toBe(expected);
  });

  it('builds openwhisk-default as a 10-minute fixed keep-alive', () => {
    const p = createPolicy('openwhisk-default', env());
    expect(p).toBeInstanceOf(FixedKeepAlivePolicy);
    expect(p instanceof FixedKeepAlivePolicy && p.keepAliveMs).toBe(10 * MINUTE_MS);
  });

  it.each([
    ['fixed-20', 20 * MINUTE_MS],
    ['fixed-0.5', 30_000],
    ['fixed-1440', 1440 * MINUTE_MS],
  ])('builds %s as a fixed keep-alive of %i ms', (name, ms) => {
    const p = createPolicy(name, env());
    expect(p).toBeInstanceOf(FixedKeepAlivePolicy);
    expect(p instanceof FixedKeepAlivePolicy && p.keepAliveMs).toBe(ms);
  });

  it('builds the oracle from the schedule in the environment (a non-empty hand-made schedule)', () => {
    const schedule: ArrivalSchedule = {
      count: 3,
      timeMs: Float64Array.from([1000, 2000, 70_000]),
      fn: Int32Array.from([0, 1, 0]),
      durationMs: Float64Array.from([50, 50, 50]),
    };
    const p = createPolicy('oracle', env(schedule, 2));
    expect(p).toBeInstanceOf(OraclePolicy);
    expect(p.name).toBe('oracle');
    expect(p.wantsMinuteTicks).toBe(true);
  });

  it('builds a new policy object on every call', () => {
    const e = env();
    for (const name of ['openwhisk-default', 'hybrid-histogram', 'oracle', 'fixed-20']) {
      expect(createPolicy(name, e)).not.toBe(createPolicy(name, e));
    }
  });

  it.each([
    ['nope', `unknown policy "nope"; known: ${KNOWN}`],
    ['', `unknown policy ""; known: ${KNOWN}`],
    ['Oracle', `unknown policy "Oracle"; known: ${KNOWN}`],
    ['fixed', `unknown policy "fixed"; known: ${KNOWN}`],
    ['fixed-', `unknown policy "fixed-"; known: ${KNOWN}`],
    ['constructor', `unknown policy "constructor"; known: ${KNOWN}`],
    ['toString', `unknown policy "toString"; known: ${KNOWN}`],
    ['__proto__', `unknown policy "__proto__"; known: ${KNOWN}`],
    ['fixed-0', 'unknown policy "fixed-0": fixed-<minutes> needs a positive number of minutes, got "0"'],
    ['fixed--3', 'unknown policy "fixed--3": fixed-<minutes> needs a positive number of minutes, got "-3"'],
    ['fixed-abc', 'unknown policy "fixed-abc": fixed-<minutes> needs a positive number of minutes, got "abc"'],
    ['fixed- ', 'unknown policy "fixed- ": fixed-<minutes> needs a positive number of minutes, got " "'],
    ['fixed-Infinity', 'unknown policy "fixed-Infinity": fixed-<minutes> needs a positive number of minutes, got "Infinity"'],
    ['fixed-NaN', 'unknown policy "fixed-NaN": fixed-<minutes> needs a positive number of minutes, got "NaN"'],
    // 1e308 minutes would overflow to an infinite keep-alive in ms; exponents are not accepted at all.
    ['fixed-1e308', 'unknown policy "fixed-1e308": fixed-<minutes> needs a positive number of minutes, got "1e308"'],
    [`fixed-${'9'.repeat(400)}`, `unknown policy "fixed-${'9'.repeat(400)}": fixed-<minutes> needs a positive number of minutes, got "${'9'.repeat(400)}"`],
    ['fixed-20.0', 'unknown policy "fixed-20.0": write it as fixed-20'],
    ['fixed-007', 'unknown policy "fixed-007": write it as fixed-7'],
    ['aquatope', `unknown policy "aquatope"; known: ${KNOWN}`],
    ['aquatope@', `unknown policy "aquatope@"; known: ${KNOWN}`],
    ['Aquatope@0.9', `unknown policy "Aquatope@0.9"; known: ${KNOWN}`],
    ['aquatope@0', 'unknown policy "aquatope@0": aquatope@<risk> needs a risk quantile strictly between 0 and 1, got "0"'],
    ['aquatope@1', 'unknown policy "aquatope@1": aquatope@<risk> needs a risk quantile strictly between 0 and 1, got "1"'],
    ['aquatope@1.0', 'unknown policy "aquatope@1.0": aquatope@<risk> needs a risk quantile strictly between 0 and 1, got "1.0"'],
    ['aquatope@1.5', 'unknown policy "aquatope@1.5": aquatope@<risk> needs a risk quantile strictly between 0 and 1, got "1.5"'],
    ['aquatope@-0.5', 'unknown policy "aquatope@-0.5": aquatope@<risk> needs a risk quantile strictly between 0 and 1, got "-0.5"'],
    ['aquatope@.5', 'unknown policy "aquatope@.5": aquatope@<risk> needs a risk quantile strictly between 0 and 1, got ".5"'],
    ['aquatope@abc', 'unknown policy "aquatope@abc": aquatope@<risk> needs a risk quantile strictly between 0 and 1, got "abc"'],
    ['aquatope@NaN', 'unknown policy "aquatope@NaN": aquatope@<risk> needs a risk quantile strictly between 0 and 1, got "NaN"'],
    ['aquatope@9e-1', 'unknown policy "aquatope@9e-1": aquatope@<risk> needs a risk quantile strictly between 0 and 1, got "9e-1"'],
    ['aquatope@0.9999999999999999999', 'unknown policy "aquatope@0.9999999999999999999": aquatope@<risk> needs a risk quantile strictly between 0 and 1, got "0.9999999999999999999"'],
    ['aquatope@0.0000001', 'unknown policy "aquatope@0.0000001": aquatope@<risk> needs a risk quantile of at least 0.000001, got "0.0000001"'],
    ['aquatope@0.90', 'unknown policy "aquatope@0.90": write it as aquatope@0.9'],
    ['aquatope@00.5', 'unknown policy "aquatope@00.5": write it as aquatope@0.5'],
    ['aquatope@0.9/', 'unknown policy "aquatope@0.9/": aquatope@<risk>/<headroomRisk> needs a headroom risk strictly between 0 and 1, got ""'],
    ['aquatope@0.9/1', 'unknown policy "aquatope@0.9/1": aquatope@<risk>/<headroomRisk> needs a headroom risk strictly between 0 and 1, got "1"'],
    ['aquatope@0.9/0.99/0.9', 'unknown policy "aquatope@0.9/0.99/0.9": aquatope@<risk>/<headroomRisk> needs a headroom risk strictly between 0 and 1, got "0.99/0.9"'],
    ['aquatope@/0.99', 'unknown policy "aquatope@/0.99": aquatope@<risk>/<headroomRisk> needs a risk quantile strictly between 0 and 1, got ""'],
    ['aquatope@1/0.99', 'unknown policy "aquatope@1/0.99": aquatope@<risk>/<headroomRisk> needs a risk quantile strictly between 0 and 1, got "1"'],
    ['aquatope@0.9/0.0000001', 'unknown policy "aquatope@0.9/0.0000001": aquatope@<risk>/<headroomRisk> needs a headroom risk of at least 0.000001, got "0.0000001"'],
    ['aquatope@0.9/0.9', 'unknown policy "aquatope@0.9/0.9": write it as aquatope@0.9'],
    ['aquatope@0.9/0.990', 'unknown policy "aquatope@0.9/0.990": write it as aquatope@0.9/0.99'],
    ['aquatope-worth@', `unknown policy "aquatope-worth@"; known: ${KNOWN}`],
    ['aquatope-worth@0', 'unknown policy "aquatope-worth@0": aquatope-worth@<GB-s> needs a positive number of GB-s a cold start is worth, got "0"'],
    ['aquatope-worth@-300', 'unknown policy "aquatope-worth@-300": aquatope-worth@<GB-s> needs a positive number of GB-s a cold start is worth, got "-300"'],
    ['aquatope-worth@lots', 'unknown policy "aquatope-worth@lots": aquatope-worth@<GB-s> needs a positive number of GB-s a cold start is worth, got "lots"'],
    ['aquatope-worth@3e2', 'unknown policy "aquatope-worth@3e2": aquatope-worth@<GB-s> needs a positive number of GB-s a cold start is worth, got "3e2"'],
    ['aquatope-worth@0.0000001', 'unknown policy "aquatope-worth@0.0000001": aquatope-worth@<GB-s> needs from 0.000001 to below 1e21 GB-s, got "0.0000001"'],
    ['aquatope-worth@300.0', 'unknown policy "aquatope-worth@300.0": write it as aquatope-worth@300'],
  ])('throws for %j: %s', (name, message) => {
    expect(() => createPolicy(name, forecastEnv())).toThrow(new Error(message));
  });

  it.each([
    ['aquatope@0.5', 0.5],
    ['aquatope@0.9', 0.9],
    ['aquatope@0.99', 0.99],
    ['aquatope@0.999', 0.999],
    ['aquatope@0.000001', 0.000001],
  ])('builds %s as the aquatope policy at risk %p', (name, risk) => {
    const p = createPolicy(name, forecastEnv());
    expect(p).toBeInstanceOf(AquatopePolicy);
    expect(p.name).toBe(name);
    expect(p instanceof AquatopePolicy && p.risk).toBe(risk);
    expect(p instanceof AquatopePolicy && p.headroomRisk).toBe(risk);
  });

  it.each([
    ['aquatope@0.999/0.99999', 0.999, 0.99999],
    ['aquatope@0.99999/0.9', 0.99999, 0.9],
  ])('builds %s as the aquatope policy at risk %p with headroom risk %p', (name, risk, headroomRisk) => {
    const p = createPolicy(name, forecastEnv());
    expect(p).toBeInstanceOf(AquatopePolicy);
    expect(p.name).toBe(name);
    expect(p instanceof AquatopePolicy && [p.risk, p.headroomRisk]).toEqual([risk, headroomRisk]);
  });

  it.each([
    ['aquatope-worth@300', 300],
    ['aquatope-worth@0.5', 0.5],
  ])('builds %s as the aquatope policy sized by a cold-start worth of %p GB-s, least level 0.5', (name, worth) => {
    const p = createPolicy(name, forecastEnv());
    expect(p).toBeInstanceOf(AquatopePolicy);
    expect(p.name).toBe(name);
    expect(p instanceof AquatopePolicy && [p.coldStartWorthGBs, p.risk]).toEqual([worth, 0.5]);
  });

  it('throws for aquatope-worth@300 without a forecaster', () => {
    expect(() => createPolicy('aquatope-worth@300', env())).toThrow(new Error('policy "aquatope-worth@300" needs a forecaster, and none was given'));
  });

  it('builds aquatope@<risk> from the environment\'s origin minute and pre-run history', () => {
    const forecaster = lastValueForecaster(2);
    const history = [Uint32Array.from([5, 6]), Uint32Array.from([7, 8])];
    const p = createPolicy('aquatope@0.9', forecastEnv({ forecaster, originMinute: 2_880, history }));
    expect(p instanceof AquatopePolicy && p.originMinute).toBe(2_880);
    p.reset({ functionCount: 2, functionIds: ['a', 'b'], memoryMB: new Float64Array(2), prewarmLoadMs: 0, minutes: 3 });
    p.onMinute(0, 0, { prewarm: () => undefined, cancelPrewarms: () => undefined, idleOrLoading: () => 0, keepIdle: () => undefined });
    expect(forecaster.calls.map((c) => [c.counts, c.endMinutes])).toEqual([[[[5, 6], [7, 8]], [2_880, 2_880]]]);
  });

  it('shares the environment\'s forecast memo between aquatope policies', () => {
    const forecaster = lastValueForecaster(1);
    const forecastMemo = new ForecastMemo(forecaster, 3);
    const e = forecastEnv({ forecaster, forecastSeed: 3, forecastMemo });
    const ctx = { functionCount: 2, functionIds: ['a', 'b'], memoryMB: new Float64Array(2), prewarmLoadMs: 0, minutes: 3 };
    const control = { prewarm: () => undefined, cancelPrewarms: () => undefined, idleOrLoading: () => 0, keepIdle: () => undefined };
    for (const name of ['aquatope@0.5', 'aquatope@0.99']) {
      const p = createPolicy(name, e);
      p.reset(ctx);
      p.onMinute(1, MINUTE_MS, control);
    }
    expect(forecaster.calls).toHaveLength(1);
    expect([forecastMemo.misses, forecastMemo.hits]).toEqual([1, 1]);
  });

  it.each([
    ['no forecaster', env(), 'policy "aquatope@0.9" needs a forecaster, and none was given'],
    [
      'a memo of another forecaster',
      forecastEnv({ forecastMemo: new ForecastMemo(lastValueForecaster(4), 0) }),
      'policy "aquatope@0.9": the shared forecast memo was built for another forecaster or seed',
    ],
  ])('throws for aquatope@0.9 with %s', (_what, e, message) => {
    expect(() => createPolicy('aquatope@0.9', e)).toThrow(new Error(message));
    // The name alone is valid.
    expect(() => validatePolicyNames(['aquatope@0.9'])).not.toThrow();
  });

  it('throws for aquatope@0.9 with a memo of another seed', () => {
    const forecaster = lastValueForecaster(4);
    const e = forecastEnv({ forecaster, forecastSeed: 2, forecastMemo: new ForecastMemo(forecaster, 1) });
    expect(() => createPolicy('aquatope@0.9', e)).toThrow(
      new Error('policy "aquatope@0.9": the shared forecast memo was built for another forecaster or seed'),
    );
  });

  it('lists the accepted names in POLICY_NAMES_HELP and POLICIES', () => {
    expect(POLICY_NAMES_HELP).toBe(KNOWN);
    expect(Object.keys(POLICIES)).toEqual(['openwhisk-default', 'hybrid-histogram', 'oracle']);
  });
});

describe('validatePolicyNames', () => {
  it('accepts every valid name, and an empty list', () => {
    expect(() => validatePolicyNames(['openwhisk-default', 'hybrid-histogram', 'oracle', 'fixed-20', 'fixed-0.5', 'aquatope@0.99'])).not.toThrow();
    expect(() => validatePolicyNames([])).not.toThrow();
  });

  it.each([
    [['oracle', 'nope', 'fixed-0'], `unknown policy "nope"; known: ${KNOWN}`],
    [['fixed-0', 'nope'], 'unknown policy "fixed-0": fixed-<minutes> needs a positive number of minutes, got "0"'],
    [['fixed-20', 'hybrid-histogram', 'fixed-abc'], 'unknown policy "fixed-abc": fixed-<minutes> needs a positive number of minutes, got "abc"'],
    [['aquatope@0.9', 'aquatope@1'], 'unknown policy "aquatope@1": aquatope@<risk> needs a risk quantile strictly between 0 and 1, got "1"'],
  ])('throws for the first bad name in %j: %s', (names, message) => {
    expect(() => validatePolicyNames(names)).toThrow(new Error(message));
  });
});
