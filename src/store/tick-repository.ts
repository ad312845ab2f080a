/**
 * Tick idempotency. OpenWhisk's alarm feed can fire a trigger more than once
 * for the same scheduled time (redelivery, a retried composition), so every
 * action driven by an alarm first claims its tick: a document keyed by the
 * trigger's kind and scheduled fire time (`tick:<kind>:<fireTime>`). The first
 * claim wins; a repeated alarm finds the tick taken and does nothing.
 *
 * A claim is a lease: if its holder crashes before {@link TickRepository.completeTick},
 * the tick can be claimed again once `leaseMs` have passed since the claim.
 * Times are wall-clock epoch ms passed in by the caller (the store reads no
 * clock); they are compared across processes, so they must come from a wall
 * clock (e.g. `Date.now()` at the action's edge), not the monotonic `Clock` port.
 */
import type { CouchDatabase, MangoIndex } from './couch';
import { DocumentCollection, type DocumentType, type Stored } from './document-collection';
import type { DocumentReader } from './document-reader';
import { StoreError } from './store-error';
import { canonicalInstant } from './time-keys';

/** `claimed`: someone is acting on it; `done`: it was acted on. */
export type TickState = 'claimed' | 'done';

/** One scheduled firing of an alarm trigger. */
export interface Tick {
  /** The trigger, e.g. `pool` or `bo-step` (lower-case letters, digits and `-`). */
  readonly kind: string;
  /** The alarm's scheduled fire time, canonical ISO UTC. */
  readonly fireTime: string;
  readonly state: TickState;
  /** Claims so far, an integer >= 1 (more than 1 after an expired lease was re-claimed). */
  readonly attempt: number;
  /** Who holds (or held) the claim, e.g. the activation id. */
  readonly claimant: string;
  /** When it was last claimed, wall-clock epoch ms. */
  readonly claimedAtMs: number;
  /** When that claim's lease ends, wall-clock epoch ms (claimedAtMs + leaseMs). */
  readonly leaseExpiresAtMs: number;
  /** When it was completed, wall-clock epoch ms; null while claimed. */
  readonly completedAtMs: number | null;
  /** What the action did, in a few words (or compact JSON); null while claimed. */
  readonly summary: string | null;
}

/** The caller's time and lease for a claim. */
export interface ClaimOptions {
  /** Now, wall-clock epoch ms. */
  readonly nowMs: number;
  /** How long the claim holds before another claimant may take over a tick left unfinished, ms (> 0). */
  readonly leaseMs: number;
  /** Who is claiming (recorded; e.g. the activation id). */
  readonly claimant: string;
}

/** The result of {@link TickRepository.claimTick}. */
export type TickClaim =
  /** The caller holds the tick and must act, then complete it (`reclaimed`: a previous holder's lease had expired). */
  | { readonly claimed: true; readonly tick: Stored<Tick>; readonly reclaimed: boolean }
  /** Someone else holds or finished the tick: do nothing. `state` is the tick as stored. */
  | { readonly claimed: false; readonly state: Tick };

/** The result of {@link TickRepository.completeTick}. */
export type TickCompletion =
  | { readonly completed: true; readonly tick: Stored<Tick> }
  /** The claim was lost (its lease expired and someone else re-claimed or completed the tick); `state` is the tick as stored. */
  | { readonly completed: false; readonly state: Tick };

const KIND = /^[a-z0-9][a-z0-9-]*$/;

const TICK_TYPE: DocumentType<Tick> = {
  docType: 'tick',
  decode(reader: DocumentReader): Tick {
    const kindReader = reader.field('kind');
    const kind = kindReader.string();
    if (!KIND.test(kind)) kindReader.fail(`expected lower-case letters, digits and -, found ${JSON.stringify(kind)}`);
    const state = reader.field('state').oneOf(['claimed', 'done'] as const);
    const claimedAtMs = reader.field('claimedAtMs').number({ integer: true });
    const completed = reader.field('completedAtMs').nullable((r) => r.number({ integer: true }));
    if ((state === 'done') !== (completed !== null)) {
      reader.field('completedAtMs').fail(state === 'done' ? 'expected a time for a done tick, found null' : 'expected null for a claimed tick');
    }
    return {
      kind,
      fireTime: reader.field('fireTime').instant(),
      state,
      attempt: reader.field('attempt').number({ min: 1, integer: true }),
      claimant: reader.field('claimant').string(),
      claimedAtMs,
      leaseExpiresAtMs: reader.field('leaseExpiresAtMs').number({ above: claimedAtMs, integer: true }),
      completedAtMs: completed,
      summary: reader.field('summary').nullable((r) => r.string()),
    };
  },
};

/** Index of ticks by kind and state (unfinished ticks of a kind). */
const BY_STATE = 'tick-by-kind-state';

/** Mango indexes of the tick database. */
export const TICK_INDEXES: readonly MangoIndex[] = [{ name: BY_STATE, fields: ['kind', 'state'] }];

