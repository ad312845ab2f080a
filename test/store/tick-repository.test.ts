import { CouchServer, openDatabase } from '../../src/store/couch';
import { MalformedDocumentError } from '../../src/store/store-error';
import { TICK_INDEXES, TickRepository, tickId } from '../../src/store/tick-repository';
import { putRaw, startTestCouch, type TestCouch } from './support/test-couch';

const FIRE = '2024-05-01T12:34:00Z';
const T0 = Date.parse('2024-05-01T12:34:01Z');
const LEASE = 60_000;

describe('TickRepository', () => {
  let couch: TestCouch;
  beforeAll(async () => {
    couch = await startTestCouch();
  });
  afterAll(() => couch.stop());

  async function open(label: string): Promise<{ ticks: TickRepository; db: string }> {
    const db = `${couch.prefix(label)}ticks`;
    return { ticks: new TickRepository(await openDatabase(new CouchServer({ url: couch.url }), db, TICK_INDEXES)), db };
  }

  it('the first claim of a fire time wins; a repeated alarm gets claimed: false with the stored state', async () => {
    const { ticks } = await open('claim');
    const first = await ticks.claimTick('pool', FIRE, { nowMs: T0, leaseMs: LEASE, claimant: 'act-1' });
    expect(first).toMatchObject({ claimed: true, reclaimed: false, tick: { id: 'tick:pool:2024-05-01T12:34:00.000Z' } });
    const again = await ticks.claimTick('pool', '2024-05-01T12:34:00.000Z', { nowMs: T0 + 5, leaseMs: LEASE, claimant: 'act-2' });
    expect(again).toEqual({
      claimed: false,
      state: {
        kind: 'pool', fireTime: '2024-05-01T12:34:00.000Z', state: 'claimed', attempt: 1, claimant: 'act-1',
        claimedAtMs: T0, leaseExpiresAtMs: T0 + LEASE, completedAtMs: null, summary: null,
      },
    });
  });

  it('the same fire time written in another zone is the same tick', async () => {
    const { ticks } = await open('zone');
    await ticks.claimTick('pool', FIRE, { nowMs: T0, leaseMs: LEASE, claimant: 'a' });
    expect(await ticks.claimTick('pool', '2024-05-01T14:34:00+02:00', { nowMs: T0, leaseMs: LEASE, claimant: 'b' })).toMatchObject({ claimed: false });
  });

  it('ten simultaneous claims of one tick: exactly one is claimed', async () => {
    const { ticks } = await open('race');
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ticks.claimTick('bo-step', FIRE, { nowMs: T0, leaseMs: LEASE, claimant: `act-${i}` })),
    );
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
  });

  it('different kinds and fire times are different ticks', async () => {
    const { ticks } = await open('kinds');
    const opts = { nowMs: T0, leaseMs: LEASE, claimant: 'a' };
    expect((await ticks.claimTick('pool', FIRE, opts)).claimed).toBe(true);
    expect((await ticks.claimTick('bo-step', FIRE, opts)).claimed).toBe(true);
    expect((await ticks.claimTick('pool', '2024-05-01T12:35:00Z', opts)).claimed).toBe(true);
  });

  it('completeTick marks it done with its _rev; later claims, even after the lease, get claimed: false', async () => {
    const { ticks } = await open('complete');
    const claim = await ticks.claimTick('pool', FIRE, { nowMs: T0, leaseMs: LEASE, claimant: 'act-1' });
    if (!claim.claimed) throw new Error('expected a claim');
    const done = await ticks.completeTick(claim.tick, { nowMs: T0 + 900, summary: 'prewarmed 3' });
    expect(done).toMatchObject({ completed: true, tick: { rev: expect.stringMatching(/^2-/), doc: { state: 'done', completedAtMs: T0 + 900, summary: 'prewarmed 3' } } });
    const late = await ticks.claimTick('pool', FIRE, { nowMs: T0 + 10 * LEASE, leaseMs: LEASE, claimant: 'act-2' });
    expect(late).toMatchObject({ claimed: false, state: { state: 'done', claimant: 'act-1', summary: 'prewarmed 3' } });
  });

  it('a claim never completed (a crash) can be re-claimed once its lease has passed, not before', async () => {
    const { ticks } = await open('lease');
    await ticks.claimTick('pool', FIRE, { nowMs: T0, leaseMs: LEASE, claimant: 'crashed' });
    expect((await ticks.claimTick('pool', FIRE, { nowMs: T0 + LEASE - 1, leaseMs: LEASE, claimant: 'early' })).claimed).toBe(false);
    const retaken = await ticks.claimTick('pool', FIRE, { nowMs: T0 + LEASE, leaseMs: LEASE, claimant: 'rescuer' });
    expect(retaken).toMatchObject({
      claimed: true,
      reclaimed: true,
      tick: { doc: { state: 'claimed', attempt: 2, claimant: 'rescuer', claimedAtMs: T0 + LEASE, leaseExpiresAtMs: T0 + 2 * LEASE } },
    });
  });

  it('the crashed holder that wakes up after a re-claim cannot complete: completed: false with the new holder', async () => {
    const { ticks } = await open('lost');
    const stale = await ticks.claimTick('pool', FIRE, { nowMs: T0, leaseMs: LEASE, claimant: 'slow' });
    if (!stale.claimed) throw new Error('expected a claim');
    await ticks.claimTick('pool', FIRE, { nowMs: T0 + 2 * LEASE, leaseMs: LEASE, claimant: 'rescuer' });
    const completion = await ticks.completeTick(stale.tick, { nowMs: T0 + 2 * LEASE + 1, summary: null });
    expect(completion).toMatchObject({ completed: false, state: { claimant: 'rescuer', attempt: 2, state: 'claimed' } });
  });

  it('unfinished lists the claimed-but-not-done ticks of a kind through the kind/state index, oldest first', async () => {
    const { ticks } = await open('unfinished');
    const opts = { nowMs: T0, leaseMs: LEASE, claimant: 'a' };
    for (const t of ['2024-05-01T12:36:00Z', '2024-05-01T12:34:00Z', '2024-05-01T12:35:00Z']) await ticks.claimTick('pool', t, opts);
    await ticks.claimTick('bo-step', FIRE, opts);
    const c = await ticks.get('pool', '2024-05-01T12:35:00Z');
    if (c === undefined) throw new Error('expected the tick');
    await ticks.completeTick(c, { nowMs: T0 + 1, summary: 'ok' });
    expect((await ticks.unfinished('pool')).map((t) => t.fireTime)).toEqual(['2024-05-01T12:34:00.000Z', '2024-05-01T12:36:00.000Z']);
  });

  it('completing a tick that is already done is a RangeError', async () => {
    const { ticks } = await open('twice');
    const claim = await ticks.claimTick('pool', FIRE, { nowMs: T0, leaseMs: LEASE, claimant: 'a' });
    if (!claim.claimed) throw new Error('expected a claim');
    const done = await ticks.completeTick(claim.tick, { nowMs: T0 + 1, summary: null });
    if (!done.completed) throw new Error('expected completion');
    await expect(ticks.completeTick(done.tick, { nowMs: T0 + 2, summary: null })).rejects.toThrow(
      new RangeError(`tick ${done.tick.id}: only a claimed tick can be completed, this one is done`),
    );
  });

  it.each([
    ['Pool', FIRE, T0, LEASE, 'a', 'tick kind: expected lower-case letters, digits and -, found "Pool"'],
    ['pool:x', FIRE, T0, LEASE, 'a', 'tick kind: expected lower-case letters, digits and -, found "pool:x"'],
    ['pool', '2024-05-01 12:34', T0, LEASE, 'a', 'tick fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:34:00Z, found "2024-05-01 12:34"'],
    ['pool', '2024-05-01T12:34:00', T0, LEASE, 'a', 'tick fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:34:00Z, found "2024-05-01T12:34:00"'],
    ['pool', FIRE, 1.5, LEASE, 'a', 'claimTick nowMs must be an integer epoch ms, got 1.5'],
    ['pool', FIRE, T0, 0, 'a', 'claimTick leaseMs must be a positive integer, got 0'],
    ['pool', FIRE, T0, -1, 'a', 'claimTick leaseMs must be a positive integer, got -1'],
    ['pool', FIRE, T0, LEASE, '', 'claimTick claimant must be a non-empty string'],
  ])('claimTick(%p, %p, nowMs %p, leaseMs %p, claimant %p) is a RangeError: %s', async (kind, fire, nowMs, leaseMs, claimant, message) => {
    const { ticks } = await open('invalid');
    await expect(ticks.claimTick(kind, fire, { nowMs, leaseMs, claimant })).rejects.toThrow(new RangeError(message));
  });

  it.each([
    ['a done tick without completedAtMs', { state: 'done', completedAtMs: null }, 'completedAtMs', 'expected a time for a done tick, found null'],
    ['a lease ending before the claim', { leaseExpiresAtMs: T0 - 1 }, 'leaseExpiresAtMs', `expected an integer > ${T0}, found ${T0 - 1}`],
    ['an unknown state', { state: 'running' }, 'state', 'expected one of "claimed", "done", found "running"'],
    ['attempt 0', { attempt: 0 }, 'attempt', 'expected an integer >= 1, found 0'],
  ])('a stored tick with %s is reported naming the doc id and field', async (_what, change, field, detail) => {
    const { ticks, db } = await open('malformed');
    const id = tickId('pool', FIRE);
    await putRaw(couch.url, db, {
      _id: id, docType: 'tick', kind: 'pool', fireTime: '2024-05-01T12:34:00.000Z', state: 'claimed', attempt: 1, claimant: 'a',
      claimedAtMs: T0, leaseExpiresAtMs: T0 + LEASE, completedAtMs: null, summary: null, ...change,
    });
    await expect(ticks.get('pool', FIRE)).rejects.toThrow(new MalformedDocumentError(id, field, detail));
  });
});
