import { MockAgent } from 'undici';
import { CouchDatabase, CouchServer, openDatabase } from '../../src/store/couch';
import { DocumentCollection, type DocumentType } from '../../src/store/document-collection';
import { MalformedDocumentError, StoreError } from '../../src/store/store-error';
import { putRaw, startTestCouch, type TestCouch } from './support/test-couch';

interface Counter {
  readonly name: string;
  readonly count: number;
}

const COUNTER: DocumentType<Counter> = {
  docType: 'counter',
  decode: (r) => ({ name: r.field('name').string(), count: r.field('count').number({ min: 0, integer: true }) }),
};

const increment = (current: Counter | undefined): Counter => ({ name: 'c', count: (current?.count ?? 0) + 1 });

describe('DocumentCollection against the embedded server', () => {
  let couch: TestCouch;
  let server: CouchServer;
  beforeAll(async () => {
    couch = await startTestCouch();
    server = new CouchServer({ url: couch.url });
  });
  afterAll(() => couch.stop());

  async function collection(label: string): Promise<DocumentCollection<Counter>> {
    return new DocumentCollection(await openDatabase(server, `${couch.prefix(label)}db`), COUNTER);
  }

  it('create then get returns the validated content with its revision', async () => {
    const counters = await collection('create');
    const created = await counters.create('c1', { name: 'c', count: 3 });
    expect(created).toEqual({ id: 'c1', rev: expect.stringMatching(/^1-/), doc: { name: 'c', count: 3 } });
    expect(await counters.get('c1')).toEqual(created);
    expect(await counters.db.get('c1')).toEqual({ _id: 'c1', _rev: created.rev, docType: 'counter', name: 'c', count: 3 });
  });

  it('drops fields the document type does not define', async () => {
    const counters = await collection('extra');
    const extra = { name: 'c', count: 1, scratch: 'not stored' };
    await counters.create('c1', extra);
    expect(await counters.db.get('c1')).not.toHaveProperty('scratch');
  });

  it('replace with a stale revision is a conflict and leaves the newer content', async () => {
    const counters = await collection('replace');
    const v1 = await counters.create('c1', { name: 'c', count: 1 });
    await counters.replace(v1, { name: 'c', count: 2 });
    await expect(counters.replace(v1, { name: 'c', count: 99 })).rejects.toMatchObject({ outcome: 'conflict', docId: 'c1' });
    expect((await counters.get('c1'))?.doc.count).toBe(2);
  });

  it('updateWithRetry creates a missing document, then updates it, counting attempts', async () => {
    const counters = await collection('update');
    expect(await counters.updateWithRetry('c1', increment)).toMatchObject({ outcome: 'written', created: true, attempts: 1, stored: { doc: { count: 1 } } });
    expect(await counters.updateWithRetry('c1', increment)).toMatchObject({ outcome: 'written', created: false, attempts: 1, stored: { doc: { count: 2 } } });
  });

  it('updateWithRetry leaves the document alone when mutate returns undefined', async () => {
    const counters = await collection('unchanged');
    const stored = await counters.create('c1', { name: 'c', count: 7 });
    expect(await counters.updateWithRetry('c1', () => undefined)).toEqual({ outcome: 'unchanged', stored, attempts: 1 });
    expect(await counters.updateWithRetry('absent', () => undefined)).toEqual({ outcome: 'unchanged', stored: undefined, attempts: 1 });
  });

  it('eight concurrent updateWithRetry increments all land (conflicts are re-read and re-applied)', async () => {
    const counters = await collection('concurrent');
    await counters.create('c1', { name: 'c', count: 0 });
    const results = await Promise.all(Array.from({ length: 8 }, () => counters.updateWithRetry('c1', increment, { maxAttempts: 20 })));
    expect((await counters.get('c1'))?.doc.count).toBe(8);
    expect(results.every((r) => r.outcome === 'written')).toBe(true);
    expect(results.reduce((sum, r) => sum + r.attempts, 0)).toBeGreaterThan(8);
  });

  it('insertOnce stores once; the same content again is already-stored; different content is a conflict', async () => {
    const counters = await collection('once');
    const first = await counters.insertOnce('o1', { name: 'o', count: 1 });
    expect(first.outcome).toBe('created');
    expect(await counters.insertOnce('o1', { name: 'o', count: 1 })).toEqual({ outcome: 'already-stored', stored: first.stored });
    const conflict = counters.insertOnce('o1', { name: 'o', count: 2 });
    await expect(conflict).rejects.toThrow(
      new StoreError('conflict', 'insert', counters.db.url, 'already stored with different content (append-only documents are never replaced)', 'o1', 409),
    );
    expect((await counters.get('o1'))?.doc.count).toBe(1);
  });

  it.each([
    ['a missing docType', { name: 'c', count: 1 }, 'docType', 'missing'],
    ['another docType', { docType: 'tick', name: 'c', count: 1 }, 'docType', 'expected "counter", found "tick"'],
    ['a negative count', { docType: 'counter', name: 'c', count: -1 }, 'count', 'expected an integer >= 0, found -1'],
    ['a fractional count', { docType: 'counter', name: 'c', count: 1.5 }, 'count', 'expected an integer >= 0, found 1.5'],
    ['a string count', { docType: 'counter', name: 'c', count: '3' }, 'count', 'expected an integer >= 0, found "3"'],
    ['an empty name', { docType: 'counter', name: '', count: 1 }, 'name', 'expected a non-empty string, found ""'],
  ])('reading a stored document with %s throws MalformedDocumentError naming the id and field', async (_what, fields, field, detail) => {
    const counters = await collection('malformed');
    await putRaw(couch.url, counters.db.name, { _id: 'bad', ...fields });
    await expect(counters.get('bad')).rejects.toThrow(new MalformedDocumentError('bad', field, detail));
    await expect(counters.get('bad')).rejects.toThrow(`malformed document bad: ${field}: ${detail}`);
  });

  it.each([
    [{ name: 'c', count: -2 }, 'cannot store counter w: count: expected an integer >= 0, found -2'],
    [{ name: 'c', count: Number.NaN }, 'cannot store counter w: count: expected an integer >= 0, found null'],
    [{ name: 7, count: 1 }, 'cannot store counter w: name: expected a non-empty string, found 7'],
  ])('writing an invalid document %p is a RangeError before anything is stored', async (doc, message) => {
    // The decoder is the Counter one; only the compile-time type is loose, so bad values reach the store.
    const loose = new DocumentCollection<{ readonly name: unknown; readonly count: unknown }>((await collection('invalid')).db, COUNTER);
    await expect(loose.create('w', doc)).rejects.toThrow(new RangeError(message));
    const counters = new DocumentCollection(loose.db, COUNTER);
    await expect(counters.db.get('w')).resolves.toBeUndefined();
  });

  it.each([0, -1, 1.5, Number.NaN])('updateWithRetry maxAttempts %p is a RangeError', async (maxAttempts) => {
    const counters = await collection('attempts');
    await expect(counters.updateWithRetry('c1', increment, { maxAttempts })).rejects.toThrow(
      new RangeError(`updateWithRetry maxAttempts must be an integer >= 1, got ${maxAttempts}`),
    );
  });
});

