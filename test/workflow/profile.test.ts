import { LAMBDA_MB_PER_CORE, parseProfile, ProfileError } from '../../src/workflow/profile';

/** A valid profile: split -> extract -> merge, two configurations of split. */
function validProfile(): Record<string, unknown> {
  return {
    workflow: 'doc-pipeline',
    qos: { percentile: 95, targetMs: 3000 },
    prices: { gbSecond: 0.0000166667, cpuCoreSecond: 0 },
    stages: [
      { name: 'split', after: [] },
      { name: 'extract', after: ['split'] },
      { name: 'merge', after: ['extract'] },
    ],
    measurements: [
      { stage: 'split', config: { memoryMB: 1024, cpu: 0.5 }, latencyMs: [812, 790, 845] },
      { stage: 'split', config: { memoryMB: 2048, cpu: 1 }, latencyMs: [420, 433] },
      { stage: 'extract', config: { memoryMB: 512 }, latencyMs: [1200, 1250] },
      { stage: 'merge', config: { memoryMB: 256, cpu: 0.25 }, latencyMs: [90] },
    ],
  };
}

/** `validProfile()` changed by `edit` (which may mutate it freely). */
function edited(edit: (p: Record<string, any>) => void): Record<string, unknown> {
  const p = validProfile();
  edit(p);
  return p;
}

function errorOf(input: unknown, file?: string): ProfileError {
  try {
    parseProfile(input, file);
  } catch (e) {
    if (e instanceof ProfileError) return e;
    throw e;
  }
  throw new Error('expected a ProfileError, but the profile was accepted');
}

describe('parseProfile: valid profiles', () => {
  it('reads every field of an object and of the same profile as JSON text', () => {
    const fromObject = parseProfile(validProfile());
    expect(parseProfile(JSON.stringify(validProfile()))).toEqual(fromObject);
    expect(fromObject.workflow).toBe('doc-pipeline');
    expect(fromObject.qos).toEqual({ percentile: 95, targetMs: 3000 });
    expect(fromObject.prices).toEqual({ gbSecond: 0.0000166667, cpuCoreSecond: 0 });
    expect(fromObject.overheadMs).toBe(0);
    expect(fromObject.stages.map((s) => s.name)).toEqual(['split', 'extract', 'merge']);
    expect(fromObject.measurements[0]).toEqual({
      stage: 'split',
      config: { memoryMB: 1024, cpu: 0.5 },
      cpuFollowsMemory: false,
      runs: [812, 790, 845].map((latencyMs) => ({ latencyMs, outOfMemory: false })),
    });
  });

  it('derives a missing cpu from memory as memoryMB / 1769 cores (Lambda\'s ratio)', () => {
    const m = parseProfile(validProfile()).measurements[2];
    expect(LAMBDA_MB_PER_CORE).toBe(1769);
    expect(m.config).toEqual({ memoryMB: 512, cpu: 512 / 1769 });
    expect(m.cpuFollowsMemory).toBe(true);
  });

  it('merges entries of the same stage and configuration, samples in file order, out-of-memory runs flagged', () => {
    const p = parseProfile(
      edited((q) => {
        q.measurements.push({ stage: 'split', config: { memoryMB: 1024, cpu: 0.5 }, latencyMs: [60], outOfMemory: true });
        q.measurements.push({ stage: 'split', config: { memoryMB: 1024, cpu: 0.5 }, latencyMs: [800], outOfMemory: false });
      }),
    );
    expect(p.measurements).toHaveLength(4);
    expect(p.measurements[0].runs).toEqual([
      { latencyMs: 812, outOfMemory: false },
      { latencyMs: 790, outOfMemory: false },
      { latencyMs: 845, outOfMemory: false },
      { latencyMs: 60, outOfMemory: true },
      { latencyMs: 800, outOfMemory: false },
    ]);
  });

  it('gives each run its reported peak memory when the profile has peakMemoryMB', () => {
    const p = parseProfile(edited((q) => (q.measurements[0].peakMemoryMB = q.measurements[0].latencyMs.map((_: number, j: number) => 90 + j))));
    const first = p.measurements[0];
    expect(first.runs.map((r) => r.peakMemoryMB)).toEqual(first.runs.map((_r, j) => 90 + j));
    expect(p.measurements[1].runs.every((r) => r.peakMemoryMB === undefined)).toBe(true);
  });

  it('keeps the provenance measuredAt and machine when given, and leaves them out when not', () => {
    const p = parseProfile(edited((q) => {
      q.measuredAt = '2026-12-03T17:00:00.000Z';
      q.machine = { cpus: 2, cpuModel: 'Xeon', limits: 'cgroup-v1' };
    }));
    expect(p.measuredAt).toBe('2026-12-03T17:00:00.000Z');
    expect(p.machine).toEqual({ cpus: 2, cpuModel: 'Xeon', limits: 'cgroup-v1' });
    const bare = parseProfile(validProfile());
    expect('measuredAt' in bare).toBe(false);
    expect('machine' in bare).toBe(false);
  });

  it('accepts an optional overheadMs and stages listed out of topological order', () => {
    const p = parseProfile(
      edited((q) => {
        q.overheadMs = 40;
        q.stages.reverse();
      }),
    );
    expect(p.overheadMs).toBe(40);
    expect(p.stages.map((s) => s.name)).toEqual(['merge', 'extract', 'split']);
  });
});

