import { main } from '../../../actions/status';
import { storeParamCases } from '../../support/store-param-cases';

const good = { couchdbUrl: 'http://127.0.0.1:1' };

describe('status main', () => {
  it.each([
    ['workflow', { ...good, workflow: 42 }, 'workflow: expected a non-empty string, found 42'],
    ['workflow', { ...good, workflow: ' ' }, 'workflow: expected a non-empty string, found " "'],
    ['limit', { ...good, limit: 0 }, 'limit: expected an integer in [1, 1000], found 0'],
    ['limit', { ...good, limit: 1001 }, 'limit: expected an integer in [1, 1000], found 1001'],
    ['limit', { ...good, limit: 2.5 }, 'limit: expected an integer in [1, 1000], found 2.5'],
    ['limit', { ...good, limit: 'many' }, 'limit: expected an integer in [1, 1000], found "many"'],
    ['at', { ...good, at: 'now' }, 'at: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found "now"'],
    ['at', { ...good, at: '2024-05-01T10:05:00' }, 'at: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found "2024-05-01T10:05:00"'],
    ['at', { ...good, at: 1714557900000 }, 'at: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found 1714557900000'],
    ['couchdbUrl', { couchdbUrl: 'ftp://admin:secret@db' }, 'param couchdbUrl: expected an http:// or https:// CouchDB URL, found "ftp://admin:***@db"'],
    ['dbPrefix', { ...good, dbPrefix: 'Aquatope' }, 'param dbPrefix: expected a database prefix of a-z, 0-9, _ and -, starting with a letter, found "Aquatope"'],
    ['storeTimeoutMs', { ...good, storeTimeoutMs: 0 }, 'param storeTimeoutMs: expected a positive integer (ms), found 0'],
  ])('a bad %s answers invalid-param naming it: %j', async (_param, params, message) => {
    expect(await main(params)).toEqual({ error: { code: 'invalid-param', message } });
  });

  storeParamCases(main, {}, good);
});
