import { lastBoStepDecision } from '../../src/runtime/bo-step-decision';

const probe = (workflow: string, why: string) => ({ workflow, decision: { kind: 'probe', invocations: 3, why, limits: [] } });

describe('lastBoStepDecision', () => {
  it('gives the last decision for the workflow as "kind: why"', () => {
    const results = [probe('social-network', 'start at the largest configuration'), probe('ml-inference', 'score 1.2e-7'), { workflow: 'social-network', decision: { kind: 'converged', why: 'no unsaturated configuration in the safe set', limits: [] } }];
    expect(lastBoStepDecision(results, 'social-network')).toBe('converged: no unsaturated configuration in the safe set');
    expect(lastBoStepDecision(results, 'ml-inference')).toBe('probe: score 1.2e-7');
  });

  it.each([
    ['a waiting window', { workflow: 'w', decision: { kind: 'waiting', why: 'no finished invocation in the probe window yet' } }],
    ['a skipped tick', { workflow: 'w', fireTime: '2026-12-08T00:00:00.000Z', skipped: 'already-done' }],
    ['an error', { error: { code: 'store-unavailable', message: 'CouchDB did not answer' } }],
    ['another workflow', probe('other', 'score 1')],
    ['a decision without a why', { workflow: 'w', decision: { kind: 'probe' } }],
    ['not an object', 'probe: score 1'],
    ['null', null],
  ])('passes over %s to the decision before it', (_label, answer) => {
    expect(lastBoStepDecision([probe('w', 'verify the next deployment'), answer], 'w')).toBe('probe: verify the next deployment');
    expect(lastBoStepDecision([answer], 'w')).toBeNull();
  });
});
