import { CouchServer, openDatabase } from '../../src/store/couch';
import { SEARCH_STATE_INDEXES, SearchStateRepository, searchStateId, type SearchState } from '../../src/store/search-state-repository';
import { MalformedDocumentError } from '../../src/store/store-error';
import { putRaw, startTestCouch, type TestCouch } from './support/test-couch';

const config = [{ stage: 'split', memoryMB: 512, cpu: 0.5 }];
const initial = (workflow: string): SearchState => ({
  workflow,
  phase: 'exploring',
  iteration: 0,
  pending: null,
  incumbent: null,
  gpLogParams: null,
  updatedAt: '2024-05-01T10:00:00.000Z',
});

describe('SearchStateRepository', () => {
  let couch: TestCouch;
  beforeAll(async () => {
    couch = await startTestCouch();
  });
  afterAll(() => couch.stop());

  async function open(label: string): Promise<{ states: SearchStateRepository; db: string }> {
    const db = `${couch.prefix(label)}search`;
    return { states: new SearchStateRepository(await openDatabase(new CouchServer({ url: couch.url }), db, SEARCH_STATE_INDEXES)), db };
  }

  it('creates a state, then a step stores the pending probe, the incumbent and the GP warm start', async () => {
    const { states } = await open('step');
    const v1 = await states.create(initial('video'));
    const next: SearchState = {
      ...v1.doc,
      iteration: 1,
      pending: { config, probesDone: 0, probesWanted: 3, startedAt: '2024-05-01T10:01:00.000Z' },
      incumbent: { config, costPerInvocation: 0.00003, latencyMs: 1800 },
      gpLogParams: { cost: [-0.5, 0.1, -2], latency: [0.2, 0.3, -1.5] },
      updatedAt: '2024-05-01T10:01:00.000Z',
    };
    const v2 = await states.replace(v1, next);
    expect(await states.get('video')).toEqual({ id: 'search-state:video', rev: v2.rev, doc: next });
  });

  it('two steps racing on one state: the stale replace is a conflict, updateWithRetry applies both increments', async () => {
    const { states } = await open('race');
    const v1 = await states.create(initial('video'));
    await states.replace(v1, { ...v1.doc, iteration: 1 });
    await expect(states.replace(v1, { ...v1.doc, iteration: 5 })).rejects.toMatchObject({ outcome: 'conflict', docId: 'search-state:video' });
    const step = (s: SearchState | undefined): SearchState | undefined => (s === undefined ? undefined : { ...s, iteration: s.iteration + 1 });
    await Promise.all([states.updateWithRetry('video', step), states.updateWithRetry('video', step), states.updateWithRetry('video', step)]);
    expect((await states.get('video'))?.doc.iteration).toBe(4);
  });

  it('updateWithRetry can create the first state', async () => {
    const { states } = await open('first');
    const result = await states.updateWithRetry('video', (s) => s ?? initial('video'));
    expect(result).toMatchObject({ outcome: 'written', created: true, stored: { doc: initial('video') } });
  });

  const id = 'search-state:video';
  const base = initial('video');
  it.each([
    [{ ...base, iteration: -1 }, `cannot store search-state ${id}: iteration: expected an integer >= 0, found -1`],
    [{ ...base, pending: { config, probesDone: 4, probesWanted: 3, startedAt: base.updatedAt } }, `cannot store search-state ${id}: pending.probesDone: expected an integer >= 0 and <= 3, found 4`],
    [{ ...base, pending: { config, probesDone: 0, probesWanted: 0, startedAt: base.updatedAt } }, `cannot store search-state ${id}: pending.probesWanted: expected an integer >= 1, found 0`],
    [{ ...base, incumbent: { config, costPerInvocation: -1, latencyMs: 1 } }, `cannot store search-state ${id}: incumbent.costPerInvocation: expected a finite number >= 0, found -1`],
    [{ ...base, gpLogParams: { cost: [], latency: [1] } }, `cannot store search-state ${id}: gpLogParams.cost: expected at least 1 element(s), found 0`],
  ])('create(%j) is a RangeError: %s', async (state: SearchState, message) => {
    const { states } = await open('invalid');
    await expect(states.create(state)).rejects.toThrow(new RangeError(message));
  });

  const { updatedAt: _dropped, ...withoutUpdatedAt } = base;
  it.each([
    ['no updatedAt', withoutUpdatedAt, 'updatedAt', 'missing'],
    ['an unknown phase', { ...base, phase: 'paused' }, 'phase', 'expected one of "exploring", "converged", "stopped", found "paused"'],
    ['a pending probe without a config', { ...base, pending: { probesDone: 0, probesWanted: 1, startedAt: base.updatedAt } }, 'pending.config', 'missing'],
  ])('a stored state with %s is reported naming the doc id and field', async (_what, doc, field, detail) => {
    const { states, db } = await open('malformed');
    await putRaw(couch.url, db, { _id: searchStateId('video'), docType: 'search-state', ...doc });
    await expect(states.get('video')).rejects.toThrow(new MalformedDocumentError(id, field, detail));
  });
});
