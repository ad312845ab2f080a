import { aquatope2023Method, AQUATOPE_2023_BATCH, AQUATOPE_2023_INITIAL, AQUATOPE_2023_ROUNDS, CHERRYPICK_INITIAL, CHERRYPICK_MAX_PROBES, cherrypickMethod } from '../../src/tuning/gp-baselines';
import { runTuning } from '../../src/tuning/run-tuning';
import { ONE_STAGE, SMALL_GRID, toyWorkflow } from '../support/toy-workflows';

const problem = toyWorkflow([{ ...ONE_STAGE, serialMs: 400 }], SMALL_GRID, { percentile: 95, targetMs: 1300 });

describe('cherrypick', () => {
  it('probes once per configuration, starts with random probes, stops by EI or at its cap, and deploys the cheapest probe that met the target', () => {
    const run = runTuning(cherrypickMethod, problem, { seed: 1 });
    expect(run.steps.every((s) => s.probe.invocations === 1)).toBe(true);
    expect(run.steps.length).toBeGreaterThanOrEqual(CHERRYPICK_INITIAL);
    expect(run.steps.length).toBeLessThanOrEqual(CHERRYPICK_MAX_PROBES);
    expect(run.stopReason).toMatch(/expected improvement .* < 10% of the best cost|40 probes/);
    const met = run.steps.filter((s) => s.probe.failures === 0 && s.probe.latencyMs[0] <= 1300).sort((a, b) => a.probe.meanCost - b.probe.meanCost);
    expect(run.final).toEqual(met[0]?.probe.config);
  });
});

describe('aquatope-2023', () => {
  it('runs 10 random probes then 20 rounds of 3, one invocation each (70 probes)', () => {
    const run = runTuning(aquatope2023Method, problem, { seed: 2 });
    expect(run.steps).toHaveLength(AQUATOPE_2023_INITIAL + AQUATOPE_2023_ROUNDS * AQUATOPE_2023_BATCH);
    expect(run.invocationsSpent).toBe(70);
    expect(run.stopReason).toBe('20 rounds');
    // A round's three probes are distinct configurations.
    for (let r = 0; r < AQUATOPE_2023_ROUNDS; r++) {
      const start = AQUATOPE_2023_INITIAL + r * AQUATOPE_2023_BATCH;
      const keys = run.steps.slice(start, start + 3).map((s) => JSON.stringify(s.probe.config));
      expect(new Set(keys).size).toBe(3);
    }
  });

  it('reproduces its probes from the same seed', () => {
    const a = runTuning(aquatope2023Method, problem, { seed: 3, maxProbes: 16 });
    const b = runTuning(aquatope2023Method, problem, { seed: 3, maxProbes: 16 });
    expect(b.steps.map((s) => s.probe.config)).toEqual(a.steps.map((s) => s.probe.config));
  });
});
