import { configKey, configToPoint, largestStageConfig, pointToConfig, stageBlock, stageConfigurations, workflowSearchSpace } from '../../src/tuning/workflow-search-space';
import { ONE_STAGE, SMALL_GRID, toyWorkflow } from '../support/toy-workflows';

describe('workflow search space', () => {
  it('makes a grid stage a grid block with cpu then memory axes in their steps', () => {
    const block = stageBlock('s', { kind: 'grid', cpu: { min: 0.1, max: 0.4, step: 0.1 }, memoryMB: { min: 128, max: 320, step: 64 } });
    expect(block).toEqual({ kind: 'grid', name: 's', axes: [{ name: 'cpu', values: [0.1, 0.2, 0.3, 0.4] }, { name: 'memoryMB', values: [128, 192, 256, 320] }] });
  });

  it('makes a measured stage a discrete block of [cpu, memoryMB] points', () => {
    const block = stageBlock('s', { kind: 'discrete', configs: [{ cpu: 0.5, memoryMB: 256 }, { cpu: 1, memoryMB: 512 }] });
    expect(block).toEqual({ kind: 'discrete', name: 's', axisNames: ['cpu', 'memoryMB'], points: [[0.5, 256], [1, 512]] });
  });

  it('round-trips a configuration through its raw point', () => {
    const config = [{ cpu: 0.3, memoryMB: 256 }, { cpu: 2, memoryMB: 1024 }];
    expect(configToPoint(config)).toEqual([0.3, 256, 2, 1024]);
    expect(pointToConfig(configToPoint(config))).toEqual(config);
  });

  it('rejects a point with an odd number of coordinates, naming the count', () => {
    expect(() => pointToConfig([1, 2, 3])).toThrow(/two coordinates per stage, got 3/);
  });

  it('expands a grid to every combination (20 cpus x 8 memories = 160) and finds its largest', () => {
    expect(stageConfigurations(SMALL_GRID)).toHaveLength(160);
    expect(largestStageConfig(SMALL_GRID)).toEqual({ cpu: 2, memoryMB: 1024 });
    expect(largestStageConfig({ kind: 'discrete', configs: [{ cpu: 1, memoryMB: 512 }, { cpu: 1, memoryMB: 1024 }, { cpu: 0.5, memoryMB: 2048 }] })).toEqual({ cpu: 1, memoryMB: 1024 });
  });

  it('keys configurations stably and builds a space of two coordinates per stage', () => {
    expect(configKey([{ cpu: 0.5, memoryMB: 256 }, { cpu: 1, memoryMB: 128 }])).toBe('0.5/256|1/128');
    const w = toyWorkflow([ONE_STAGE, { ...ONE_STAGE, name: 'b', after: ['work'] }], SMALL_GRID, { percentile: 95, targetMs: 1000 });
    expect(workflowSearchSpace(w).dimension).toBe(4);
    expect(workflowSearchSpace(w).size()).toBe(160n * 160n);
  });
});