/** The id of a tick. */
export function tickId(kind: string, fireTime: string): string {
  if (!KIND.test(kind)) throw new RangeError(`tick kind: expected lower-case letters, digits and -, found ${JSON.stringify(kind)}`);
  return `tick:${kind}:${canonicalInstant(fireTime, 'tick fireTime')}`;
}

/** Claims and completions of alarm ticks. */
export class TickRepository {
  private readonly docs: DocumentCollection<Tick>;

  constructor(db: CouchDatabase) {
    this.docs = new DocumentCollection(db, TICK_TYPE);
  }

  /**
   * Claims the tick of trigger `kind` scheduled at `fireTimeIso`: `claimed:
   * true` for the first claim, or for a claim whose previous holder's lease
   * expired before `nowMs` without completing; otherwise `claimed: false`
   * with the tick as stored (done, or held under a live lease).
   * @throws RangeError on a bad kind, time or lease; StoreError when the store fails.
   */
  async claimTick(kind: string, fireTimeIso: string, options: ClaimOptions): Promise<TickClaim> {
    const id = tickId(kind, fireTimeIso);
    const { nowMs, leaseMs, claimant } = checkClaim(options);
    const fresh = (attempt: number): Tick => ({
      kind,
      fireTime: canonicalInstant(fireTimeIso, 'tick fireTime'),
      state: 'claimed',
      attempt,
      claimant,
      claimedAtMs: nowMs,
      leaseExpiresAtMs: nowMs + leaseMs,
      completedAtMs: null,
      summary: null,
    });
    try {
      return { claimed: true, tick: await this.docs.create(id, fresh(1)), reclaimed: false };
    } catch (error) {
      if (!(error instanceof StoreError && error.outcome === 'conflict')) throw error;
    }
    const current = await this.docs.get(id);
    if (current === undefined) {
      throw new StoreError('conflict', 'claim tick', this.docs.db.url, 'the tick exists (409 on create) but could not be read back', id, 409);
    }
    if (current.doc.state === 'done' || nowMs < current.doc.leaseExpiresAtMs) return { claimed: false, state: current.doc };
    try {
      const tick = await this.docs.replace(current, fresh(current.doc.attempt + 1));
      return { claimed: true, tick, reclaimed: true };
    } catch (error) {
      if (!(error instanceof StoreError && error.outcome === 'conflict')) throw error;
      // Someone else re-claimed (or completed) it between our read and write.
      const now = await this.docs.get(id);
      if (now === undefined) throw error;
      return { claimed: false, state: now.doc };
    }
  }

  /**
   * Marks a claimed tick done, quoting the claim's `_rev`.
   * @returns `completed: false` when the claim was lost (someone else re-claimed or completed the tick since).
   * @throws RangeError when `tick` is not a claim; StoreError when the store fails.
   */
  async completeTick(tick: Stored<Tick>, options: { readonly nowMs: number; readonly summary: string | null }): Promise<TickCompletion> {
    if (tick.doc.state !== 'claimed') throw new RangeError(`tick ${tick.id}: only a claimed tick can be completed, this one is ${tick.doc.state}`);
    if (!Number.isInteger(options.nowMs)) throw new RangeError(`tick ${tick.id}: nowMs must be an integer epoch ms, got ${options.nowMs}`);
    try {
      const done = await this.docs.replace(tick, { ...tick.doc, state: 'done', completedAtMs: options.nowMs, summary: options.summary });
      return { completed: true, tick: done };
    } catch (error) {
      if (!(error instanceof StoreError && error.outcome === 'conflict')) throw error;
      const now = await this.docs.get(tick.id);
      if (now === undefined) throw error;
      return { completed: false, state: now.doc };
    }
  }

  /** The tick as stored, if it was ever claimed. */
  async get(kind: string, fireTimeIso: string): Promise<Stored<Tick> | undefined> {
    return this.docs.get(tickId(kind, fireTimeIso));
  }

  /** Ticks of `kind` claimed but not completed (crashed or still running), oldest first. */
  async unfinished(kind: string): Promise<Tick[]> {
    if (!KIND.test(kind)) throw new RangeError(`tick kind: expected lower-case letters, digits and -, found ${JSON.stringify(kind)}`);
    const stored = await this.docs.find({ selector: { kind, state: 'claimed' }, useIndex: BY_STATE });
    return stored.map((s) => s.doc).sort((a, b) => (a.fireTime < b.fireTime ? -1 : a.fireTime > b.fireTime ? 1 : 0));
  }
}

function checkClaim(options: ClaimOptions): ClaimOptions {
  if (!Number.isInteger(options.nowMs)) throw new RangeError(`claimTick nowMs must be an integer epoch ms, got ${options.nowMs}`);
  if (!(Number.isInteger(options.leaseMs) && options.leaseMs > 0)) throw new RangeError(`claimTick leaseMs must be a positive integer, got ${options.leaseMs}`);
  if (options.claimant === '') throw new RangeError('claimTick claimant must be a non-empty string');
  return options;
}
