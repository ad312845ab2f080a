import { createMethods, isMethodName, METHOD_NAMES } from '../../src/tuning/method-registry';
import { runTuning } from '../../src/tuning/run-tuning';
import { maxResourcesMethod, randomSearchMethod } from '../../src/tuning/simple-methods';
import { ConfigEvaluator } from '../../src/tuning/evaluate-config';
import { ONE_STAGE, SMALL_GRID, toyWorkflow } from '../support/toy-workflows';

const problem = toyWorkflow([{ ...ONE_STAGE, serialMs: 400 }], SMALL_GRID, { percentile: 95, targetMs: 1300 });

describe('runTuning', () => {
  it('stops at the probe budget and at the invocation budget, saying which', () => {
    expect(runTuning(randomSearchMethod({ probes: 50, invocations: 10 }), problem, { seed: 1, maxProbes: 7 })).toMatchObject({ stopReason: 'budget: 7 probes', invocationsSpent: 70 });
    expect(runTuning(randomSearchMethod({ probes: 50, invocations: 10 }), problem, { seed: 1, maxInvocations: 35 })).toMatchObject({ stopReason: 'budget: 35 invocations', invocationsSpent: 30 });
  });

  it('records a recommendation after every probe and times propose with the clock port', () => {
    let t = 0;
    const run = runTuning(randomSearchMethod({ probes: 4 }), problem, { seed: 2, clock: { nowMs: () => (t += 5) } });
    expect(run.steps).toHaveLength(4);
    expect(run.steps.map((s) => s.invocationsSpent)).toEqual([10, 20, 30, 40]);
    expect(run.steps.every((s) => s.proposeMs === 5)).toBe(true);
  });

  it('gives max-resources the largest configuration with no probe', () => {
    const run = runTuning(maxResourcesMethod, problem, { seed: 1 });
    expect(run.steps).toHaveLength(0);
    expect(run.final).toEqual([{ cpu: 2, memoryMB: 1024 }]);
  });
});

describe('method registry', () => {
  it('has every method under its own name, ours first', () => {
    const methods = createMethods();
    expect(METHOD_NAMES[0]).toBe('aquatope');
    for (const name of METHOD_NAMES) expect(methods[name].name).toBe(name);
    expect(isMethodName('cherrypick')).toBe(true);
    expect(isMethodName('optimum')).toBe(false);
  });
});

describe('ConfigEvaluator', () => {
  it('evaluates a configuration once and on the same invocations for everyone', () => {
    const a = new ConfigEvaluator(problem, 500);
    const b = new ConfigEvaluator(problem, 500);
    const c = [{ cpu: 1, memoryMB: 512 }];
    expect(a.truth(c)).toBe(a.truth(c));
    expect(b.truth(c)).toEqual(a.truth(c));
    expect(a.truth([{ cpu: 0.3, memoryMB: 512 }]).feasible).toBe(false); // 400 + 800 / 0.3 = 3,067 ms median
    expect(a.truth([{ cpu: 2, memoryMB: 1024 }]).feasible).toBe(true);
  });
});
