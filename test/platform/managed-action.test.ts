import { isWarmupRequest, WARMUP_PARAM, wrapManagedAction } from '../../src/platform/managed-action';

describe('wrapManagedAction', () => {
  it('answers a warm-up with {warmed: true} without calling main', async () => {
    const calls: unknown[] = [];
    const wrapped = wrapManagedAction(async (p: Record<string, unknown>) => {
      calls.push(p);
      return { ran: true };
    });
    expect(await wrapped({ [WARMUP_PARAM]: true })).toEqual({ warmed: true });
    expect(calls).toEqual([]);
  });

  it('passes every other invocation to main unchanged', async () => {
    const wrapped = wrapManagedAction((p: Record<string, unknown>) => ({ echo: p }));
    expect(await wrapped({ a: 1 })).toEqual({ echo: { a: 1 } });
  });

  it.each([
    [{ [WARMUP_PARAM]: 'true' }],
    [{ [WARMUP_PARAM]: 1 }],
    [{ warmup: true }],
    [null],
    ['__aquatope_warmup'],
  ])('does not take %j for a warm-up', (params) => {
    expect(isWarmupRequest(params)).toBe(false);
  });
});
