import { FixedKeepAlivePolicy } from '../../src/pool/fixed-keep-alive';
import { OraclePolicy } from '../../src/pool/oracle';
import { POLICIES, POLICY_NAMES_HELP, createPolicy, validatePolicyNames, type PolicyEnv } from '../../src/pool/policy-registry';
import type { ArrivalSchedule } from '../../src/sim/arrivals';
import { clusterConfig } from '../../src/sim/cluster-config';
import { MINUTE_MS } from '../../src/sim/policy';

const EMPTY_SCHEDULE: ArrivalSchedule = {
  count: 0,
  timeMs: new Float64Array(0),
  fn: new Int32Array(0),
  durationMs: new Float64Array(0),
};

function env(schedule: ArrivalSchedule = EMPTY_SCHEDULE, functionCount = 2): PolicyEnv {
  return { schedule, functionCount, cluster: clusterConfig() };
}

const KNOWN = 'openwhisk-default, hybrid-histogram, oracle, fixed-<minutes>';

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
  ])('throws for %j: %s', (name, message) => {
    expect(() => createPolicy(name, env())).toThrow(new Error(message));
  });

  it('lists the accepted names in POLICY_NAMES_HELP and POLICIES', () => {
    expect(POLICY_NAMES_HELP).toBe(KNOWN);
    expect(Object.keys(POLICIES)).toEqual(['openwhisk-default', 'hybrid-histogram', 'oracle']);
  });
});

describe('validatePolicyNames', () => {
  it('accepts every valid name, and an empty list', () => {
    expect(() => validatePolicyNames(['openwhisk-default', 'hybrid-histogram', 'oracle', 'fixed-20', 'fixed-0.5'])).not.toThrow();
    expect(() => validatePolicyNames([])).not.toThrow();
  });

  it.each([
    [['oracle', 'nope', 'fixed-0'], `unknown policy "nope"; known: ${KNOWN}`],
    [['fixed-0', 'nope'], 'unknown policy "fixed-0": fixed-<minutes> needs a positive number of minutes, got "0"'],
    [['fixed-20', 'hybrid-histogram', 'fixed-abc'], 'unknown policy "fixed-abc": fixed-<minutes> needs a positive number of minutes, got "abc"'],
  ])('throws for the first bad name in %j: %s', (names, message) => {
    expect(() => validatePolicyNames(names)).toThrow(new Error(message));
  });
});
