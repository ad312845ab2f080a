/**
 * What the manager changed on the platform: action limits it updated,
 * prewarm targets it set and stem-cell counts it set in the cluster's runtime
 * manifest, one document per change, never rewritten
 * (`applied:<action>:<at>:<kind>`), so an operator can see what was applied,
 * when and why, and a retried action does not record a change twice. A
 * stem-cell change is of no one action: it is recorded under the name
 * {@link RUNTIME_MANIFEST_TARGET}.
 */
import type { CouchDatabase, MangoIndex } from './couch';
import { DocumentCollection, type DocumentType, type InsertOnceResult } from './document-collection';
import type { DocumentReader } from './document-reader';
import { idPart } from './document-parts';
import { canonicalInstant } from './time-keys';

/** A change to one action. */
export type AppliedChange =
  /** New limits of the action. */
  | {
      readonly kind: 'limits';
      /** Memory limit, MB (> 0). */
      readonly memoryMB: number;
      /** CPU limit, cores (> 0); null where the platform derives CPU from memory (stock OpenWhisk). */
      readonly cpu: number | null;
      /** Timeout limit, ms (> 0); null when left as it was. */
      readonly timeoutMs: number | null;
    }
  /** A warm-pool target. */
  | {
      readonly kind: 'prewarm';
      /** Containers to have prewarmed, an integer >= 0. */
      readonly containers: number;
      /** Keep-alive of idle containers, minutes (>= 0). */
      readonly keepAliveMinutes: number;
      /**
       * Of `containers`, how many the platform confirmed warm (warm-up
       * invocations answered `{ warmed: true }`), an integer in [0, containers];
       * absent when not known (older documents, or a target set without warm-ups).
       */
      readonly warmed?: number;
    }
  /** Stem-cell counts set in the cluster's runtime manifest (the dynamic-prewarm extension's admin endpoint), per runtime kind and memory. */
  | {
      readonly kind: 'stem-cells';
      /** The counts set. */
      readonly cells: readonly StemCellsEntry[];
      /** The counts asked for but not set, with why (e.g. a kind the manifest has no runtime of). */
      readonly skipped: readonly (StemCellsEntry & { readonly reason: string })[];
    };

/** Stem cells of one runtime kind and memory size. */
export interface StemCellsEntry {
  /** Runtime kind, e.g. `nodejs:20`. */
  readonly kind: string;
  /** Memory of one stem cell, MB (an integer >= 1). */
  readonly memoryMB: number;
  /** Stem cells kept, an integer >= 0. */
  readonly count: number;
}

/** The `action` of a stem-cell change: the cluster's runtime manifest, not one action. */
export const RUNTIME_MANIFEST_TARGET = 'runtime-manifest';

/** One change applied to the platform. */
export interface AppliedAction {
  /** Fully qualified action name, e.g. `/guest/ml/resize`; {@link RUNTIME_MANIFEST_TARGET} for a stem-cell change. */
  readonly action: string;
  /** When it was applied, canonical ISO UTC. */
  readonly at: string;
  readonly change: AppliedChange;
  /** Why, in a few words (e.g. `bo-step: probe 12`, `pool: forecast q0.99`). */
  readonly reason: string;
  /** Id of the tick that applied it; null when applied by hand. */
  readonly tickId: string | null;
}

const APPLIED_ACTION_TYPE: DocumentType<AppliedAction> = {
  docType: 'applied-action',
  decode(reader: DocumentReader): AppliedAction {
    const changeReader = reader.field('change');
    const kind = changeReader.field('kind').oneOf(['limits', 'prewarm', 'stem-cells'] as const);
    const change: AppliedChange =
      kind === 'limits'
        ? {
            kind,
            memoryMB: changeReader.field('memoryMB').number({ above: 0 }),
            cpu: changeReader.field('cpu').nullable((r) => r.number({ above: 0 })),
            timeoutMs: changeReader.field('timeoutMs').nullable((r) => r.number({ above: 0 })),
          }
        : kind === 'prewarm'
          ? prewarmChange(changeReader)
          : {
              kind,
              cells: changeReader.field('cells').array(stemCellsEntry),
              skipped: changeReader.field('skipped').array((r) => ({ ...stemCellsEntry(r), reason: r.field('reason').string() })),
            };
    return {
      action: reader.field('action').string(),
      at: reader.field('at').instant(),
      change,
      reason: reader.field('reason').string(),
      tickId: reader.field('tickId').nullable((r) => r.string()),
    };
  },
};

function prewarmChange(reader: DocumentReader): AppliedChange {
  const containers = reader.field('containers').number({ min: 0, integer: true });
  const keepAliveMinutes = reader.field('keepAliveMinutes').number({ min: 0 });
  const warmed = reader.optionalField('warmed')?.number({ min: 0, max: containers, integer: true });
  return warmed === undefined ? { kind: 'prewarm', containers, keepAliveMinutes } : { kind: 'prewarm', containers, keepAliveMinutes, warmed };
}

function stemCellsEntry(reader: DocumentReader): StemCellsEntry {
  return {
    kind: reader.field('kind').string(),
    memoryMB: reader.field('memoryMB').number({ min: 1, integer: true }),
    count: reader.field('count').number({ min: 0, integer: true }),
  };
}

/** Index of changes by time, across actions. */
const BY_TIME = 'applied-action-by-time';

/** Mango indexes of the applied action database. */
export const APPLIED_ACTION_INDEXES: readonly MangoIndex[] = [{ name: BY_TIME, fields: ['at'] }];

/** The id of a change (its action, time and kind). */
export function appliedActionId(action: string, at: string, kind: AppliedChange['kind']): string {
  return `${actionPrefix(action)}${canonicalInstant(at, 'applied action at')}:${kind}`;
}

function actionPrefix(action: string): string {
  return `applied:${idPart(action, 'action')}:`;
}

/** Changes applied to the platform, append-only. */
export class AppliedActionRepository {
  private readonly docs: DocumentCollection<AppliedAction>;

  constructor(db: CouchDatabase) {
    this.docs = new DocumentCollection(db, APPLIED_ACTION_TYPE);
  }

  /**
   * Records a change. Recording the same change again returns `already-stored`.
   * @throws StoreError `conflict` when a different change of that kind is recorded for the action at that time; RangeError on an invalid one.
   */
  async record(applied: AppliedAction): Promise<InsertOnceResult<AppliedAction>> {
    const at = canonicalInstant(applied.at, 'applied action at');
    return this.docs.insertOnce(appliedActionId(applied.action, at, applied.change.kind), { ...applied, at });
  }

  /** The change of `kind` recorded for the action at `at`, if any. */
  async get(action: string, at: string, kind: AppliedChange['kind']): Promise<AppliedAction | undefined> {
    return (await this.docs.get(appliedActionId(action, at, kind)))?.doc;
  }

  /** Every change of the action, oldest first. */
  async historyOf(action: string): Promise<AppliedAction[]> {
    return (await this.docs.withIdPrefix(actionPrefix(action))).map((s) => s.doc);
  }

  /** The action's latest change of the given kind, if any. */
  async latestOf(action: string, kind: AppliedChange['kind']): Promise<AppliedAction | undefined> {
    const history = await this.historyOf(action);
    return history.filter((a) => a.change.kind === kind).pop();
  }

  /** Every change applied at or after `since`, across actions, oldest first (ties by action). */
  async appliedSince(since: string): Promise<AppliedAction[]> {
    const stored = await this.docs.find({
      selector: { at: { $gte: canonicalInstant(since, 'since') } },
      sort: ['at'],
      useIndex: BY_TIME,
    });
    return stored.map((s) => s.doc).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
  }
}
