import { parseProfile } from '../../src/workflow/profile';
import { largestConfigs, profileQosTarget } from '../../src/workflow/profile-qos';
import { profileWorkflow } from '../../src/workflow/profile-workflow';

const base = {
  workflow: 'one',
  qos: { percentile: 95, targetMs: 1000 },
  prices: { gbSecond: 1, cpuCoreSecond: 0 },
  stages: [{ name: 's', after: [] }],
};

describe('profile QoS targets', () => {
  it('takes each stage at its largest measured configuration, even when a smaller one is faster', () => {
    const profile = parseProfile({
      ...base,
      measurements: [
        { stage: 's', config: { memoryMB: 128, cpu: 2 }, latencyMs: [50, 50] },
        { stage: 's', config: { memoryMB: 512, cpu: 1 }, latencyMs: [100, 100, 100] },
        { stage: 's', config: { memoryMB: 512, cpu: 2 }, latencyMs: [60, 70, 80] },
      ],
    });
    expect(largestConfigs(profile, profileWorkflow(profile))).toEqual([{ memoryMB: 512, cpu: 2 }]);
    // p95 of draws from [60, 70, 80] is 80; 1.6 x 80 = 128 -> 130.
    expect(profileQosTarget(profile, 95, 1.6)).toEqual({ percentile: 95, targetMs: 130 });
  });

  it('names the stage when it ran out of memory at its largest configuration', () => {
    const profile = parseProfile({
      ...base,
      measurements: [
        { stage: 's', config: { memoryMB: 128 }, latencyMs: [10] },
        { stage: 's', config: { memoryMB: 256 }, latencyMs: [10], outOfMemory: true },
      ],
    });
    expect(() => profileQosTarget(profile, 95, 1.6)).toThrow('stage s: ran out of memory at its largest configuration (256 MB, 0.14471452798191067 cores)');
  });
});
