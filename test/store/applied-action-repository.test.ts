import { APPLIED_ACTION_INDEXES, AppliedActionRepository, appliedActionId, RUNTIME_MANIFEST_TARGET, type AppliedAction } from '../../src/store/applied-action-repository';
import { CouchServer, openDatabase } from '../../src/store/couch';
import { MalformedDocumentError } from '../../src/store/store-error';
import { putRaw, startTestCouch, type TestCouch } from './support/test-couch';

const limits = (action: string, at: string, memoryMB = 512): AppliedAction => ({
  action,
  at,
  change: { kind: 'limits', memoryMB, cpu: 0.5, timeoutMs: null },
  reason: 'bo-step: probe 3',
  tickId: 'tick:bo-step:2024-05-01T10:00:00.000Z',
});
const prewarm = (action: string, at: string, containers = 2): AppliedAction => ({
  action,
  at,
  change: { kind: 'prewarm', containers, keepAliveMinutes: 3 },
  reason: 'pool: q0.99',
  tickId: null,
});

describe('AppliedActionRepository', () => {
  let couch: TestCouch;
  beforeAll(async () => {
    couch = await startTestCouch();
  });
  afterAll(() => couch.stop());

  async function open(label: string): Promise<{ applied: AppliedActionRepository; db: string }> {
    const db = `${couch.prefix(label)}applied`;
    return { applied: new AppliedActionRepository(await openDatabase(new CouchServer({ url: couch.url }), db, APPLIED_ACTION_INDEXES)), db };
  }

  it('records a change once; the same change again is already-stored; a different one at that time is a conflict', async () => {
    const { applied } = await open('record');
    const a = limits('/guest/ml/resize', '2024-05-01T10:00:05Z');
    expect(await applied.record(a)).toMatchObject({ outcome: 'created', stored: { id: 'applied:%2Fguest%2Fml%2Fresize:2024-05-01T10:00:05.000Z:limits' } });
    expect((await applied.record(a)).outcome).toBe('already-stored');
    await expect(applied.record(limits('/guest/ml/resize', '2024-05-01T10:00:05Z', 1024))).rejects.toMatchObject({ outcome: 'conflict' });
  });

  it('a limits change and a prewarm of the same action at the same time are two records', async () => {
    const { applied } = await open('kinds');
    await applied.record(limits('/g/a', '2024-05-01T10:00:00Z'));
    await applied.record(prewarm('/g/a', '2024-05-01T10:00:00Z'));
    expect((await applied.historyOf('/g/a')).map((a) => a.change.kind).sort()).toEqual(['limits', 'prewarm']);
  });

  it('historyOf lists one action oldest first and latestOf picks the newest of a kind', async () => {
    const { applied } = await open('history');
    await applied.record(prewarm('/g/a', '2024-05-01T10:02:00Z', 4));
    await applied.record(prewarm('/g/a', '2024-05-01T10:00:00Z', 1));
    await applied.record(limits('/g/a', '2024-05-01T10:01:00Z', 768));
    await applied.record(prewarm('/g/ab', '2024-05-01T10:03:00Z', 9));
    expect((await applied.historyOf('/g/a')).map((a) => a.at)).toEqual([
      '2024-05-01T10:00:00.000Z', '2024-05-01T10:01:00.000Z', '2024-05-01T10:02:00.000Z',
    ]);
    expect((await applied.latestOf('/g/a', 'prewarm'))?.change).toEqual({ kind: 'prewarm', containers: 4, keepAliveMinutes: 3 });
    expect((await applied.latestOf('/g/a', 'limits'))?.change).toEqual({ kind: 'limits', memoryMB: 768, cpu: 0.5, timeoutMs: null });
    expect(await applied.latestOf('/g/none', 'limits')).toBeUndefined();
  });

  it('a prewarm may say how many containers were confirmed warm; get reads one change back', async () => {
    const { applied } = await open('warmed');
    const a: AppliedAction = { ...prewarm('/g/a', '2024-05-01T10:00:00Z', 3), change: { kind: 'prewarm', containers: 3, keepAliveMinutes: 10, warmed: 2 } };
    await applied.record(a);
    expect(await applied.get('/g/a', '2024-05-01T10:00:00.000Z', 'prewarm')).toEqual({ ...a, at: '2024-05-01T10:00:00.000Z' });
    expect(await applied.get('/g/a', '2024-05-01T10:00:00Z', 'limits')).toBeUndefined();
    await expect(applied.record({ ...a, at: '2024-05-01T10:01:00Z', change: { kind: 'prewarm', containers: 3, keepAliveMinutes: 10, warmed: 4 } })).rejects.toThrow(
      new RangeError('cannot store applied-action applied:%2Fg%2Fa:2024-05-01T10:01:00.000Z:prewarm: change.warmed: expected an integer >= 0 and <= 3, found 4'),
    );
  });

  it('a stem-cell change of the runtime manifest is recorded once, read back, and bad counts are RangeErrors naming the field', async () => {
    const { applied } = await open('stem-cells');
    const a: AppliedAction = {
      action: RUNTIME_MANIFEST_TARGET,
      at: '2024-05-01T10:00:00Z',
      change: { kind: 'stem-cells', cells: [{ kind: 'nodejs:20', memoryMB: 256, count: 3 }], skipped: [{ kind: 'go:1.21', memoryMB: 128, count: 1, reason: 'no runtime' }] },
      reason: 'pool-sizer q0.95',
      tickId: null,
    };
    expect((await applied.record(a)).outcome).toBe('created');
    expect((await applied.record(a)).outcome).toBe('already-stored');
    expect(await applied.get(RUNTIME_MANIFEST_TARGET, '2024-05-01T10:00:00Z', 'stem-cells')).toEqual({ ...a, at: '2024-05-01T10:00:00.000Z' });
    expect((await applied.appliedSince('2024-05-01T10:00:00Z')).map((x) => x.change.kind)).toEqual(['stem-cells']);
    await expect(applied.record({ ...a, at: '2024-05-01T10:01:00Z', change: { kind: 'stem-cells', cells: [{ kind: 'nodejs:20', memoryMB: 256, count: -1 }], skipped: [] } })).rejects.toThrow(
      new RangeError('cannot store applied-action applied:runtime-manifest:2024-05-01T10:01:00.000Z:stem-cells: change.cells[0].count: expected an integer >= 0, found -1'),
    );
  });

  it('appliedSince finds the changes of every action from a time on, through the time index', async () => {
    const { applied } = await open('since');
    await applied.record(prewarm('/g/b', '2024-05-01T10:00:00Z'));
    await applied.record(prewarm('/g/a', '2024-05-01T10:05:00Z'));
    await applied.record(limits('/g/c', '2024-05-01T10:03:00Z'));
    await applied.record(limits('/g/b', '2024-05-01T10:05:00Z'));
    expect((await applied.appliedSince('2024-05-01T10:03:00Z')).map((a) => `${a.at.slice(11, 16)} ${a.action}`)).toEqual([
      '10:03 /g/c', '10:05 /g/a', '10:05 /g/b',
    ]);
  });

  const id = 'applied:%2Fg%2Fa:2024-05-01T10:00:00.000Z:limits';
  it.each([
    [{ ...limits('/g/a', '2024-05-01T10:00:00Z'), change: { kind: 'limits', memoryMB: 0, cpu: null, timeoutMs: null } }, `cannot store applied-action ${id}: change.memoryMB: expected a finite number > 0, found 0`],
    [{ ...limits('/g/a', '2024-05-01T10:00:00Z'), change: { kind: 'limits', memoryMB: 256, cpu: -1, timeoutMs: null } }, `cannot store applied-action ${id}: change.cpu: expected a finite number > 0, found -1`],
    [{ ...limits('/g/a', '2024-05-01T10:00:00Z'), reason: '' }, `cannot store applied-action ${id}: reason: expected a non-empty string, found ""`],
    [{ ...prewarm('/g/a', '2024-05-01T10:00:00Z'), change: { kind: 'prewarm', containers: 1.5, keepAliveMinutes: 1 } }, `cannot store applied-action applied:%2Fg%2Fa:2024-05-01T10:00:00.000Z:prewarm: change.containers: expected an integer >= 0, found 1.5`],
    [limits('', '2024-05-01T10:00:00Z'), 'action: expected a non-empty name'],
    [limits('/g/a', '10:00'), 'applied action at: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:34:00Z, found "10:00"'],
  ] satisfies [AppliedAction, string][])('record(%j) is a RangeError: %s', async (a, message) => {
    const { applied } = await open('invalid');
    await expect(applied.record(a)).rejects.toThrow(new RangeError(message));
  });

  it('a stored change of an unknown kind is reported naming the doc id and field', async () => {
    const { applied, db } = await open('malformed');
    await putRaw(couch.url, db, { _id: appliedActionId('/g/a', '2024-05-01T10:00:00Z', 'limits'), docType: 'applied-action', ...limits('/g/a', '2024-05-01T10:00:00.000Z'), change: { kind: 'scale' } });
    await expect(applied.historyOf('/g/a')).rejects.toThrow(new MalformedDocumentError(id, 'change.kind', 'expected one of "limits", "prewarm", "stem-cells", found "scale"'));
  });
});
