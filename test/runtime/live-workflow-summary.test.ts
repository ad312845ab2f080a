import type { ActivationInfo } from '../../src/platform/platform-records';
import { recordLimits, summariseLiveWorkflow } from '../../src/runtime/live-workflow-summary';

let next = 0;
function record(durationMs: number, opts: { success?: boolean; result?: unknown; initTimeMs?: number; limits?: Record<string, number> } = {}): ActivationInfo {
  next++;
  return {
    activationId: `a${next}`,
    name: 'x',
    namespace: 'guest',
    start: 1000 * next,
    end: 1000 * next + durationMs,
    duration: durationMs,
    response: { status: opts.success === false ? 'application error' : 'success', success: opts.success !== false, result: opts.result ?? {} },
    ...(opts.initTimeMs === undefined ? {} : { initTimeMs: opts.initTimeMs }),
    annotations: opts.limits === undefined ? [] : [{ key: 'limits', value: { timeout: 60000, logs: 10, concurrency: 1, ...opts.limits } }],
  };
}

const prices = { gbSecond: 1, cpuCoreSecond: 2 };
const qos = { percentile: 50, targetMs: 150 };

describe('summariseLiveWorkflow', () => {
  it('takes end-to-end latency from the entry records and cost from the stage records at their recorded limits', () => {
    const entry = [record(100), record(200), record(120, { initTimeMs: 30 })];
    const stages = [
      record(1000, { limits: { memory: 1024, cpu: 0.5 } }), // 1 GB-s + 0.5 core-s x 2 = 2
      record(500, { limits: { memory: 512 }, initTimeMs: 200 }), // 0.25 GB-s + 0.5 core (follows memory) x 0.5 s x 2 = 0.75
      record(0, { result: { warmed: true }, limits: { memory: 4096 } }), // a warm-up: not a run
    ];
    const s = summariseLiveWorkflow('wf', qos, prices, entry, stages, (mb) => mb / 1024);
    expect(s.invocations).toBe(3);
    expect(s.failed).toBe(0);
    expect(s.overTargetRate).toBeCloseTo(1 / 3, 12);
    expect(s.latencyPercentileMs).toBe(120);
    expect(s.medianMs).toBe(120);
    expect(s.costPerInvocation).toBeCloseTo(2.75 / 3, 12);
    expect(s.stageRuns).toBe(2);
    expect(s.coldStarts).toBe(2);
  });

  it('counts a failed invocation as over the target and out-of-memory stage runs by their error', () => {
    const entry = [record(100), record(90, { success: false, result: { error: 'stage failed' } })];
    const stages = [record(40, { success: false, result: { error: 'The action exhausted its memory and was aborted.' }, limits: { memory: 128 } })];
    const s = summariseLiveWorkflow('wf', { percentile: 95, targetMs: 150 }, prices, entry, stages, () => 1);
    expect(s.failed).toBe(1);
    expect(s.overTargetRate).toBe(0.5);
    expect(s.latencyPercentileMs).toBe(Number.POSITIVE_INFINITY);
    expect(s.outOfMemory).toBe(1);
  });

  it('reports zeros for a workflow that was never invoked', () => {
    const s = summariseLiveWorkflow('wf', qos, prices, [], [], () => 1);
    expect(s).toMatchObject({ invocations: 0, overTargetRate: 0, latencyPercentileMs: 0, costPerInvocation: 0 });
  });

  it('reads limits from the record annotation, undefined without one', () => {
    expect(recordLimits(record(1, { limits: { memory: 256, cpu: 0.25 } }))).toEqual({ memoryMB: 256, cpu: 0.25 });
    expect(recordLimits(record(1, { limits: { memory: 256 } }))).toEqual({ memoryMB: 256 });
    expect(recordLimits(record(1))).toBeUndefined();
  });
});
