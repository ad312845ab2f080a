/**
 * What the pool sizer decided each minute: per function, how many containers
 * to keep warm, how many to prewarm now and how long to keep idle ones. One
 * document per minute (`pool-decision:<minute>`), written once.
 */
import type { CouchDatabase, MangoIndex } from './couch';
import { DocumentCollection, type DocumentType, type InsertOnceResult } from './document-collection';
import type { DocumentReader } from './document-reader';
import { requireDistinct } from './document-parts';
import { canonicalMinute } from './time-keys';

/** The pool target of one function. */
export interface FunctionPoolTarget {
  /** Fully qualified action name. */
  readonly function: string;
  /** Containers to have warm (idle or running) for the coming minute, an integer >= 0. */
  readonly warmContainers: number;
  /** New containers to prewarm now to reach it, an integer >= 0. */
  readonly prewarm: number;
  /** How long a container that goes idle is kept, minutes (>= 0). */
  readonly keepAliveMinutes: number;
  /** Memory of one container of the function, MB (> 0). */
  readonly memoryMB: number;
}

/** The pool sizer's decision for one minute. */
export interface PoolDecision {
  /** The minute the targets are for, canonical ISO UTC. */
  readonly minute: string;
  /** The forecast quantile level used (the risk knob), in (0, 1); with `coldStartWorthGBs`, the least level of every function's. */
  readonly riskLevel: number;
  /** Idle memory one cold start was worth, GB-s (> 0), when each function was sized at its own levels from it; absent: sized at `riskLevel`. */
  readonly coldStartWorthGBs?: number;
  /** `firstMinute` of the forecast it was made from; null when made without one (fallback keep-alive). */
  readonly forecastFirstMinute: string | null;
  /** One per function, names distinct. */
  readonly functions: readonly FunctionPoolTarget[];
}

const POOL_DECISION_TYPE: DocumentType<PoolDecision> = {
  docType: 'pool-decision',
  decode(reader: DocumentReader): PoolDecision {
    const functionsReader = reader.field('functions');
    const functions = functionsReader.array((r) => ({
      function: r.field('function').string(),
      warmContainers: r.field('warmContainers').number({ min: 0, integer: true }),
      prewarm: r.field('prewarm').number({ min: 0, integer: true }),
      keepAliveMinutes: r.field('keepAliveMinutes').number({ min: 0 }),
      memoryMB: r.field('memoryMB').number({ above: 0 }),
    }));
    const seen = new Set<string>();
    functions.forEach((f, i) => {
      if (seen.has(f.function)) functionsReader.fail(`function ${JSON.stringify(f.function)} appears twice (again at [${i}])`);
      seen.add(f.function);
    });
    const worth = reader.optionalField('coldStartWorthGBs')?.number({ above: 0 });
    return {
      minute: reader.field('minute').minute(),
      riskLevel: reader.field('riskLevel').number({ above: 0, below: 1 }),
      ...(worth === undefined ? {} : { coldStartWorthGBs: worth }),
      forecastFirstMinute: reader.field('forecastFirstMinute').nullable((r) => r.minute()),
      functions,
    };
  },
};

/** Mango indexes of the pool decision database (lookups use ids, so none). */
export const POOL_DECISION_INDEXES: readonly MangoIndex[] = [];

/** The id of the decision for `minute`. */
export function poolDecisionId(minute: string): string {
  return `pool-decision:${canonicalMinute(minute, 'pool decision minute')}`;
}

/** The pool sizer's decisions, one per minute. */
export class PoolDecisionRepository {
  private readonly docs: DocumentCollection<PoolDecision>;

  constructor(db: CouchDatabase) {
    this.docs = new DocumentCollection(db, POOL_DECISION_TYPE);
  }

  /**
   * Stores a decision (once per minute).
   * @throws RangeError on an invalid decision; StoreError `conflict` when a different decision is stored for that minute.
   */
  async save(decision: PoolDecision): Promise<InsertOnceResult<PoolDecision>> {
    requireDistinct(decision.functions, (f) => f.function, `pool decision ${decision.minute}: function`);
    return this.docs.insertOnce(poolDecisionId(decision.minute), decision);
  }

  /** The decision for `minute`, if stored. */
  async get(minute: string): Promise<PoolDecision | undefined> {
    return (await this.docs.get(poolDecisionId(minute)))?.doc;
  }

  /** The latest decision for a minute at or before `minute`, if any. */
  async latestAtOrBefore(minute: string): Promise<PoolDecision | undefined> {
    const [latest] = await this.docs.inIdRange('pool-decision:', poolDecisionId(minute), { descending: true, limit: 1 });
    return latest?.doc;
  }

  /** Decisions for minutes in [from, to), oldest first. */
  async range(from: string, to: string): Promise<PoolDecision[]> {
    const toId = poolDecisionId(to);
    const stored = await this.docs.inIdRange(poolDecisionId(from), toId);
    return stored.filter((s) => s.id !== toId).map((s) => s.doc);
  }
}
