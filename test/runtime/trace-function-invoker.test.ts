import { DEFAULT_LIMITS } from '../../src/local-openwhisk/action-limits';
import type { InvocationContext } from '../../src/local-openwhisk/invoker';
import type { StoredAction } from '../../src/local-openwhisk/stored-entities';
import { WARMUP_PARAM } from '../../src/platform/managed-action';
import { PlatformPoolPolicy } from '../../src/runtime/platform-pool-policy';
import { ReplayedWorkflowInvoker, TraceFunctionInvoker } from '../../src/runtime/trace-function-invoker';

function action(packageName: string | undefined, name: string): StoredAction {
  return {
    namespace: 'guest',
    name,
    ...(packageName === undefined ? {} : { packageName }),
    version: '0.0.1',
    publish: false,
    exec: { kind: 'nodejs:20', code: 'exports.main = () => ({})', binary: false },
    limits: { ...DEFAULT_LIMITS },
    parameters: [],
    annotations: [],
    updated: 0,
  };
}

const context: InvocationContext = { activationId: 'a'.repeat(32), namespace: 'guest', apiHost: 'http://127.0.0.1:1', apiKey: 'k:s', deadlineMs: 0 };

describe('TraceFunctionInvoker', () => {
  function rig() {
    const pool = new PlatformPoolPolicy();
    pool.reset({ functionCount: 2, functionIds: ['x', 'y'], memoryMB: new Float64Array(2), prewarmLoadMs: 800, minutes: 5 });
    return { pool, invoker: new TraceFunctionInvoker('trace', new Map([['f0000', 0], ['f0001', 1]]), pool) };
  }

  it('handles exactly the trace package\'s actions, and runs nothing of another package', async () => {
    const { invoker } = rig();
    expect(invoker.handles(action('trace', 'f0000'))).toBe(true);
    expect(invoker.handles(action('aquatope', 'collector'))).toBe(false);
    expect(invoker.handles(action(undefined, 'f0000'))).toBe(false);
    expect((await invoker.invoke(action('aquatope', 'collector'), {}, context)).status).toBe('action developer error');
  });

  it('turns a warm-up of a trace function into a warm-up request of the cluster', async () => {
    const { invoker, pool } = rig();
    const spy = jest.spyOn(pool, 'requestWarmUp');
    const out = await invoker.invoke(action('trace', 'f0001'), { [WARMUP_PARAM]: true }, context);
    expect(out).toEqual({ status: 'success', result: { warmed: true }, logs: [], durationMs: 0 });
    expect(spy).toHaveBeenCalledWith(1);
    expect(invoker.warmUps).toBe(1);
  });

  it('answers other invocations of a trace function without running anything, and names an unknown one', async () => {
    const { invoker, pool } = rig();
    const spy = jest.spyOn(pool, 'requestWarmUp');
    expect((await invoker.invoke(action('trace', 'f0000'), { x: 1 }, context)).result).toMatchObject({ simulated: true });
    expect(spy).not.toHaveBeenCalled();
    const unknown = await invoker.invoke(action('trace', 'f9999'), {}, context);
    expect(unknown.status).toBe('action developer error');
    expect(unknown.result).toEqual({ error: 'trace/f9999 is not a function of the replayed trace' });
  });
});

describe('ReplayedWorkflowInvoker', () => {
  it('answers warm-ups of a workflow\'s actions as a wrapped managed action does, and runs nothing for other invocations', async () => {
    const invoker = new ReplayedWorkflowInvoker(new Set(['social-network']));
    expect(invoker.handles(action('social-network', 'text-filter'))).toBe(true);
    expect(invoker.handles(action('trace', 'f0000'))).toBe(false);
    expect(invoker.handles(action(undefined, 'text-filter'))).toBe(false);
    expect((await invoker.invoke(action('social-network', 'invoke'), { [WARMUP_PARAM]: true }, context)).result).toEqual({ warmed: true });
    expect(invoker.warmUps).toBe(1);
    expect((await invoker.invoke(action('social-network', 'invoke'), {}, context)).result).toMatchObject({ simulated: true });
    expect(invoker.warmUps).toBe(1);
  });
});
