import { capCpuPerGB, configKey, configToPoint, largestStageConfig, pointToConfig, stageBlock, stageConfigurations, workflowSearchSpace } from '../../src/tuning/workflow-search-space';
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

  it('caps CPU per GB: a 0.1..0.4 x 128..320 grid at 0.5 cores per GB keeps only 0.1 cores at 256 and 320 MB (0.4 and 0.32 cores per GB)', () => {
    const grid = { kind: 'grid' as const, cpu: { min: 0.1, max: 0.4, step: 0.1 }, memoryMB: { min: 128, max: 320, step: 64 } };
    expect(capCpuPerGB(grid, 0.5, 'w/s')).toEqual({ kind: 'discrete', configs: [{ cpu: 0.1, memoryMB: 256 }, { cpu: 0.1, memoryMB: 320 }] });
    // 1 core per GB admits 0.2 at 256 MB exactly (0.2 x 1024 / 256 = 0.8) and 0.3 at 320 (0.96), not 0.3 at 256 (1.2).
    const one = capCpuPerGB(grid, 1, 'w/s');
    expect(one.kind === 'discrete' ? one.configs.map((c) => `${c.cpu}/${c.memoryMB}`) : []).toEqual(['0.1/128', '0.1/192', '0.1/256', '0.1/320', '0.2/256', '0.2/320', '0.3/320']);
    const measured = { kind: 'discrete' as const, configs: [{ cpu: 1, memoryMB: 512 }, { cpu: 0.5, memoryMB: 1024 }, { cpu: 2, memoryMB: 2048 }] };
    expect(capCpuPerGB(measured, 1, 'w/s')).toEqual({ kind: 'discrete', configs: [{ cpu: 0.5, memoryMB: 1024 }, { cpu: 2, memoryMB: 2048 }] });
  });

  it.each([
    [0, /must be a finite number of cores > 0, got 0/],
    [-1, /got -1/],
    [Number.NaN, /got NaN/],
    [Number.POSITIVE_INFINITY, /got Infinity/],
    [0.1, /stage "w\/s" has no configuration within 0.1 cores per GB \(its least is 0.32\)/],
  ])('rejects a CPU per GB cap of %p, or one no configuration meets', (cap, message) => {
    expect(() => capCpuPerGB({ kind: 'grid', cpu: { min: 0.1, max: 0.4, step: 0.1 }, memoryMB: { min: 128, max: 320, step: 64 } }, cap, 'w/s')).toThrow(message);
  });
});
