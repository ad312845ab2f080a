/**
 * An embedded CouchDB-compatible HTTP server on loopback, for a machine
 * without OpenWhisk's CouchDB (a laptop, CI, `npm start`): express-pouchdb over
 * PouchDB, in memory or in LevelDB files under a directory.
 *
 * Mode: express-pouchdb's `minimumForPouchDB` plus its `routes/find` part, so
 * Mango `_index` and `_find` work (the minimum mode alone has neither). The
 * minimum mode mounts no config or log infrastructure, and the config is kept
 * in memory, so nothing is written outside the storage directory (nothing at
 * all with memory storage).
 *
 * - `memory`: each start gets its own empty databases (a fresh name prefix in
 *   the process-wide memory store); `stop()` destroys them.
 * - `leveldb`: databases live under `dir` (created if missing); `stop()` closes
 *   them, so a later start on the same `dir` (and, if wanted, the same port)
 *   serves the same data.
 */
import { existsSync, mkdirSync, readdirSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo, Socket } from 'net';
import { join } from 'path';
import expressPouchDB from 'express-pouchdb';

/** Where the embedded server keeps its databases. */
export type EmbeddedStorage = { readonly kind: 'memory' } | { readonly kind: 'leveldb'; readonly dir: string };

/** Options of {@link startEmbeddedCouchDb}. */
export interface EmbeddedCouchDbOptions {
  readonly storage: EmbeddedStorage;
  /** TCP port; 0 (default) lets the system pick a free one. */
  readonly port?: number;
  /** Interface to listen on; only loopback is offered. */
  readonly host?: '127.0.0.1';
}

/** A running embedded server. */
export interface EmbeddedCouchDb {
  /** Base URL, e.g. `http://127.0.0.1:39123` (no trailing slash). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /**
   * Stops listening, destroys open client sockets (so keep-alive connections
   * do not hold the process open) and closes the databases (memory: destroys
   * them). Idempotent.
   */
  stop(): Promise<void>;
}

/** An open PouchDB database (only the lifecycle methods used here). */
interface PouchDatabase {
  close(): Promise<void>;
  destroy(): Promise<unknown>;
}

/** A PouchDB constructor with this server's defaults (adapter, name prefix). */
interface PouchConstructor {
  new (name: string): PouchDatabase;
}

/** The `pouchdb` module (only what is used here). */
interface PouchModule extends PouchConstructor {
  plugin(plugin: unknown): PouchModule;
  defaults(options: { readonly adapter: string; readonly prefix: string }): PouchConstructor;
}

/**
 * Loads `pouchdb` and its memory adapter without their DefinitelyTyped
 * typings: `@types/pouchdb-core` carries `/// <reference lib="dom" />`, which
 * pulls the DOM library into the whole program and breaks Node `Buffer`
 * typings elsewhere in the repository. The module is checked at run time instead.
 */
function loadPouchDb(): PouchModule {
  const pouchdb: unknown = require('pouchdb');
  const memoryAdapter: unknown = require('pouchdb-adapter-memory');
  if (!isPouchModule(pouchdb)) throw new TypeError('the pouchdb package does not export a PouchDB constructor with plugin() and defaults()');
  return pouchdb.plugin(memoryAdapter);
}

function isPouchModule(value: unknown): value is PouchModule {
  return typeof value === 'function' && 'plugin' in value && typeof value.plugin === 'function' && 'defaults' in value && typeof value.defaults === 'function';
}

/** The name pouchdb-all-dbs keeps its list of databases under. */
const ALL_DBS_NAME = 'pouch__all_dbs__';

/** Distinguishes the memory stores of servers started in this process (memdown's store is process-wide). */
let memoryServersStarted = 0;

/**
 * Starts an embedded CouchDB-compatible server.
 * @throws Error naming the host and port when it cannot listen (e.g. the port is in use).
 */
export async function startEmbeddedCouchDb(options: EmbeddedCouchDbOptions): Promise<EmbeddedCouchDb> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new RangeError(`embedded CouchDB port must be an integer in [0, 65535], got ${requestedPort}`);
  }
  const storage = options.storage;
  const base = loadPouchDb();
  let Pouch: PouchConstructor;
  if (storage.kind === 'memory') {
    memoryServersStarted += 1;
    Pouch = base.defaults({ adapter: 'memory', prefix: `embedded-couchdb-${memoryServersStarted}-` });
  } else {
    mkdirSync(storage.dir, { recursive: true });
    Pouch = base.defaults({ adapter: 'leveldb', prefix: join(storage.dir, '/') });
  }

  const app = expressPouchDB(Pouch, {
    mode: 'minimumForPouchDB',
    overrideMode: { include: ['routes/find'] },
    inMemoryConfig: true,
  });
  const server = createServer(app);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, requestedPort, host);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await closed;
      await releaseDatabases(Pouch, storage);
    })();
    return stopping;
  };
  return { url: `http://${host}:${port}`, port, stop };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new Error(`embedded CouchDB cannot listen on ${host}:${port}: ${error.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`embedded CouchDB on ${host}:${port}: expected a TCP address, found ${String(address)}`));
        return;
      }
      resolve(portOf(address));
    });
  });
}

function portOf(address: AddressInfo): number {
  return address.port;
}

/**
 * Memory: destroys every database of this server (and the index databases that
 * depend on them). LevelDB: closes every LevelDB store under the directory, the
 * Mango index stores included (PouchDB only closes those when their name has its
 * default prefix), so the directory can be opened again in this process.
 */
async function releaseDatabases(Pouch: PouchConstructor, storage: EmbeddedStorage): Promise<void> {
  if (storage.kind === 'memory') {
    const names = await allDbNames(Pouch);
    for (const name of [...names, ALL_DBS_NAME]) await new Pouch(name).destroy();
    return;
  }
  const stores = readdirSync(storage.dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(storage.dir, entry.name, 'CURRENT')))
    .map((entry) => entry.name);
  for (const name of stores) {
    try {
      await new Pouch(name).close();
    } catch (error) {
      // A store PouchDB had already closed reports "not open"; anything else is real.
      if (!isNotOpenError(error)) throw error;
    }
  }
}

async function allDbNames(Pouch: PouchConstructor): Promise<string[]> {
  const withAllDbs: unknown = Pouch;
  if (hasAllDbs(withAllDbs)) return withAllDbs.allDbs();
  return [];
}

/** pouchdb-all-dbs (installed by express-pouchdb) adds `allDbs()` to the constructor. */
function hasAllDbs(value: unknown): value is { allDbs(): Promise<string[]> } {
  return typeof value === 'function' && 'allDbs' in value && typeof value.allDbs === 'function';
}

function isNotOpenError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'status' in error && error.status === 412;
}
