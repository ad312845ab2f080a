/**
 * An in-memory stand-in for the repositories a `bo-step` tick uses, with the
 * same semantics as the CouchDB ones (revisions and 409s, append-only
 * documents, tick leases), a log of every call, a switch that makes every
 * call fail as an unreachable CouchDB does, and one-shot injected failures.
 */
import type { AppliedAction } from '../../../src/store/applied-action-repository';
import { appliedActionId } from '../../../src/store/applied-action-repository';
import type { InsertOnceResult, Stored } from '../../../src/store/document-collection';
import { observationId, type Observation } from '../../../src/store/observation-repository';
import type { SearchState } from '../../../src/store/search-state-repository';
import { StoreError } from '../../../src/store/store-error';
import type { ClaimOptions, Tick, TickClaim, TickCompletion } from '../../../src/store/tick-repository';
import { tickId } from '../../../src/store/tick-repository';
import { canonicalInstant } from '../../../src/store/time-keys';
import type { WorkflowConfig } from '../../../src/store/workflow-config-repository';
import type { BoStepStore } from '../../../src/manager/bo-step-ports';

const URL = 'http://fake-couch';

class Docs<T> {
  readonly docs = new Map<string, Stored<T>>();
  private revs = 0;

  get(id: string): Stored<T> | undefined {
    return this.docs.get(id);
  }
  create(id: string, doc: T): Stored<T> {
    if (this.docs.has(id)) throw new StoreError('conflict', 'create', URL, 'Document update conflict.', id, 409);
    return this.put(id, doc);
  }
  replace(stored: { id: string; rev: string }, doc: T): Stored<T> {
    const current = this.docs.get(stored.id);
    if (current === undefined || current.rev !== stored.rev) throw new StoreError('conflict', 'put', URL, 'Document update conflict.', stored.id, 409);
    return this.put(stored.id, doc);
  }
  insertOnce(id: string, doc: T): InsertOnceResult<T> {
    const current = this.docs.get(id);
    if (current === undefined) return { outcome: 'created', stored: this.put(id, doc) };
    if (JSON.stringify(current.doc) !== JSON.stringify(doc)) throw new StoreError('conflict', 'insert', URL, 'already stored with different content', id, 409);
    return { outcome: 'already-stored', stored: current };
  }
  private put(id: string, doc: T): Stored<T> {
    this.revs += 1;
    const stored = { id, rev: `${this.revs}-x`, doc: JSON.parse(JSON.stringify(doc)) };
    this.docs.set(id, stored);
    return stored;
  }
}

/** The fake store. `log` is shared with the fake platform to check call order. */
export class FakeStore implements BoStepStore {
  /** Every call becomes `unavailable` while true. */
  down = false;
  /** Failures to throw once, by call name (e.g. `searchStates.replace`). */
  readonly failOnce = new Map<string, StoreError[]>();
  readonly tickDocs = new Docs<Tick>();
  readonly observationDocs = new Docs<Observation>();
  readonly stateDocs = new Docs<SearchState>();
  readonly appliedDocs = new Docs<AppliedAction>();
  readonly configDocs = new Docs<WorkflowConfig>();

  constructor(readonly log: string[] = []) {}

  private enter(call: string): void {
    this.log.push(call);
    if (this.down) throw new StoreError('unavailable', call, URL, 'connect ECONNREFUSED 127.0.0.1:5984');
    const queued = this.failOnce.get(call);
    const next = queued?.shift();
    if (next !== undefined) throw next;
  }

  readonly ticks = {
    claimTick: async (kind: string, fireTimeIso: string, options: ClaimOptions): Promise<TickClaim> => {
      this.enter('ticks.claimTick');
      const id = tickId(kind, fireTimeIso);
      const fresh = (attempt: number): Tick => ({
        kind, fireTime: canonicalInstant(fireTimeIso, 'tick fireTime'), state: 'claimed', attempt, claimant: options.claimant,
        claimedAtMs: options.nowMs, leaseExpiresAtMs: options.nowMs + options.leaseMs, completedAtMs: null, summary: null,
      });
      const current = this.tickDocs.get(id);
      if (current === undefined) return { claimed: true, tick: this.tickDocs.create(id, fresh(1)), reclaimed: false };
      if (current.doc.state === 'done' || options.nowMs < current.doc.leaseExpiresAtMs) return { claimed: false, state: current.doc };
      return { claimed: true, tick: this.tickDocs.replace(current, fresh(current.doc.attempt + 1)), reclaimed: true };
    },
    completeTick: async (tick: Stored<Tick>, options: { readonly nowMs: number; readonly summary: string | null }): Promise<TickCompletion> => {
      this.enter('ticks.completeTick');
      try {
        return { completed: true, tick: this.tickDocs.replace(tick, { ...tick.doc, state: 'done', completedAtMs: options.nowMs, summary: options.summary }) };
      } catch {
        const now = this.tickDocs.get(tick.id);
        if (now === undefined) throw new Error('tick vanished');
        return { completed: false, state: now.doc };
      }
    },
  };

  readonly observations = {
    append: async (o: Observation): Promise<InsertOnceResult<Observation>> => {
      this.enter('observations.append');
      return this.observationDocs.insertOnce(observationId(o.workflow, o.at, o.probe), { ...o, at: canonicalInstant(o.at, 'at') });
    },
    get: async (workflow: string, at: string, probe: number): Promise<Observation | undefined> => {
      this.enter('observations.get');
      return this.observationDocs.get(observationId(workflow, at, probe))?.doc;
    },
    forWorkflow: async (workflow: string): Promise<Observation[]> => {
      this.enter('observations.forWorkflow');
      return [...this.observationDocs.docs.values()]
        .filter((s) => s.doc.workflow === workflow)
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((s) => s.doc);
    },
  };

  readonly searchStates = {
    get: async (workflow: string): Promise<Stored<SearchState> | undefined> => {
      this.enter('searchStates.get');
      return this.stateDocs.get(`search-state:${workflow}`);
    },
    create: async (state: SearchState): Promise<Stored<SearchState>> => {
      this.enter('searchStates.create');
      return this.stateDocs.create(`search-state:${state.workflow}`, state);
    },
    replace: async (stored: Stored<SearchState>, next: SearchState): Promise<Stored<SearchState>> => {
      this.enter('searchStates.replace');
      return this.stateDocs.replace(stored, next);
    },
  };

  readonly appliedActions = {
    record: async (a: AppliedAction): Promise<InsertOnceResult<AppliedAction>> => {
      this.enter('appliedActions.record');
      const at = canonicalInstant(a.at, 'at');
      return this.appliedDocs.insertOnce(appliedActionId(a.action, at, a.change.kind), { ...a, at });
    },
  };

  readonly workflowConfigs = {
    get: async (workflow: string): Promise<Stored<WorkflowConfig> | undefined> => {
      this.enter('workflowConfigs.get');
      return this.configDocs.get(`workflow-config:${workflow}`);
    },
    replace: async (stored: Stored<WorkflowConfig>, next: WorkflowConfig): Promise<Stored<WorkflowConfig>> => {
      this.enter('workflowConfigs.replace');
      return this.configDocs.replace(stored, next);
    },
  };

  /** Registers a workflow's configuration (test setup, not logged). */
  register(config: WorkflowConfig): void {
    this.configDocs.create(`workflow-config:${config.workflow}`, config);
  }
}
