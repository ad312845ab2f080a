import { isWarmupReply, isWarmupRequest, WARMUP_PARAM, wrapManagedAction } from '../../src/platform/managed-action';

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

describe('isWarmupReply', () => {
  it.each([
    [{ warmed: true }, true],
    [{ warmed: false }, false],
    [{ warmed: 'true' }, false],
    [{}, false],
    [null, false],
    [undefined, false],
    ['warmed', false],
  ])('%j is a warm-up answer: %s', (result, expected) => {
    expect(isWarmupReply(result)).toBe(expected);
  });

  it('is true of what a wrapped action answers to a warm-up', () => {
    const main = wrapManagedAction((p: Record<string, unknown>) => ({ ran: p }));
    expect(isWarmupReply(main({ [WARMUP_PARAM]: true }))).toBe(true);
    expect(isWarmupReply(main({}))).toBe(false);
  });
});
