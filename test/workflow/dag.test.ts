import { buildStageGraph, criticalPathMs, DagError, finishTimesMs, topologicalOrder, validateStages } from '../../src/workflow/dag';
import type { StageSpec } from '../../src/workflow/workflow-types';

const s = (name: string, ...after: string[]): StageSpec => ({ name, after });

// a -> b, a -> c, b & c -> d
const diamond = [s('a'), s('b', 'a'), s('c', 'a'), s('d', 'b', 'c')];

describe('critical path', () => {
  it('of a diamond with a=100, b=300, c=50, d=20 is 420 ms (through b), with d starting at 400', () => {
    const g = buildStageGraph(diamond);
    expect(finishTimesMs(g, [100, 300, 50, 20])).toEqual([100, 400, 150, 420]);
    expect(criticalPathMs(g, [100, 300, 50, 20])).toBe(420);
  });

  it('of the same diamond goes through c when c is the slower branch: 100 + 500 + 20 = 620 ms', () => {
    expect(criticalPathMs(buildStageGraph(diamond), [100, 300, 500, 20])).toBe(620);
  });

  it('of independent stages is the slowest one, and of a chain the sum', () => {
    expect(criticalPathMs(buildStageGraph([s('x'), s('y'), s('z')]), [5, 70, 30])).toBe(70);
    expect(criticalPathMs(buildStageGraph([s('x'), s('y', 'x'), s('z', 'y')]), [5, 70, 30])).toBe(105);
  });

  it('does not depend on the order the stages are listed in', () => {
    const shuffled = [s('d', 'b', 'c'), s('c', 'a'), s('a'), s('b', 'a')];
    // Latencies by name: a=100, b=300, c=50, d=20, in the shuffled order.
    expect(criticalPathMs(buildStageGraph(shuffled), [20, 50, 100, 300])).toBe(420);
  });

  it('rejects a latency list of the wrong length', () => {
    expect(() => criticalPathMs(buildStageGraph(diamond), [1, 2, 3])).toThrow('expected 4 stage latencies, got 3');
  });
});

describe('topological order', () => {
  it('keeps an already sorted list as it is', () => {
    expect(topologicalOrder(diamond)).toEqual([0, 1, 2, 3]);
  });

  it('puts every stage after the stages it waits for, ties in list order', () => {
    expect(topologicalOrder([s('d', 'b', 'c'), s('c', 'a'), s('a'), s('b', 'a')])).toEqual([2, 1, 3, 0]);
  });
});

describe('invalid stage lists', () => {
  it.each<[string, StageSpec[], string]>([
    ['a duplicate name', [s('a'), s('b', 'a'), s('a')], 'stages[2].name: duplicate stage name "a" (also stages[0])'],
    ['an empty name', [s('a'), s('')], 'stages[1].name: expected a non-empty stage name'],
    ['an unknown stage in after', [s('split'), s('extract', 'extrct')], 'stages[1].after[0]: unknown stage "extrct"'],
    ['a self-dependency', [s('a'), s('b', 'a', 'b')], 'stages[1].after[1]: stage "b" cannot wait for itself'],
    ['a stage listed twice in after', [s('a'), s('b', 'a', 'a')], 'stages[1].after[1]: stage "a" is listed twice'],
    ['a two-stage cycle', [s('split', 'extract'), s('extract', 'split')], 'stages: cycle split -> extract -> split'],
    ['a three-stage cycle behind a valid stage', [s('root'), s('x', 'root', 'z'), s('y', 'x'), s('z', 'y')], 'stages: cycle x -> y -> z -> x'],
  ])('rejects %s', (_what, stages, message) => {
    let error: unknown;
    try {
      validateStages(stages);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DagError);
    expect(error instanceof Error ? error.message : '').toBe(message);
  });

  it('gives the error a path and a detail', () => {
    try {
      validateStages([s('a', 'nope')]);
      throw new Error('expected a DagError');
    } catch (e) {
      expect(e).toBeInstanceOf(DagError);
      if (e instanceof DagError) {
        expect(e.path).toBe('stages[0].after[0]');
        expect(e.detail).toBe('unknown stage "nope"');
      }
    }
  });
});