describe('DocumentCollection.updateWithRetry at the transport (undici MockAgent)', () => {
  const ORIGIN = 'http://couch.test:5984';
  let agent: MockAgent;
  let counters: DocumentCollection<Counter>;
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    counters = new DocumentCollection(new CouchDatabase(new CouchServer({ url: ORIGIN, dispatcher: agent }), 'db1'), COUNTER);
  });
  afterEach(() => agent.close());

  const JSON_REPLY = { headers: { 'content-type': 'application/json' } };
  const stored = (rev: string, count: number) => ({ _id: 'c1', _rev: rev, docType: 'counter', name: 'c', count });
  const putWith = (rev: string, count: number) => (body: string): boolean => {
    const sent: unknown = JSON.parse(body);
    return typeof sent === 'object' && sent !== null && 'count' in sent && '_rev' in sent && sent._rev === rev && sent.count === count;
  };

  it('on a 409 it re-reads and re-applies mutate to the newer revision', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/db1/c1', method: 'GET' }).reply(200, stored('1-a', 1), JSON_REPLY);
    pool.intercept({ path: '/db1/c1', method: 'PUT', body: putWith('1-a', 2) }).reply(409, { error: 'conflict', reason: 'Document update conflict.' });
    pool.intercept({ path: '/db1/c1', method: 'GET' }).reply(200, stored('2-b', 5), JSON_REPLY);
    pool.intercept({ path: '/db1/c1', method: 'PUT', body: putWith('2-b', 6) }).reply(201, { ok: true, id: 'c1', rev: '3-c' }, JSON_REPLY);
    const result = await counters.updateWithRetry('c1', increment);
    expect(result).toEqual({ outcome: 'written', created: false, attempts: 2, stored: { id: 'c1', rev: '3-c', doc: { name: 'c', count: 6 } } });
    agent.assertNoPendingInterceptors();
  });

  it('after maxAttempts conflicting rounds it fails with a conflict naming the doc and the attempts', async () => {
    const pool = agent.get(ORIGIN);
    for (let i = 1; i <= 3; i += 1) {
      pool.intercept({ path: '/db1/c1', method: 'GET' }).reply(200, stored(`${i}-x`, i), JSON_REPLY);
      pool.intercept({ path: '/db1/c1', method: 'PUT' }).reply(409, { error: 'conflict', reason: 'Document update conflict.' });
    }
    await expect(counters.updateWithRetry('c1', increment, { maxAttempts: 3 })).rejects.toThrow(
      `update ${ORIGIN}/db1/c1: conflict (HTTP 409): still conflicting after 3 attempt(s) (last: conflict: Document update conflict.)`,
    );
    agent.assertNoPendingInterceptors();
  });

  it('a 503 on the write is unavailable and is not retried as a conflict', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/db1/c1', method: 'GET' }).reply(200, stored('1-a', 1), JSON_REPLY);
    pool.intercept({ path: '/db1/c1', method: 'PUT' }).reply(503, { error: 'service_unavailable', reason: 'down' });
    await expect(counters.updateWithRetry('c1', increment)).rejects.toMatchObject({ outcome: 'unavailable', status: 503, operation: 'put', docId: 'c1' });
    agent.assertNoPendingInterceptors();
  });

  it('a 409 while creating (someone created it first) is re-read and applied on top', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/db1/c1', method: 'GET' }).reply(404, { error: 'not_found', reason: 'missing' });
    pool.intercept({ path: '/db1/c1', method: 'PUT' }).reply(409, { error: 'conflict', reason: 'Document update conflict.' });
    pool.intercept({ path: '/db1/c1', method: 'GET' }).reply(200, stored('1-z', 10), JSON_REPLY);
    pool.intercept({ path: '/db1/c1', method: 'PUT', body: putWith('1-z', 11) }).reply(201, { ok: true, id: 'c1', rev: '2-y' }, JSON_REPLY);
    expect(await counters.updateWithRetry('c1', increment)).toMatchObject({ outcome: 'written', created: false, attempts: 2, stored: { doc: { count: 11 } } });
  });
});
