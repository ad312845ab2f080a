import { CouchServer, openDatabase } from '../../src/store/couch';
import { OBSERVATION_INDEXES, ObservationRepository, configKey, observationId, type Observation } from '../../src/store/observation-repository';
import { MalformedDocumentError, StoreError } from '../../src/store/store-error';
import { putRaw, startTestCouch, type TestCouch } from './support/test-couch';

const small = [{ stage: 'resize', memoryMB: 256, cpu: 0.25 }, { stage: 'classify', memoryMB: 1024, cpu: 1 }];
const large = [{ stage: 'resize', memoryMB: 1024, cpu: 1 }, { stage: 'classify', memoryMB: 2048, cpu: 2 }];

const probe = (at: string, n: number, config = small, workflow = 'ml'): Observation => ({
  workflow,
  at,
  probe: n,
  config,
  latenciesMs: [1200 + n, 1350 + n, 990],
  costs: [0.00002, 0.000021, 0.000019],
  failures: n % 2,
});

describe('ObservationRepository', () => {
  let couch: TestCouch;
  beforeAll(async () => {
    couch = await startTestCouch();
  });
  afterAll(() => couch.stop());

  async function open(label: string): Promise<{ observations: ObservationRepository; db: string }> {
    const db = `${couch.prefix(label)}obs`;
    return { observations: new ObservationRepository(await openDatabase(new CouchServer({ url: couch.url }), db, OBSERVATION_INDEXES)), db };
  }

  it('appends an observation under a deterministic id and reads it back', async () => {
    const { observations } = await open('append');
    const o = probe('2024-05-01T10:00:00Z', 0);
    const result = await observations.append(o);
    expect(result).toMatchObject({ outcome: 'created', stored: { id: 'observation:ml:2024-05-01T10:00:00.000Z:000000' } });
    expect(await observations.get('ml', '2024-05-01T10:00:00.000Z', 0)).toEqual({ ...o, at: '2024-05-01T10:00:00.000Z' });
  });

  it('re-inserting the same observation is already-stored, not a second document', async () => {
    const { observations } = await open('idempotent');
    const o = probe('2024-05-01T10:00:00Z', 1);
    await observations.append(o);
    expect((await observations.append(o)).outcome).toBe('already-stored');
    expect(await observations.forWorkflow('ml')).toHaveLength(1);
  });

  it('a different observation with the same workflow, tick and probe is a conflict and the first stays', async () => {
    const { observations } = await open('conflict');
    await observations.append(probe('2024-05-01T10:00:00Z', 0));
    const other = { ...probe('2024-05-01T10:00:00Z', 0), latenciesMs: [1, 2, 3] };
    const failure = observations.append(other);
    await expect(failure).rejects.toBeInstanceOf(StoreError);
    await expect(failure).rejects.toMatchObject({ outcome: 'conflict', docId: 'observation:ml:2024-05-01T10:00:00.000Z:000000' });
    expect((await observations.get('ml', '2024-05-01T10:00:00Z', 0))?.latenciesMs).toEqual([1200, 1350, 990]);
  });

  it('forWorkflow lists one workflow\'s observations in time then probe order', async () => {
    const { observations } = await open('list');
    await observations.append(probe('2024-05-01T10:05:00Z', 0));
    await observations.append(probe('2024-05-01T10:00:00Z', 11));
    await observations.append(probe('2024-05-01T10:00:00Z', 2));
    await observations.append(probe('2024-05-01T10:00:00Z', 0, small, 'ml-2'));
    expect((await observations.forWorkflow('ml')).map((o) => `${o.at}#${o.probe}`)).toEqual([
      '2024-05-01T10:00:00.000Z#2', '2024-05-01T10:00:00.000Z#11', '2024-05-01T10:05:00.000Z#0',
    ]);
  });

  it('forConfig finds the replicas of one configuration through the index, whatever the stage order', async () => {
    const { observations } = await open('config');
    await observations.append(probe('2024-05-01T10:00:00Z', 0, small));
    await observations.append(probe('2024-05-01T10:00:00Z', 1, large));
    await observations.append(probe('2024-05-01T10:10:00Z', 0, small));
    const replicas = await observations.forConfig('ml', [...small].reverse());
    expect(replicas.map((o) => `${o.at}#${o.probe}`)).toEqual(['2024-05-01T10:00:00.000Z#0', '2024-05-01T10:10:00.000Z#0']);
  });

  it('configKey is the sorted stage=memoryMB/cpu list', () => {
    expect(configKey(small)).toBe('classify=1024/1,resize=256/0.25');
  });

  const base = probe('2024-05-01T10:00:00Z', 0);
  const id = 'observation:ml:2024-05-01T10:00:00.000Z:000000';
  it.each([
    [{ ...base, probe: -1 }, 'observation probe: expected an integer in [0, 999999], found -1'],
    [{ ...base, probe: 1_000_000 }, 'observation probe: expected an integer in [0, 999999], found 1000000'],
    [{ ...base, at: 'now' }, 'observation at: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:34:00Z, found "now"'],
    [{ ...base, costs: [1] }, `cannot store observation ${id}: costs: expected 3 values (one per latency), found 1`],
    [{ ...base, latenciesMs: [10, -1, 3] }, `cannot store observation ${id}: latenciesMs[1]: expected a finite number >= 0, found -1`],
    [{ ...base, latenciesMs: [], costs: [], failures: 0 }, `cannot store observation ${id}: latenciesMs: expected at least one invocation (latencies or failures)`],
    [{ ...base, failures: 0.5 }, `cannot store observation ${id}: failures: expected an integer >= 0, found 0.5`],
    [{ ...base, config: [] }, `cannot store observation ${id}: config: expected at least 1 element(s), found 0`],
  ])('append(%j) is a RangeError: %s', async (o, message) => {
    const { observations } = await open('invalid');
    await expect(observations.append(o)).rejects.toThrow(new RangeError(message));
  });

  it('stores and reads back per-stage runs, and documents without them still read (no stageRuns field)', async () => {
    const { observations } = await open('stage-runs');
    const withRuns: Observation = {
      ...probe('2024-05-01T10:00:00Z', 0),
      stageRuns: [
        { stage: 'resize', runMs: [100, 120, 90, 80], outOfMemory: [false, false, false, true], peakMemoryMB: 210 },
        { stage: 'classify', runMs: [900, 1000, 800], outOfMemory: [false, false, false], peakMemoryMB: null },
      ],
    };
    await observations.append(withRuns);
    await observations.append(probe('2024-05-01T10:05:00Z', 0));
    const [first, second] = await observations.forWorkflow('ml');
    expect(first.stageRuns).toEqual(withRuns.stageRuns);
    expect(second).not.toHaveProperty('stageRuns');
    expect((await observations.append(withRuns)).outcome).toBe('already-stored');
  });

  it.each([
    [[{ stage: 'resize', runMs: [1, 2], outOfMemory: [false], peakMemoryMB: null }, { stage: 'classify', runMs: [], outOfMemory: [], peakMemoryMB: null }], 'stageRuns[0].outOfMemory: expected 2 flags (one per run), found 1'],
    [[{ stage: 'resize', runMs: [1], outOfMemory: [false], peakMemoryMB: null }], 'stageRuns: expected one entry per stage of config (classify, resize), found resize'],
    [[{ stage: 'resize', runMs: [-1], outOfMemory: [false], peakMemoryMB: null }, { stage: 'classify', runMs: [], outOfMemory: [], peakMemoryMB: null }], 'stageRuns[0].runMs[0]: expected a finite number >= 0, found -1'],
    [[{ stage: 'resize', runMs: [1], outOfMemory: [false], peakMemoryMB: 0 }, { stage: 'classify', runMs: [], outOfMemory: [], peakMemoryMB: null }], 'stageRuns[0].peakMemoryMB: expected a finite number > 0, found 0'],
  ])('append with stageRuns %j is a RangeError: %s', async (stageRuns, detail) => {
    const { observations } = await open('bad-stage-runs');
    await expect(observations.append({ ...base, stageRuns })).rejects.toThrow(new RangeError(`cannot store observation ${id}: ${detail}`));
  });

  it('only failures (every invocation timed out) is a valid observation', async () => {
    const { observations } = await open('failures');
    expect((await observations.append({ ...base, latenciesMs: [], costs: [], failures: 3 })).outcome).toBe('created');
  });

  it('a stored observation whose configKey disagrees with its config is reported naming the doc id and field', async () => {
    const { observations, db } = await open('malformed');
    await putRaw(couch.url, db, { _id: observationId('ml', base.at, 0), docType: 'observation', ...base, at: '2024-05-01T10:00:00.000Z', configKey: 'resize=1/1' });
    await expect(observations.get('ml', base.at, 0)).rejects.toThrow(
      new MalformedDocumentError(id, 'configKey', 'expected "classify=1024/1,resize=256/0.25" (from config), found "resize=1/1"'),
    );
  });
});
