import { toStageActivation } from '../../src/manager/openwhisk-bo-step-platform';
import type { ActivationInfo } from '../../src/platform/platform-records';

function record(over: Partial<ActivationInfo>): ActivationInfo {
  return { activationId: 'a1', name: 'stage', namespace: 'guest', start: 1000, end: 1900, duration: 900, response: { status: 'success', success: true, result: { peakMemoryMB: 88 } }, annotations: [], ...over };
}

describe('toStageActivation', () => {
  it('takes a warm run at its duration, with the peak memory the stage reported', () => {
    expect(toStageActivation(record({}))).toEqual({ activationId: 'a1', startMs: 1000, durationMs: 900, success: true, outOfMemory: false, peakMemoryMB: 88 });
  });

  it('leaves a cold start\'s init time out of the run time', () => {
    expect(toStageActivation(record({ initTimeMs: 350 }))?.durationMs).toBe(550);
  });

  it('reads an out-of-memory failure from its error', () => {
    const a = toStageActivation(record({ response: { status: 'action developer error', success: false, result: { error: 'The action exhausted its memory and was aborted.' } } }));
    expect(a).toMatchObject({ success: false, outOfMemory: true });
  });

  it('is undefined for an activation that has not ended', () => {
    expect(toStageActivation(record({ duration: undefined, end: undefined }))).toBeUndefined();
  });

  it('is undefined for a warm-up invocation (answered { warmed: true }), which is not a run of the stage', () => {
    expect(toStageActivation(record({ duration: 3, response: { status: 'success', success: true, result: { warmed: true } } }))).toBeUndefined();
    // A stage whose own result has warmed: false is a run.
    expect(toStageActivation(record({ response: { status: 'success', success: true, result: { warmed: false } } }))?.durationMs).toBe(900);
  });
});
