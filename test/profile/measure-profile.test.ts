import { measureProfile, ProfilingError, type ProfilePlan, type StageRunner, type StageRunOutcome } from '../../src/profile/measure-profile';
import { parseProfile } from '../../src/workflow/profile';
import type { StageConfig } from '../../src/workflow/workflow-types';

/** A runner whose stage takes work / cpu ms, runs out of memory below `needMB`, and is cold after each configure. */
class FakeRunner implements StageRunner {
  readonly calls: string[] = [];
  private config: StageConfig = { memoryMB: 0, cpu: 0 };
  private cold = true;

  constructor(
    private readonly work: Record<string, number>,
    private readonly needMB: Record<string, number>,
    private readonly brokenAt?: { stage: string; memoryMB: number },
  ) {}

  async configure(stage: string, config: StageConfig): Promise<void> {
    this.calls.push(`configure ${stage} ${config.memoryMB}/${config.cpu}`);
    this.config = config;
    this.cold = true;
  }

  async invoke(stage: string, input: Readonly<Record<string, unknown>>): Promise<StageRunOutcome> {
    this.calls.push(`invoke ${stage} ${JSON.stringify(input)}`);
    const init = this.cold ? { initTimeMs: 300 } : {};
    if (this.brokenAt !== undefined && this.brokenAt.stage === stage && this.brokenAt.memoryMB === this.config.memoryMB) {
      return { durationMs: 5, success: false, outOfMemory: false, error: 'TypeError: boom' };
    }
    if (this.config.memoryMB < this.needMB[stage]) {
      this.cold = true;
      return { durationMs: 40 + (init.initTimeMs ?? 0), ...init, success: false, outOfMemory: true, error: 'The action exhausted its memory and was aborted.' };
    }
    this.cold = false;
    return { durationMs: this.work[stage] / this.config.cpu + (init.initTimeMs ?? 0), ...init, success: true, outOfMemory: false, ...(stage === 'a' ? { peakMemoryMB: 70 } : {}) };
  }
}

function plan(overrides: Partial<ProfilePlan> = {}): ProfilePlan {
  return {
    workflow: 'two',
    stages: [{ name: 'b', after: ['a'] }, { name: 'a', after: [] }],
    cpus: [1, 0.5],
    memoryMB: [256, 128],
    invocations: 3,
    inputs: { a: { n: 1 }, b: { n: 2 } },
    prices: { gbSecond: 0.0000166667, cpuCoreSecond: 0 },
    overheadMs: 40,
    percentile: 95,
    targetFactor: 1.6,
    ...overrides,
  };
}

const provenance = { measuredAt: '2026-12-03T17:00:00.000Z', machine: { cpus: 2, limits: 'cgroup-v1' } };

