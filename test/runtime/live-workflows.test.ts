import { resolve } from 'node:path';
import { liveWorkflowsFromProfiles } from '../../src/runtime/live-workflows';
import { QOS_FACTORS } from '../../benchmark/workflows/modelled-workflow';

const repo = resolve(__dirname, '../..');

describe('liveWorkflowsFromProfiles', () => {
  it('sets a numeric factor times the p95 at the largest configurations, on the committed profiles', async () => {
    const [medium] = await liveWorkflowsFromProfiles(repo, ['social-network'], 'medium');
    const [four] = await liveWorkflowsFromProfiles(repo, ['social-network'], 4);
    const [same] = await liveWorkflowsFromProfiles(repo, ['social-network'], QOS_FACTORS.medium);
    expect(same.qos).toEqual(medium.qos);
    expect(four.qos.percentile).toBe(95);
    // Both round the same p95 up to 10 ms: the ratio is 4 / 1.6 within that rounding.
    expect(four.qos.targetMs / medium.qos.targetMs).toBeCloseTo(4 / 1.6, 1);
    expect(four.qos.targetMs % 10).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the factor %p by name', async (factor) => {
    await expect(liveWorkflowsFromProfiles(repo, ['social-network'], factor)).rejects.toThrow(`QoS factor must be a finite number > 0, got ${factor}`);
  });
});
