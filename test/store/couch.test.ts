import { createServer, type Server } from 'http';
import type { Socket } from 'net';
import { MockAgent } from 'undici';
import { CouchDatabase, CouchServer, openDatabase } from '../../src/store/couch';
import { StoreError } from '../../src/store/store-error';
import { startEmbeddedCouchDb } from '../../src/store/embedded-couchdb';
import { couchFetch, startTestCouch, type TestCouch } from './support/test-couch';

const ORIGIN = 'http://couch.test:5984';

async function bulkInsert(url: string, db: string, docs: readonly object[]): Promise<void> {
  const response = await couchFetch(url, `/${db}/_bulk_docs`, { method: 'POST', body: JSON.stringify({ docs }) });
  expect(response.status).toBe(201);
}

async function failure(promise: Promise<unknown>): Promise<StoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError, the call succeeded');
}

describe('openDatabase and CouchDatabase against the embedded server', () => {
  let couch: TestCouch;
  let server: CouchServer;
  beforeAll(async () => {
    couch = await startTestCouch();
    server = new CouchServer({ url: couch.url });
  });
  afterAll(() => couch.stop());

  it('creates the database and its declared Mango indexes, and opening again is harmless', async () => {
    const name = `${couch.prefix('open')}db`;
    await openDatabase(server, name, [{ name: 'by-kind', fields: ['kind', 'at'] }]);
    await openDatabase(server, name, [{ name: 'by-kind', fields: ['kind', 'at'] }]);
    const indexes: unknown = await (await couchFetch(couch.url, `/${name}/_index`)).json();
    expect(indexes).toMatchObject({
      indexes: expect.arrayContaining([
        expect.objectContaining({ ddoc: '_design/aquatope-by-kind', name: 'by-kind', def: { fields: [{ kind: 'asc' }, { at: 'asc' }] } }),
      ]),
    });
  });

  it('get returns undefined for a missing document but throws not-found for a missing database', async () => {
    const db = await openDatabase(server, `${couch.prefix('get')}db`);
    await expect(db.get('nothing')).resolves.toBeUndefined();
    const missing = new CouchDatabase(server, `${couch.prefix('get')}never_created`);
    const error = await failure(missing.get('nothing'));
    expect(error.outcome).toBe('not-found');
    // express-pouchdb says no_db_file, CouchDB "Database does not exist."
    expect(error.message).toMatch(new RegExp(`^get ${missing.url}/nothing: not-found \\(HTTP 404\\): not_found: (no_db_file|Database does not exist\\.)$`));
  });

  it('put creates, replaces with _rev, and reports a stale or missing _rev as conflict naming the doc', async () => {
    const db = await openDatabase(server, `${couch.prefix('put')}db`);
    const rev1 = await db.put({ _id: 'doc', value: 1 });
    expect(rev1).toMatch(/^1-/);
    const rev2 = await db.put({ _id: 'doc', _rev: rev1, value: 2 });
    expect(rev2).toMatch(/^2-/);
    expect(await db.get('doc')).toEqual({ _id: 'doc', _rev: rev2, value: 2 });
    for (const stale of [{ _id: 'doc', value: 3 }, { _id: 'doc', _rev: rev1, value: 3 }]) {
      const error = await failure(db.put(stale));
      expect(error.outcome).toBe('conflict');
      expect(error.status).toBe(409);
      expect(error.message).toMatch(new RegExp(`^put ${db.url}/doc: conflict \\(HTTP 409\\): conflict: Document update conflict\\.?$`));
    }
  });

  it('range reads every document of an id range across pages of 500, in both orders', async () => {
    const name = `${couch.prefix('range')}db`;
    const db = await openDatabase(server, name);
    const ids = Array.from({ length: 1205 }, (_, i) => `r:${String(i).padStart(5, '0')}`);
    await bulkInsert(couch.url, name, [...ids.map((_id, i) => ({ _id, i })), { _id: 'other', i: -1 }]);
    const all = await db.range({ startId: 'r:', endId: 'r:\ufff0' });
    expect(all.map((d) => d._id)).toEqual(ids);
    const newest = await db.range({ startId: 'r:\ufff0', endId: 'r:', descending: true, limit: 3 });
    expect(newest.map((d) => d.i)).toEqual([1204, 1203, 1202]);
  });

  it('find returns every match across pages (CouchDB would stop at 25) using the declared index', async () => {
    const name = `${couch.prefix('find')}db`;
    const db = await openDatabase(server, name, [{ name: 'by-group', fields: ['group'] }]);
    await bulkInsert(couch.url, name, Array.from({ length: 620 }, (_, i) => ({ _id: `f${i}`, group: i % 2 === 0 ? 'even' : 'odd' })));
    const even = await db.find({ selector: { group: 'even' }, useIndex: 'by-group' });
    expect(even).toHaveLength(310);
    expect(new Set(even.map((d) => d.group))).toEqual(new Set(['even']));
    expect(await db.find({ selector: { group: 'odd' }, limit: 7 })).toHaveLength(7);
  });
});

