import { main } from '../../../actions/bo-step';
import { storeParamCases } from '../../support/store-param-cases';

const good = { workflow: 'social-network', fireTime: '2024-05-01T10:05:00Z', couchdbUrl: 'http://127.0.0.1:1' };

describe('bo-step main', () => {
  it.each([
    ['workflow', { ...good, workflow: undefined }, 'workflow: expected a non-empty string, found nothing'],
    ['workflow', { ...good, workflow: 42 }, 'workflow: expected a non-empty string, found 42'],
    ['workflow', { ...good, workflow: '' }, 'workflow: expected a non-empty string, found ""'],
    ['fireTime', { ...good, fireTime: 'soon' }, 'fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found "soon"'],
    ['fireTime', { ...good, fireTime: 1714557900000 }, 'fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found 1714557900000'],
    ['fireTime', { ...good, fireTime: '2024-05-01T10:05:00' }, 'fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found "2024-05-01T10:05:00"'],
    ['method', { ...good, method: 'gradient-descent' }, 'method: expected one of aquatope, max-resources, power-tuning, power-tuning-qos, cherrypick, aquatope-2023, random, found "gradient-descent"'],
    ['shard', { ...good, shard: 'first' }, 'shard: expected {index, count}, found "first"'],
    ['shard.index', { ...good, shard: { index: 2, count: 2 } }, 'shard.index: expected an integer in [0, 1], found 2'],
    ['shard.count', { ...good, shard: { index: 0, count: 0 } }, 'shard.count: expected an integer >= 1, found 0'],
    ['definition', { ...good, definition: 'dag' }, 'definition: expected an object, found "dag"'],
    ['definition.stages', { ...good, definition: { stages: {} } }, 'definition.stages: expected a list of stages, found {}'],
    ['definition.stages[0].after', { ...good, definition: { stages: [{ name: 'a', after: 'b' }] } }, 'definition.stages[0].after: expected a list of stage names, found "b"'],
    ['definition.stages[0].memoryMB.step', { ...good, definition: { stages: [{ name: 'a', memoryMB: { min: 128, max: 512 } }] } }, 'definition.stages[0].memoryMB.step: expected a finite number >= 0, found nothing'],
    ['definition.prices.gbSecond', { ...good, definition: { prices: { gbSecond: -1, cpuCoreSecond: 0 } } }, 'definition.prices.gbSecond: expected a finite number >= 0, found -1'],
    ['leaseMs', { ...good, leaseMs: -5 }, 'param leaseMs: expected a positive integer (ms), found -5'],
    ['cpuLimitExtension', { ...good, cpuLimitExtension: 'maybe' }, 'param cpuLimitExtension: expected true or false (or 1/0, yes/no), found "maybe"'],
    ['couchdbUrl', { ...good, couchdbUrl: 'ftp://admin:secret@db' }, 'param couchdbUrl: expected an http:// or https:// CouchDB URL, found "ftp://admin:***@db"'],
    ['dbPrefix', { ...good, dbPrefix: 'Aquatope' }, 'param dbPrefix: expected a database prefix of a-z, 0-9, _ and -, starting with a letter, found "Aquatope"'],
  ])('a bad %s answers invalid-param naming it: %j', async (_param, params, message) => {
    expect(await main(params)).toEqual({ error: { code: 'invalid-param', message } });
  });

  storeParamCases(main, { workflow: 'w', fireTime: '2024-05-01T10:05:00Z' }, good);
});