describe('parseProfile: invalid profiles name the offending field', () => {
  it.each<[string, unknown, string]>([
    ['a measurement of a stage that does not exist', edited((p) => (p.measurements[1].stage = 'mrge')), 'measurements[1].stage: unknown stage "mrge"'],
    ['a stage with no measurements', edited((p) => p.measurements.pop()), 'measurements: stage "merge" has no measurements'],
    ['a cycle in after', edited((p) => p.stages[0].after.push('extract')), 'stages: cycle split -> extract -> split'],
    ['an after naming an unknown stage', edited((p) => (p.stages[1].after = ['extrct'])), 'stages[1].after[0]: unknown stage "extrct"'],
    ['a self-dependency', edited((p) => (p.stages[2].after = ['merge'])), 'stages[2].after[0]: stage "merge" cannot wait for itself'],
    ['a duplicate stage name', edited((p) => (p.stages[2].name = 'split')), 'stages[2].name: duplicate stage name "split" (also stages[0])'],
    ['an empty stage list', edited((p) => (p.stages = [])), 'stages: empty (expected at least one stage)'],
    ['a stage without after', edited((p) => delete p.stages[1].after), 'stages[1].after: missing (expected an array)'],
    ['empty samples', edited((p) => (p.measurements[0].latencyMs = [])), 'measurements[0].latencyMs: empty (expected at least one latency sample)'],
    ['a negative latency', edited((p) => (p.measurements[3].latencyMs = [90, 91, -5])), 'measurements[3].latencyMs[2]: expected a non-negative finite number, found -5'],
    ['a non-numeric latency', edited((p) => (p.measurements[0].latencyMs[1] = '790')), 'measurements[0].latencyMs[1]: expected a non-negative finite number, found "790"'],
    ['samples that are not a list', edited((p) => (p.measurements[0].latencyMs = 812)), 'measurements[0].latencyMs: expected an array, found 812'],
    ['a non-numeric memory', edited((p) => (p.measurements[2].config.memoryMB = '512')), 'measurements[2].config.memoryMB: expected a positive integer, found "512"'],
    ['a fractional memory', edited((p) => (p.measurements[2].config.memoryMB = 512.5)), 'measurements[2].config.memoryMB: expected a positive integer, found 512.5'],
    ['a missing memory', edited((p) => delete p.measurements[2].config.memoryMB), 'measurements[2].config.memoryMB: missing (expected a positive integer)'],
    ['a zero cpu', edited((p) => (p.measurements[0].config.cpu = 0)), 'measurements[0].config.cpu: expected a positive finite number (cores), found 0'],
    ['a non-boolean outOfMemory', edited((p) => (p.measurements[0].outOfMemory = 'yes')), 'measurements[0].outOfMemory: expected true or false, found "yes"'],
    ['a percentile of 120', edited((p) => (p.qos.percentile = 120)), 'qos.percentile: expected a number in (0, 100), found 120'],
    ['a percentile of 100', edited((p) => (p.qos.percentile = 100)), 'qos.percentile: expected a number in (0, 100), found 100'],
    ['a missing percentile', edited((p) => delete p.qos.percentile), 'qos.percentile: missing (expected a number in (0, 100))'],
    ['a zero target', edited((p) => (p.qos.targetMs = 0)), 'qos.targetMs: expected a positive finite number, found 0'],
    ['a negative price', edited((p) => (p.prices.gbSecond = -1)), 'prices.gbSecond: expected a non-negative finite number (price per GB-second), found -1'],
    ['missing prices', edited((p) => delete p.prices), 'prices: missing (expected an object)'],
    ['an empty workflow name', edited((p) => (p.workflow = '')), 'workflow: expected a non-empty string, found ""'],
    ['a negative overhead', edited((p) => (p.overheadMs = -3)), 'overheadMs: expected a non-negative finite number, found -3'],
    ['an unknown top-level key', edited((p) => (p.qosTarget = 3000)), 'qosTarget: unknown key (allowed: workflow, qos, prices, overheadMs, stages, measurements, measuredAt, machine)'],
    ['peaks not one per sample', edited((p) => (p.measurements[1].peakMemoryMB = [90])), 'measurements[1].peakMemoryMB: expected one peak per latency sample (2), found 1'],
    ['a peak of 0', edited((p) => (p.measurements[0].peakMemoryMB = p.measurements[0].latencyMs.map(() => 0))), 'measurements[0].peakMemoryMB[0]: expected a positive finite number, found 0'],
    ['a measuredAt that is not a time', edited((p) => (p.measuredAt = 'yesterday')), 'measuredAt: expected an ISO 8601 time, found "yesterday"'],
    ['a machine that is not an object', edited((p) => (p.machine = 'mine')), 'machine: expected an object, found "mine"'],
    ['a machine field that is an object', edited((p) => (p.machine = { cpus: 2, cpu: { model: 'x' } })), 'machine.cpu: expected a string or a finite number, found an object'],
    ['an unknown key in qos', edited((p) => (p.qos.p = 95)), 'qos.p: unknown key (allowed: percentile, targetMs)'],
    ['an unknown key in a measurement', edited((p) => (p.measurements[1].samples = [1])), 'measurements[1].samples: unknown key (allowed: stage, config, latencyMs, outOfMemory, peakMemoryMB)'],
    ['an unknown key in a config', edited((p) => (p.measurements[1].config.gpu = 1)), 'measurements[1].config.gpu: unknown key (allowed: memoryMB, cpu)'],
    ['an unknown key in a stage', edited((p) => (p.stages[0].before = [])), 'stages[0].before: unknown key (allowed: name, after)'],
    ['a list instead of an object', [validProfile()], 'profile: expected an object, found an array'],
  ])('rejects %s', (_what, input, message) => {
    expect(errorOf(input).message).toBe(message);
  });

  it('rejects invalid JSON text with the parser\'s reason', () => {
    const e = errorOf('{"workflow": ');
    expect(e.path).toBe('profile');
    expect(e.message).toMatch(/^profile: invalid JSON \(.+\)$/);
  });

  it('gives the error its path and detail, and prefixes the file name when there is one', () => {
    const bad = edited((p) => (p.measurements[3].latencyMs = [90, 91, -5]));
    const e = errorOf(bad, 'profiles/doc.json');
    expect(e.path).toBe('measurements[3].latencyMs[2]');
    expect(e.detail).toBe('expected a non-negative finite number, found -5');
    expect(e.file).toBe('profiles/doc.json');
    expect(e.message).toBe('profiles/doc.json: measurements[3].latencyMs[2]: expected a non-negative finite number, found -5');
    expect(errorOf(bad).message).toBe('measurements[3].latencyMs[2]: expected a non-negative finite number, found -5');
  });
});
