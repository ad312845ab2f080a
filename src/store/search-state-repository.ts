/**
 * The Bayesian optimisation's state per workflow: where the search is, the
 * configuration being probed (one at a time, so probes never overwrite each
 * other's limits), the best feasible configuration so far and the GP
 * hyperparameters to warm-start the next fit from. One mutable document per
 * workflow (`search-state:<workflow>`), changed with its `_rev`.
 */
import type { CouchDatabase, MangoIndex } from './couch';
import { DocumentCollection, type DocumentType, type Stored, type UpdateOptions, type UpdateResult } from './document-collection';
import type { DocumentReader } from './document-reader';
import { idPart, readStageLimits, type StageLimits } from './document-parts';

/** Phase of a workflow's search. */
export type SearchPhase = 'exploring' | 'converged' | 'stopped';

/** The configuration being probed now. */
export interface PendingProbe {
  /** Limits applied for the probe. */
  readonly config: readonly StageLimits[];
  /** Probe windows measured at it so far, an integer >= 0. */
  readonly probesDone: number;
  /** Probe windows wanted before the latency percentile's interval is tight enough, an integer >= 1. */
  readonly probesWanted: number;
  /** When the limits were applied, canonical ISO UTC. */
  readonly startedAt: string;
}

/** The best configuration found that meets the QoS target. */
export interface Incumbent {
  readonly config: readonly StageLimits[];
  /** Posterior-mean cost per invocation, in the workflow's price unit (>= 0). */
  readonly costPerInvocation: number;
  /** Posterior-mean latency at the QoS percentile, ms (>= 0). */
  readonly latencyMs: number;
}

/** The search state of one workflow. */
export interface SearchState {
  /** The workflow's name. */
  readonly workflow: string;
  /** `exploring`: probing; `converged`: expected improvement fell below the threshold; `stopped`: by hand or budget. */
  readonly phase: SearchPhase;
  /** Optimisation steps taken, an integer >= 0. */
  readonly iteration: number;
  /** The configuration being probed; null between probes. */
  readonly pending: PendingProbe | null;
  /** The best feasible configuration so far; null before one is known. */
  readonly incumbent: Incumbent | null;
  /** Log-hyperparameters of the last cost and latency GP fits (warm start); null before the first fit. */
  readonly gpLogParams: { readonly cost: readonly number[]; readonly latency: readonly number[] } | null;
  /** When the state last changed, canonical ISO UTC. */
  readonly updatedAt: string;
}

const SEARCH_STATE_TYPE: DocumentType<SearchState> = {
  docType: 'search-state',
  decode(reader: DocumentReader): SearchState {
    const finite = (r: DocumentReader): number => r.number();
    return {
      workflow: reader.field('workflow').string(),
      phase: reader.field('phase').oneOf(['exploring', 'converged', 'stopped'] as const),
      iteration: reader.field('iteration').number({ min: 0, integer: true }),
      pending: reader.field('pending').nullable((r) => {
        const probesWanted = r.field('probesWanted').number({ min: 1, integer: true });
        return {
          config: readStageLimits(r.field('config')),
          probesDone: r.field('probesDone').number({ min: 0, max: probesWanted, integer: true }),
          probesWanted,
          startedAt: r.field('startedAt').instant(),
        };
      }),
      incumbent: reader.field('incumbent').nullable((r) => ({
        config: readStageLimits(r.field('config')),
        costPerInvocation: r.field('costPerInvocation').number({ min: 0 }),
        latencyMs: r.field('latencyMs').number({ min: 0 }),
      })),
      gpLogParams: reader.field('gpLogParams').nullable((r) => ({
        cost: r.field('cost').array(finite, 1),
        latency: r.field('latency').array(finite, 1),
      })),
      updatedAt: reader.field('updatedAt').instant(),
    };
  },
};

/** Mango indexes of the search state database (lookups use ids, so none). */
export const SEARCH_STATE_INDEXES: readonly MangoIndex[] = [];

/** The id of a workflow's search state. */
export function searchStateId(workflow: string): string {
  return `search-state:${idPart(workflow, 'workflow')}`;
}

/** Search states, one per workflow. */
export class SearchStateRepository {
  private readonly docs: DocumentCollection<SearchState>;

  constructor(db: CouchDatabase) {
    this.docs = new DocumentCollection(db, SEARCH_STATE_TYPE);
  }

  /** The workflow's search state with its revision, if any. */
  async get(workflow: string): Promise<Stored<SearchState> | undefined> {
    return this.docs.get(searchStateId(workflow));
  }

  /**
   * Starts a workflow's search state.
   * @throws StoreError `conflict` when it exists; RangeError on an invalid state.
   */
  async create(state: SearchState): Promise<Stored<SearchState>> {
    return this.docs.create(searchStateId(state.workflow), state);
  }

  /**
   * Replaces the revision `stored.rev`.
   * @throws StoreError `conflict` when the state changed since.
   */
  async replace(stored: Stored<SearchState>, next: SearchState): Promise<Stored<SearchState>> {
    if (next.workflow !== stored.doc.workflow) {
      throw new RangeError(`search state ${stored.id}: cannot rename ${JSON.stringify(stored.doc.workflow)} to ${JSON.stringify(next.workflow)}`);
    }
    return this.docs.replace(stored, next);
  }

  /**
   * Changes the state by `mutate` (given the stored one, or undefined),
   * re-reading and re-applying it on conflicts.
   * @throws StoreError `conflict` after `maxAttempts` conflicting rounds.
   */
  async updateWithRetry(
    workflow: string,
    mutate: (current: SearchState | undefined) => SearchState | undefined,
    options?: UpdateOptions,
  ): Promise<UpdateResult<SearchState>> {
    return this.docs.updateWithRetry(
      searchStateId(workflow),
      (current) => {
        const next = mutate(current);
        if (next !== undefined && next.workflow !== workflow) {
          throw new RangeError(`search state of ${JSON.stringify(workflow)}: mutate returned workflow ${JSON.stringify(next.workflow)}`);
        }
        return next;
      },
      options,
    );
  }
}
