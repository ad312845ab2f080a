import { CouchServer, openDatabase } from '../../src/store/couch';
import { POOL_DECISION_INDEXES, PoolDecisionRepository, poolDecisionId, type PoolDecision } from '../../src/store/pool-decision-repository';
import { MalformedDocumentError } from '../../src/store/store-error';
import { putRaw, startTestCouch, type TestCouch } from './support/test-couch';

const decision = (minute: string, warm = 2): PoolDecision => ({
  minute,
  riskLevel: 0.99,
  forecastFirstMinute: minute,
  functions: [
    { function: '/g/a', warmContainers: warm, prewarm: 1, keepAliveMinutes: 2.5, memoryMB: 256 },
    { function: '/g/b', warmContainers: 0, prewarm: 0, keepAliveMinutes: 10, memoryMB: 128 },
  ],
});

describe('PoolDecisionRepository', () => {
  let couch: TestCouch;
  beforeAll(async () => {
    couch = await startTestCouch();
  });
  afterAll(() => couch.stop());

  async function open(label: string): Promise<{ decisions: PoolDecisionRepository; db: string }> {
    const db = `${couch.prefix(label)}pool`;
    return { decisions: new PoolDecisionRepository(await openDatabase(new CouchServer({ url: couch.url }), db, POOL_DECISION_INDEXES)), db };
  }

  it('saves a decision once per minute and reads it back; a different one for the minute is a conflict', async () => {
    const { decisions } = await open('save');
    const d = decision('2024-05-01T10:00:00.000Z');
    expect((await decisions.save(d)).outcome).toBe('created');
    expect((await decisions.save(d)).outcome).toBe('already-stored');
    await expect(decisions.save(decision('2024-05-01T10:00:00.000Z', 3))).rejects.toMatchObject({ outcome: 'conflict' });
    expect(await decisions.get('2024-05-01T10:00:00Z')).toEqual(d);
  });

  it('a decision made without a forecast has forecastFirstMinute null', async () => {
    const { decisions } = await open('fallback');
    const d = { ...decision('2024-05-01T10:00:00.000Z'), forecastFirstMinute: null };
    await decisions.save(d);
    expect((await decisions.get(d.minute))?.forecastFirstMinute).toBeNull();
  });

  it('a decision sized by a cold-start worth keeps it; one without has no such field', async () => {
    const { decisions } = await open('worth');
    const worth = { ...decision('2024-05-01T10:00:00.000Z'), riskLevel: 0.5, coldStartWorthGBs: 260 };
    await decisions.save(worth);
    await decisions.save(decision('2024-05-01T10:01:00.000Z'));
    expect(await decisions.get(worth.minute)).toEqual(worth);
    expect(await decisions.get('2024-05-01T10:01:00.000Z')).not.toHaveProperty('coldStartWorthGBs');
  });

  it('latestAtOrBefore and range select by minute', async () => {
    const { decisions } = await open('select');
    for (const m of ['10:00', '10:01', '10:02', '10:04']) await decisions.save(decision(`2024-05-01T${m}:00.000Z`));
    expect((await decisions.latestAtOrBefore('2024-05-01T10:03:00Z'))?.minute).toBe('2024-05-01T10:02:00.000Z');
    expect((await decisions.range('2024-05-01T10:01:00Z', '2024-05-01T10:04:00Z')).map((d) => d.minute)).toEqual([
      '2024-05-01T10:01:00.000Z', '2024-05-01T10:02:00.000Z',
    ]);
  });

  const id = 'pool-decision:2024-05-01T10:00:00.000Z';
  const base = decision('2024-05-01T10:00:00.000Z');
  const withFn = (change: object): PoolDecision => ({ ...base, functions: [{ ...base.functions[0], ...change }] });
  it.each([
    [{ ...base, riskLevel: 1 }, `cannot store pool-decision ${id}: riskLevel: expected a finite number > 0 and < 1, found 1`],
    [{ ...base, coldStartWorthGBs: 0 }, `cannot store pool-decision ${id}: coldStartWorthGBs: expected a finite number > 0, found 0`],
    [withFn({ warmContainers: 1.5 }), `cannot store pool-decision ${id}: functions[0].warmContainers: expected an integer >= 0, found 1.5`],
    [withFn({ prewarm: -1 }), `cannot store pool-decision ${id}: functions[0].prewarm: expected an integer >= 0, found -1`],
    [withFn({ memoryMB: 0 }), `cannot store pool-decision ${id}: functions[0].memoryMB: expected a finite number > 0, found 0`],
    [{ ...base, functions: [base.functions[0], base.functions[0]] }, `pool decision 2024-05-01T10:00:00.000Z: function: "/g/a" appears twice`],
    [{ ...base, minute: '2024-05-01T10:00:10Z' }, 'pool decision minute: expected the start of a minute (seconds 0), found "2024-05-01T10:00:10Z"'],
  ])('save(%j) is a RangeError: %s', async (d, message) => {
    const { decisions } = await open('invalid');
    await expect(decisions.save(d)).rejects.toThrow(new RangeError(message));
  });

  it('a stored decision with a negative keep-alive is reported naming the doc id and field', async () => {
    const { decisions, db } = await open('malformed');
    await putRaw(couch.url, db, { _id: poolDecisionId(base.minute), docType: 'pool-decision', ...withFn({ keepAliveMinutes: -3 }) });
    await expect(decisions.get(base.minute)).rejects.toThrow(new MalformedDocumentError(id, 'functions[0].keepAliveMinutes', 'expected a finite number >= 0, found -3'));
  });
});
