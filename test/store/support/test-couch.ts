/**
 * The CouchDB the store tests run against: the embedded server (memory) by
 * default, or the server at COUCHDB_URL when that is set. Each test gets its own
 * database prefix; against a real server, `stop()` deletes the databases made
 * under the prefixes it handed out.
 */
import { startEmbeddedCouchDb, type EmbeddedCouchDb } from '../../../src/store/embedded-couchdb';

export interface TestCouch {
  readonly url: string;
  /** A database prefix no other test uses, e.g. `t3_series_`. */
  prefix(label: string): string;
  stop(): Promise<void>;
}

let prefixes = 0;

export async function startTestCouch(): Promise<TestCouch> {
  const external = process.env.COUCHDB_URL;
  const handedOut: string[] = [];
  // A real server keeps databases between runs: make this run's names unique.
  const run = external === undefined ? '' : `${Date.now().toString(36)}_`;
  const prefix = (label: string): string => {
    prefixes += 1;
    const p = `t${run}${prefixes}_${label.replace(/[^a-z0-9]/g, '')}_`;
    handedOut.push(p);
    return p;
  };
  if (external === undefined) {
    const server: EmbeddedCouchDb = await startEmbeddedCouchDb({ storage: { kind: 'memory' } });
    return { url: server.url, prefix, stop: () => server.stop() };
  }
  return {
    url: external,
    prefix,
    async stop() {
      const all: unknown = await (await couchFetch(external, '/_all_dbs')).json();
      if (!Array.isArray(all)) return;
      for (const name of all) {
        if (typeof name === 'string' && handedOut.some((p) => name.startsWith(p))) {
          await couchFetch(external, `/${encodeURIComponent(name)}`, { method: 'DELETE' });
        }
      }
    },
  };
}

/** Writes a raw JSON document (bypassing the repositories), for malformed-document tests. */
export async function putRaw(url: string, db: string, doc: { readonly _id: string; readonly [k: string]: unknown }): Promise<void> {
  const response = await couchFetch(url, `/${db}/${encodeURIComponent(doc._id)}`, { method: 'PUT', body: JSON.stringify(doc) });
  if (!response.ok) throw new Error(`putRaw ${doc._id}: HTTP ${response.status} ${await response.text()}`);
}

/** fetch against a CouchDB URL that may carry credentials (fetch refuses them in the URL: they go in a header). */
export function couchFetch(serverUrl: string, path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(serverUrl);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (url.username !== '') {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  }
  url.username = '';
  url.password = '';
  return fetch(`${url.toString().replace(/\/$/, '')}${path}`, { ...init, headers });
}
