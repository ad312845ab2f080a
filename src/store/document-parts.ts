/**
 * Pieces shared by several document types: stage limits, and the encoding of
 * names inside deterministic document ids.
 */
import type { DocumentReader } from './document-reader';

/** One stage's resource limits as applied to its OpenWhisk action. */
export interface StageLimits {
  /** The stage (its action's name within the workflow). */
  readonly stage: string;
  /** Memory limit, MB (> 0). */
  readonly memoryMB: number;
  /** CPU limit, cores (> 0). */
  readonly cpu: number;
}

/** Reads a non-empty list of {@link StageLimits} with distinct stage names. */
export function readStageLimits(reader: DocumentReader): StageLimits[] {
  const stages = reader.array(
    (r) => ({
      stage: r.field('stage').string(),
      memoryMB: r.field('memoryMB').number({ above: 0 }),
      cpu: r.field('cpu').number({ above: 0 }),
    }),
    1,
  );
  const seen = new Set<string>();
  stages.forEach((s, i) => {
    if (seen.has(s.stage)) reader.fail(`stage ${JSON.stringify(s.stage)} appears twice (again at [${i}])`);
    seen.add(s.stage);
  });
  return stages;
}

/**
 * A name as it appears inside a document id: URI-encoded, so the `:` that
 * separates id parts (and `/` of qualified action names) cannot occur in it.
 * @throws RangeError naming `what` when the name is empty.
 */
export function idPart(name: string, what: string): string {
  if (name === '') throw new RangeError(`${what}: expected a non-empty name`);
  return encodeURIComponent(name);
}

/** Throws RangeError naming `what` unless `entries` have distinct `key`s. */
export function requireDistinct<T>(entries: readonly T[], key: (entry: T) => string, what: string): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    const k = key(entry);
    if (seen.has(k)) throw new RangeError(`${what}: ${JSON.stringify(k)} appears twice`);
    seen.add(k);
  }
}