describe('measureProfile', () => {
  it('measures each stage in DAG order at every configuration, warm runs only, with the stage\'s own input', async () => {
    const runner = new FakeRunner({ a: 100, b: 200 }, { a: 0, b: 0 });
    const doc = await measureProfile(plan(), runner, provenance);
    expect(runner.calls.filter((c) => c.startsWith('configure'))).toEqual([
      'configure a 128/0.5', 'configure a 128/1', 'configure a 256/0.5', 'configure a 256/1',
      'configure b 128/0.5', 'configure b 128/1', 'configure b 256/0.5', 'configure b 256/1',
    ]);
    // One warm-up plus three measured runs per configuration.
    expect(runner.calls.filter((c) => c === 'invoke a {"n":1}')).toHaveLength(16);
    expect(doc.measurements.find((m) => m.stage === 'a' && m.config.memoryMB === 128 && m.config.cpu === 0.5)).toEqual({ stage: 'a', config: { memoryMB: 128, cpu: 0.5 }, latencyMs: [200, 200, 200], peakMemoryMB: [70, 70, 70] });
    // Stage b reports no peak: none is written.
    expect(doc.measurements.find((m) => m.stage === 'b')?.peakMemoryMB).toBeUndefined();
    expect(doc.measurements.find((m) => m.stage === 'b' && m.config.memoryMB === 256 && m.config.cpu === 1)?.latencyMs).toEqual([200, 200, 200]);
    expect(doc.measuredAt).toBe('2026-12-03T17:00:00.000Z');
    expect(doc.machine).toEqual({ cpus: 2, limits: 'cgroup-v1' });
    // Target: 1.6 x (100 + 200 + 40 overhead) at the largest configurations (256 MB, 1 core) = 544, rounded up to 550.
    expect(doc.qos).toEqual({ percentile: 95, targetMs: 550 });
    expect(parseProfile(doc).measurements).toHaveLength(8);
  });

  it('keeps out-of-memory runs (warm-up included) as outOfMemory measurements without their init time', async () => {
    const runner = new FakeRunner({ a: 100, b: 200 }, { a: 0, b: 256 });
    const doc = await measureProfile(plan(), runner, provenance);
    expect(doc.measurements.find((m) => m.stage === 'b' && m.config.memoryMB === 128 && m.config.cpu === 1)).toEqual({ stage: 'b', config: { memoryMB: 128, cpu: 1 }, latencyMs: [40, 40, 40, 40], outOfMemory: true });
    expect(doc.measurements.filter((m) => m.stage === 'b' && m.config.memoryMB === 128 && m.outOfMemory === undefined)).toEqual([]);
    const parsed = parseProfile(doc);
    expect(parsed.measurements.find((m) => m.stage === 'b' && m.config.memoryMB === 128 && m.config.cpu === 1)?.runs.every((r) => r.outOfMemory)).toBe(true);
  });

  it('reports progress once per stage and configuration', async () => {
    const seen: string[] = [];
    await measureProfile(plan({ cpus: [1], memoryMB: [256] }), new FakeRunner({ a: 100, b: 50 }, { a: 0, b: 0 }), provenance, (p) => seen.push(`${p.done}/${p.total} ${p.stage} ${p.medianMs}`));
    expect(seen).toEqual(['1/2 a 100', '2/2 b 50']);
  });

  it('stops with the stage, configuration and error when a run fails for another reason', async () => {
    await expect(measureProfile(plan(), new FakeRunner({ a: 100, b: 200 }, { a: 0, b: 0 }, { stage: 'b', memoryMB: 256 }), provenance)).rejects.toThrow('stage b at 256 MB, 0.5 cores failed: TypeError: boom');
  });

  it('refuses a profile with a stage out of memory at its largest configuration (no target can be set)', async () => {
    await expect(measureProfile(plan(), new FakeRunner({ a: 100, b: 200 }, { a: 0, b: 4096 }), provenance)).rejects.toThrow('no QoS target can be set: stage b: ran out of memory at its largest configuration (256 MB, 1 cores); measure larger memory');
  });

  it.each<[string, Partial<ProfilePlan>, string]>([
    ['no cpus', { cpus: [] }, 'cpus: expected at least one value'],
    ['a zero cpu', { cpus: [0, 1] }, 'cpus: expected positive numbers, found 0'],
    ['a repeated memory', { memoryMB: [128, 128] }, 'memory: 128,128 lists a value twice'],
    ['a fractional memory', { memoryMB: [128.5] }, 'memory: expected whole MB, found 128.5'],
    ['zero invocations', { invocations: 0 }, 'invocations: expected a positive integer, found 0'],
    ['a stage without input', { inputs: { a: {} } }, 'stage b: no input to invoke it with'],
  ])('rejects a plan with %s', async (_what, overrides, message) => {
    const runner = new FakeRunner({ a: 1, b: 1 }, { a: 0, b: 0 });
    const run = measureProfile(plan(overrides), runner, provenance);
    await expect(run).rejects.toThrow(ProfilingError);
    await expect(measureProfile(plan(overrides), runner, provenance)).rejects.toThrow(message);
    expect(runner.calls).toEqual([]);
  });
});
