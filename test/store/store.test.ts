import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { startEmbeddedCouchDb } from '../../src/store/embedded-couchdb';
import type { Observation } from '../../src/store/observation-repository';
import { STORE_DATABASES, openStore } from '../../src/store/store';
import { StoreError } from '../../src/store/store-error';
import { couchFetch, startTestCouch, type TestCouch } from './support/test-couch';

const observation = (at: string, latency: number): Observation => ({
  workflow: 'ml-inference',
  at,
  probe: 0,
  config: [{ stage: 'resize', memoryMB: 512, cpu: 0.5 }],
  latenciesMs: [latency, latency + 10],
  costs: [0.0001, 0.00011],
  failures: 0,
});

describe('openStore', () => {
  let couch: TestCouch;
  beforeAll(async () => {
    couch = await startTestCouch();
  });
  afterAll(() => couch.stop());

  it('creates one database per repository under the prefix, with the declared indexes', async () => {
    const prefix = couch.prefix('facade');
    const store = await openStore({ url: couch.url, dbPrefix: prefix });
    expect(Object.keys(store).sort()).toEqual(
      ['appliedActions', 'forecasts', 'observations', 'poolDecisions', 'searchStates', 'series', 'ticks', 'workflowConfigs'],
    );
    const all: unknown = await (await couchFetch(couch.url, '/_all_dbs')).json();
    expect(Array.isArray(all) ? all.filter((n) => typeof n === 'string' && n.startsWith(prefix)).sort() : all).toEqual(
      ['applied_actions', 'forecasts', 'observations', 'pool_decisions', 'search_states', 'series', 'ticks', 'workflow_configs'].map((n) => `${prefix}${n}`),
    );
    const tickIndexes: unknown = await (await couchFetch(couch.url, `/${prefix}ticks/_index`)).json();
    expect(tickIndexes).toMatchObject({ indexes: expect.arrayContaining([expect.objectContaining({ name: STORE_DATABASES.ticks.indexes[0].name })]) });
    // Opening again over existing databases and indexes is fine.
    await expect(openStore({ url: couch.url, dbPrefix: prefix })).resolves.toBeDefined();
  });

  it.each(['Aquatope_', '_x', '1x_', 'a b', 'a/'])('dbPrefix %p is a RangeError naming it', async (dbPrefix) => {
    await expect(openStore({ url: couch.url, dbPrefix })).rejects.toThrow(
      new RangeError(`dbPrefix must start with a lower-case letter and hold only a-z, 0-9, _ and -, got ${JSON.stringify(dbPrefix)}`),
    );
  });

  it('fails as unavailable naming the server URL when nothing listens there', async () => {
    const gone = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
    await gone.stop();
    await expect(openStore({ url: gone.url })).rejects.toThrow(new RegExp(`^open database ${gone.url}/aquatope_series: unavailable: .*ECONNREFUSED`));
  });
});

describe('openStore over an embedded server that goes down and comes back (LevelDB)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aquatope-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a write during the outage fails as unavailable naming the URL; after a restart the earlier data is there and the retried write succeeds', async () => {
    const first = await startEmbeddedCouchDb({ storage: { kind: 'leveldb', dir } });
    const store = await openStore({ url: first.url, timeoutMs: 2_000 });
    const before = observation('2024-05-01T12:00:00Z', 800);
    const during = observation('2024-05-01T12:05:00Z', 900);
    expect((await store.observations.append(before)).outcome).toBe('created');

    await first.stop();
    let failure: unknown;
    try {
      await store.observations.append(during);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure).toMatchObject({ outcome: 'unavailable', operation: 'put', url: `${first.url}/aquatope_observations` });
    expect(String(failure)).toMatch(
      new RegExp(`^StoreError: put ${first.url}/aquatope_observations/observation:ml-inference:2024-05-01T12:05:00.000Z:000000: unavailable: .*ECONNREFUSED`),
    );

    const second = await startEmbeddedCouchDb({ storage: { kind: 'leveldb', dir }, port: first.port });
    try {
      expect((await store.observations.forWorkflow('ml-inference')).map((o) => o.latenciesMs[0])).toEqual([800]);
      expect((await store.observations.append(during)).outcome).toBe('created');
      expect((await store.observations.forWorkflow('ml-inference')).map((o) => o.at)).toEqual(['2024-05-01T12:00:00.000Z', '2024-05-01T12:05:00.000Z']);
    } finally {
      await second.stop();
    }
  });
});
