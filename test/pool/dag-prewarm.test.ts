import { DagPrewarmPolicy } from '../../src/pool/dag-prewarm';
import { openWhiskDefaultPolicy } from '../../src/pool/fixed-keep-alive';
import { clusterConfig } from '../../src/sim/cluster-config';
import type { PoolPolicy } from '../../src/sim/policy';
import { simulate, StartKind, type SimObserver } from '../../src/sim/simulator';
import type { SimFunction, Workload } from '../../src/sim/workload';
import { ConstantDuration } from '../../src/trace/piecewise-quantile';
import { scheduleOf, type ArrivalRow } from '../support/arrival-rows';

/** No stem cells: every start is warm or a full cold start (800 ms); a prewarm is ready 800 ms after its order. */
const cluster = clusterConfig({ stemCellsPerInvoker: 0, invokers: 1 });

function workload(functionCount: number): Workload {
  const functions: SimFunction[] = Array.from({ length: functionCount }, (_, i) => ({
    id: `f${i}`,
    counts: new Uint32Array(2),
    memoryMB: 256,
    cpuCores: 0.125,
    duration: new ConstantDuration(300),
  }));
  return { source: 'test', minutes: 2, functions, durationSource: {}, memorySource: {} };
}

/** Each activation's start kind, by activation index. */
function startKinds(functionCount: number, rows: ArrivalRow[], policy: PoolPolicy): StartKind[] {
  const kinds: StartKind[] = [];
  const observer: SimObserver = {
    onStart: (act, _fn, kind) => {
      kinds[act] = kind;
    },
    onEnd: () => undefined,
    onIdle: () => undefined,
    onRemove: () => undefined,
  };
  simulate(workload(functionCount), scheduleOf(rows), policy, cluster, observer);
  return kinds;
}

/** Functions 0 -> 1 -> 2 form one workflow (0 is its entry); function 3 is outside any workflow. */
const downstream = [[1, 2], [], [], []];

describe('DagPrewarmPolicy', () => {
  it('is named after the policy it wraps', () => {
    expect(new DagPrewarmPolicy(openWhiskDefaultPolicy(), { downstream }).name).toBe('dag:openwhisk-default');
  });

  it('prewarms one container per workflow stage at deployment, so the first invocation is warm throughout, and none for a function outside a workflow', () => {
    // One invocation at 1 s (the deployment prewarms are ready at 800 ms): stages at 1 s, 1.3 s, 1.6 s; f3 at 1 s.
    const rows: ArrivalRow[] = [
      [1_000, 0, 300],
      [1_000, 3, 300],
      [1_300, 1, 300],
      [1_600, 2, 300],
    ];
    const policy = new DagPrewarmPolicy(openWhiskDefaultPolicy(), { downstream });
    expect(startKinds(4, rows, policy)).toEqual([StartKind.Warm, StartKind.Cold, StartKind.Warm, StartKind.Warm]);
    expect(policy.prewarmsOrdered).toBe(3);
    expect(startKinds(4, rows, openWhiskDefaultPolicy())).toEqual([StartKind.Cold, StartKind.Cold, StartKind.Cold, StartKind.Cold]);
  });

  it('prewarms a later stage when more invocations are on their way to it than it has idle or loading containers', () => {
    // Two overlapping invocations at 20 s and 20.01 s. The first takes the deployment containers. The
    // second's entry is cold (nothing announces an entry stage), but its arrival finds one idle container
    // of f1 and f2 for two invocations on their way: one more of each is prewarmed, ready at 20.81 s,
    // before its f1 arrives at 20.01 + 0.8 (cold) + 0.3 = 21.11 s.
    const rows: ArrivalRow[] = [
      [20_000, 0, 300],
      [20_010, 0, 300],
      [20_300 + cluster.warmStartMs, 1, 300],
      [20_600 + 2 * cluster.warmStartMs, 2, 300],
      [20_310 + cluster.coldStartMs, 1, 300],
      [20_610 + cluster.coldStartMs + cluster.warmStartMs, 2, 300],
    ];
    expect(rows.every((r, i) => i === 0 || rows[i - 1][0] <= r[0])).toBe(true);
    const policy = new DagPrewarmPolicy(openWhiskDefaultPolicy(), { downstream });
    expect(startKinds(4, rows, policy)).toEqual([StartKind.Warm, StartKind.Cold, StartKind.Warm, StartKind.Warm, StartKind.Warm, StartKind.Warm]);
    expect(policy.prewarmsOrdered).toBe(3 + 2);
  });

  it('orders nothing more when the containers already kept warm cover the invocations on their way', () => {
    // Invocations one at a time (each ends before the next): the deployment containers serve them all.
    const rows: ArrivalRow[] = [];
    for (let k = 0; k < 5; k++) rows.push([10_000 + k * 5_000, 0, 300], [10_400 + k * 5_000, 1, 300], [10_800 + k * 5_000, 2, 300]);
    const policy = new DagPrewarmPolicy(openWhiskDefaultPolicy(), { downstream });
    expect(startKinds(4, rows, policy).every((k) => k === StartKind.Warm)).toBe(true);
    expect(policy.prewarmsOrdered).toBe(3);
  });

  it.each([
    ['a function announced by two entry stages', { downstream: [[2], [2], []] }, 'function 2 is announced by more than one entry stage'],
    ['an entry stage announcing itself', { downstream: [[0, 1], []] }, 'function 0 announces itself'],
    ['an index outside the table', { downstream: [[1, 5], []] }, 'function 0 announces function 5, outside 0..1'],
    ['a fractional index', { downstream: [[0.5], []] }, 'function 0 announces function 0.5'],
    ['a negative keep-alive of an unused prewarm', { downstream: [[1], []], unusedKeepAliveMs: -1 }, 'unusedKeepAliveMs must be a non-negative number of ms, got -1'],
    ['an infinite deployment keep-alive', { downstream: [[1], []], deployKeepAliveMs: Infinity }, 'deployKeepAliveMs must be a non-negative number of ms, got Infinity'],
  ])('rejects %s, naming it', (_what, options, message) => {
    expect(() => new DagPrewarmPolicy(openWhiskDefaultPolicy(), options)).toThrow(message);
  });

  it('rejects a run whose function count differs from its table', () => {
    const policy = new DagPrewarmPolicy(openWhiskDefaultPolicy(), { downstream: [[1], []] });
    expect(() => simulate(workload(3), scheduleOf([[0, 0, 100]]), policy, cluster, null)).toThrow('the run has 3 functions, the workflow table 2');
  });
});
