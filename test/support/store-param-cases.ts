/**
 * The two store cases every action that uses CouchDB shares: no CouchDB URL
 * anywhere (param or env) is an invalid-param error naming both, and an
 * unreachable CouchDB is store-unavailable naming its URL.
 */
type ActionMain = (params: Record<string, unknown>) => Promise<unknown>;

/**
 * Defines the two tests in the enclosing `describe`.
 * @param minimal valid params without a CouchDB URL
 * @param unreachable valid params whose `couchdbUrl` is `http://127.0.0.1:1` (nothing listens there)
 */
export function storeParamCases(main: ActionMain, minimal: Record<string, unknown>, unreachable: Record<string, unknown>): void {
  it('without a CouchDB URL anywhere it answers invalid-param naming couchdbUrl and COUCHDB_URL', async () => {
    const saved = process.env.COUCHDB_URL;
    delete process.env.COUCHDB_URL;
    try {
      expect(await main(minimal)).toEqual({ error: { code: 'invalid-param', message: expect.stringMatching(/^couchdbUrl: .*COUCHDB_URL/) } });
    } finally {
      if (saved !== undefined) process.env.COUCHDB_URL = saved;
    }
  });

  it('an unreachable CouchDB answers store-unavailable naming the URL', async () => {
    expect(unreachable['couchdbUrl']).toBe('http://127.0.0.1:1');
    expect(await main({ ...unreachable, storeTimeoutMs: 2000 })).toEqual({ error: { code: 'store-unavailable', message: expect.stringContaining('http://127.0.0.1:1') } });
  });
}