describe('CouchServer: transport failures (undici MockAgent as the dispatcher)', () => {
  let agent: MockAgent;
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
  });
  afterEach(() => agent.close());

  const dbOn = (a: MockAgent): CouchDatabase => new CouchDatabase(new CouchServer({ url: ORIGIN, dispatcher: a }), 'db1');

  it.each([
    [500, 'unavailable', 'internal_server_error: boom'],
    [503, 'unavailable', 'service_unavailable: maintenance'],
    [401, 'rejected', 'unauthorized: Name or password is incorrect.'],
    [403, 'rejected', 'forbidden: not allowed'],
    [400, 'rejected', 'bad_request: invalid UTF-8 JSON'],
  ] as const)('HTTP %i on get is %s, with the server\'s error and reason', async (status, outcome, detail) => {
    const [error, reason] = detail.split(': ');
    agent.get(ORIGIN).intercept({ path: '/db1/doc1', method: 'GET' }).reply(status, { error, reason });
    const failed = await failure(dbOn(agent).get('doc1'));
    expect(failed).toMatchObject({ outcome, status, operation: 'get', url: `${ORIGIN}/db1`, docId: 'doc1' });
    expect(failed.message).toBe(`get ${ORIGIN}/db1/doc1: ${outcome} (HTTP ${status}): ${detail}`);
  });

  it('a 500 without a JSON body is still unavailable with its status', async () => {
    agent.get(ORIGIN).intercept({ path: '/db1/doc1', method: 'PUT' }).reply(500, 'oops');
    const failed = await failure(dbOn(agent).put({ _id: 'doc1', v: 1 }));
    expect(failed.message).toBe(`put ${ORIGIN}/db1/doc1: unavailable (HTTP 500): HTTP 500`);
  });

  it('a connection reset is unavailable and names the URL and the cause', async () => {
    agent.get(ORIGIN).intercept({ path: '/db1/doc1', method: 'GET' }).replyWithError(new Error('read ECONNRESET'));
    const failed = await failure(dbOn(agent).get('doc1'));
    expect(failed.outcome).toBe('unavailable');
    expect(failed.status).toBeUndefined();
    expect(failed.message).toMatch(new RegExp(`^get ${ORIGIN}/db1/doc1: unavailable: .*ECONNRESET`));
  });

  it('opening a database whose server answers 503 fails as unavailable naming the database URL', async () => {
    agent.get(ORIGIN).intercept({ path: '/db1', method: 'GET' }).reply(503, { error: 'service_unavailable', reason: 'starting' });
    const failed = await failure(openDatabase(new CouchServer({ url: ORIGIN, dispatcher: agent }), 'db1'));
    expect(failed.message).toBe(`open database ${ORIGIN}/db1: unavailable (HTTP 503): service_unavailable: starting`);
  });

  it('a missing database is created (GET 404, then PUT), and a concurrent creation (412) is fine', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/db1', method: 'GET' }).reply(404, { error: 'not_found', reason: 'Database does not exist.' });
    pool.intercept({ path: '/db1', method: 'PUT' }).reply(412, { error: 'file_exists', reason: 'The database could not be created, the file already exists.' });
    pool.intercept({ path: '/db1/_index', method: 'POST' }).reply(200, { result: 'created', id: '_design/aquatope-i', name: 'i' }, { headers: { 'content-type': 'application/json' } });
    await expect(openDatabase(new CouchServer({ url: ORIGIN, dispatcher: agent }), 'db1', [{ name: 'i', fields: ['x'] }])).resolves.toBeInstanceOf(CouchDatabase);
    agent.assertNoPendingInterceptors();
  });
});

describe('CouchServer: real sockets', () => {
  it('a refused connection is unavailable, names the URL without credentials, and keeps the cause', async () => {
    const gone = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
    await gone.stop();
    const server = new CouchServer({ url: `http://admin:s3cret@127.0.0.1:${gone.port}` });
    const failed = await failure(new CouchDatabase(server, 'db1').get('doc1'));
    expect(failed.outcome).toBe('unavailable');
    expect(failed.url).toBe(`http://127.0.0.1:${gone.port}/db1`);
    expect(failed.message).toMatch(new RegExp(`^get http://127\\.0\\.0\\.1:${gone.port}/db1/doc1: unavailable: .*ECONNREFUSED`));
    expect(failed.message).not.toContain('s3cret');
  });

  it('a server that never answers is cut off by the client-side timeout', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer(() => undefined);
    silent.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = address !== null && typeof address === 'object' ? address.port : 0;
    try {
      const server = new CouchServer({ url: `http://127.0.0.1:${port}`, timeoutMs: 150 });
      const failed = await failure(new CouchDatabase(server, 'db1').get('doc1'));
      expect(failed).toMatchObject({ outcome: 'unavailable', operation: 'get', docId: 'doc1' });
      expect(failed.message).toBe(`get http://127.0.0.1:${port}/db1/doc1: unavailable: no answer within 150 ms (client-side timeout)`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('CouchServer and openDatabase: invalid arguments', () => {
  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('timeoutMs %p is a RangeError naming it', (timeoutMs) => {
    expect(() => new CouchServer({ url: ORIGIN, timeoutMs })).toThrow(new RangeError(`CouchDB timeoutMs must be a positive number, got ${timeoutMs}`));
  });

  it.each([
    ['not a url', 'CouchDB url is not a valid URL: "not a url"'],
    ['ftp://couch.test', 'CouchDB url must be http or https, got ftp:'],
  ])('url %p is a RangeError: %s', (url, message) => {
    expect(() => new CouchServer({ url })).toThrow(new RangeError(message));
  });

  it.each(['Upper', '_users', '', '9lives', 'has space'])('database name %p is a RangeError naming it', async (name) => {
    await expect(openDatabase(new CouchServer({ url: ORIGIN }), name)).rejects.toThrow(
      new RangeError(`CouchDB database name must match ^[a-z][a-z0-9_$()+/-]*$, got ${JSON.stringify(name)}`),
    );
  });
});
