import { existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { startEmbeddedCouchDb, type EmbeddedCouchDb } from '../../src/store/embedded-couchdb';

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json' } });
  return { status: response.status, body: await response.json() };
}

describe('startEmbeddedCouchDb: memory storage', () => {
  let server: EmbeddedCouchDb;
  const cwdBefore = readdirSync(process.cwd()).sort();
  beforeAll(async () => {
    server = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
  });
  afterAll(() => server.stop());

  it('listens on loopback at a system-chosen port and answers the CouchDB welcome', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    const root = await json(`${server.url}/`);
    expect(root.status).toBe(200);
    expect(root.body).toMatchObject({ 'express-pouchdb': 'Welcome!', 'express-pouchdb-mode': 'minimumForPouchDB' });
  });

  it('creates a database, stores a document and reports a 409 on a stale write', async () => {
    expect((await json(`${server.url}/things`, { method: 'PUT' })).status).toBe(201);
    const created = await json(`${server.url}/things/a`, { method: 'PUT', body: JSON.stringify({ v: 1 }) });
    expect(created.status).toBe(201);
    const stale = await json(`${server.url}/things/a`, { method: 'PUT', body: JSON.stringify({ v: 2 }) });
    expect(stale).toEqual({ status: 409, body: expect.objectContaining({ error: 'conflict' }) });
    expect((await json(`${server.url}/things/a`)).body).toMatchObject({ _id: 'a', v: 1 });
  });

  it('serves Mango _index and _find (the minimum mode plus routes/find)', async () => {
    await json(`${server.url}/mango`, { method: 'PUT' });
    for (const [id, n] of [['x', 3], ['y', 1], ['z', 2]] as const) {
      await json(`${server.url}/mango/${id}`, { method: 'PUT', body: JSON.stringify({ kind: 'k', n }) });
    }
    const index = await json(`${server.url}/mango/_index`, { method: 'POST', body: JSON.stringify({ index: { fields: ['kind', 'n'] }, name: 'by-n' }) });
    expect(index).toEqual({ status: 200, body: expect.objectContaining({ result: 'created' }) });
    const found = await json(`${server.url}/mango/_find`, {
      method: 'POST',
      body: JSON.stringify({ selector: { kind: 'k', n: { $gte: 2 } }, sort: [{ kind: 'asc' }, { n: 'asc' }] }),
    });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ docs: [{ _id: 'z', n: 2 }, { _id: 'x', n: 3 }] });
  });

  it('gives each memory server its own databases', async () => {
    const other = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
    try {
      expect((await json(`${other.url}/things/a`)).status).toBe(404);
      expect((await json(`${server.url}/things/a`)).status).toBe(200);
    } finally {
      await other.stop();
    }
  });

  it('writes no file into the working directory (no config.json, log.txt or database folders)', () => {
    const added = readdirSync(process.cwd()).filter((f) => !cwdBefore.includes(f));
    expect(added.filter((f) => /^(config\.json|log\.txt|pouch__all_dbs__|things|mango)$/.test(f))).toEqual([]);
  });
});

describe('startEmbeddedCouchDb: LevelDB storage', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aquatope-embedded-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the data across a stop and a start on the same port and directory', async () => {
    const first = await startEmbeddedCouchDb({ storage: { kind: 'leveldb', dir } });
    await json(`${first.url}/kept`, { method: 'PUT' });
    await json(`${first.url}/kept/doc`, { method: 'PUT', body: JSON.stringify({ minutes: 42 }) });
    await json(`${first.url}/kept/_index`, { method: 'POST', body: JSON.stringify({ index: { fields: ['minutes'] }, name: 'by-minutes' }) });
    await first.stop();
    await expect(fetch(`${first.url}/kept/doc`)).rejects.toThrow('fetch failed');

    const second = await startEmbeddedCouchDb({ storage: { kind: 'leveldb', dir }, port: first.port });
    try {
      expect(second.url).toBe(first.url);
      expect((await json(`${second.url}/kept/doc`)).body).toMatchObject({ _id: 'doc', minutes: 42 });
      const found = await json(`${second.url}/kept/_find`, { method: 'POST', body: JSON.stringify({ selector: { minutes: { $gt: 40 } } }) });
      expect(found.body).toMatchObject({ docs: [{ _id: 'doc', minutes: 42 }] });
    } finally {
      await second.stop();
    }
  });

  it('creates a missing storage directory', async () => {
    const nested = join(dir, 'a', 'b');
    const server = await startEmbeddedCouchDb({ storage: { kind: 'leveldb', dir: nested } });
    await server.stop();
    expect(existsSync(nested)).toBe(true);
  });

  it('stop is idempotent', async () => {
    const server = await startEmbeddedCouchDb({ storage: { kind: 'leveldb', dir } });
    await Promise.all([server.stop(), server.stop()]);
    await expect(server.stop()).resolves.toBeUndefined();
  });
});

describe('startEmbeddedCouchDb: bad options', () => {
  it('fails naming the port when it is already in use', async () => {
    const taken = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
    try {
      await expect(startEmbeddedCouchDb({ storage: { kind: 'memory' }, port: taken.port })).rejects.toThrow(
        `embedded CouchDB cannot listen on 127.0.0.1:${taken.port}: listen EADDRINUSE`,
      );
    } finally {
      await taken.stop();
    }
  });

  it.each([-1, 65536, 1.5, Number.NaN])('rejects port %p with a RangeError naming it', async (port) => {
    await expect(startEmbeddedCouchDb({ storage: { kind: 'memory' }, port })).rejects.toThrow(
      new RangeError(`embedded CouchDB port must be an integer in [0, 65535], got ${port}`),
    );
  });
});
