/**
 * What the scheduler tests share: a fresh store on the embedded CouchDB (or
 * COUCHDB_URL) per test, a settable wall clock, call logs around store
 * methods, and an outage switch.
 */
import { openStore, type Store } from '../../../src/store/store';
import { StoreError } from '../../../src/store/store-error';
import type { WallClock } from '../../../src/scheduler/tick';
import { startTestCouch, type TestCouch } from '../../store/support/test-couch';

/** ms of an ISO time. */
export const at = (iso: string): number => Date.parse(iso);

/** A wall clock the test moves. */
export class TestClock implements WallClock {
  constructor(public now: number) {}
  nowEpochMs(): number {
    return this.now;
  }
}

/** Starts one CouchDB for a test file; `store(label)` opens a store under a fresh prefix. */
export function useTestStores(): { store: (label: string) => Promise<Store>; url: () => string } {
  let couch: TestCouch | undefined;
  beforeAll(async () => {
    couch = await startTestCouch();
  }, 30_000);
  afterAll(async () => {
    await couch?.stop();
  });
  const current = (): TestCouch => {
    if (couch === undefined) throw new Error('the test CouchDB is not started');
    return couch;
  };
  return {
    store: async (label: string) => {
      const c = current();
      return openStore({ url: c.url, dbPrefix: c.prefix(label) });
    },
    url: () => current().url,
  };
}

/**
 * `target` with each method named in `methods` logged into `log` (as
 * `<prefix>.<method>`) before it runs.
 */
export function logged<T extends object>(target: T, prefix: string, log: string[]): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value: unknown = Reflect.get(obj, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        log.push(`${prefix}.${String(key)}`);
        return Reflect.apply(value, obj, args);
      };
    },
  });
}

/** `target` with every method rejecting as an unreachable CouchDB does. */
export function unreachable<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value: unknown = Reflect.get(obj, key, receiver);
      if (typeof value !== 'function') return value;
      return () => Promise.reject(new StoreError('unavailable', String(key), 'http://127.0.0.1:1/x', 'connect ECONNREFUSED 127.0.0.1:1'));
    },
  });
}
