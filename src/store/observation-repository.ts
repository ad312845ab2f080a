/**
 * Probe measurements for the resource manager, append-only: one document per
 * probe (a window of invocations of a workflow at one configuration), never
 * changed. Ids are deterministic, `observation:<workflow>:<at>:<probe>`, so
 * storing the same observation twice (a retried action) is harmless, and a
 * workflow's observations come back in time order.
 */
import type { CouchDatabase, MangoIndex } from './couch';
import { DocumentCollection, type DocumentType, type InsertOnceResult } from './document-collection';
import type { DocumentReader } from './document-reader';
import { idPart, readStageLimits, type StageLimits } from './document-parts';
import { canonicalInstant } from './time-keys';

/** One probe of a workflow at one configuration. */
export interface Observation {
  /** The workflow's name. */
  readonly workflow: string;
  /** The tick the probe belongs to (the probe window's alarm fire time), canonical ISO UTC. */
  readonly at: string;
  /** Which probe of that tick, an integer in [0, 999999] (replicas of a configuration get consecutive numbers). */
  readonly probe: number;
  /** The limits every stage ran with. */
  readonly config: readonly StageLimits[];
  /** End-to-end latency of each invocation that completed, ms (>= 0). */
  readonly latenciesMs: readonly number[];
  /** Resource cost of each of those invocations, in the price unit of the workflow's prices (>= 0), same order. */
  readonly costs: readonly number[];
  /** Invocations that failed or timed out (they count as QoS violations; no latency), an integer >= 0. */
  readonly failures: number;
  /**
   * Optional (absent in documents written before it existed): what each stage
   * did in the probe's invocations, one entry per stage of `config` (same
   * stage names). Each stage's runs are those of the invocations counted in
   * `latenciesMs` and `failures` (a stage that never ran in a failed
   * invocation has no run there, so stages may have different run counts).
   */
  readonly stageRuns?: readonly StageRuns[];
}

/** The runs of one stage in one probe. */
export interface StageRuns {
  /** The stage (as in {@link StageLimits.stage}). */
  readonly stage: string;
  /** Run time of each run, ms (>= 0); for a run that failed, the time until it failed. */
  readonly runMs: readonly number[];
  /** Whether each run ran out of memory, same order and length as `runMs`. */
  readonly outOfMemory: readonly boolean[];
  /** Largest peak memory the runs reported, MB (> 0); null when none reported. */
  readonly peakMemoryMB: number | null;
}

/** What is stored: the observation plus a key of its configuration, for the `by-config` index. */
interface ObservationRecord extends Observation {
  /** {@link configKey} of `config`. */
  readonly configKey: string;
}

/**
 * A canonical text of a configuration: stages sorted by name,
 * `stage=memoryMB/cpu` joined by `,`. Equal configurations have equal keys.
 */
export function configKey(config: readonly StageLimits[]): string {
  return [...config]
    .sort((a, b) => (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : 0))
    .map((s) => `${encodeURIComponent(s.stage)}=${s.memoryMB}/${s.cpu}`)
    .join(',');
}

const MAX_PROBE = 999_999;

const OBSERVATION_TYPE: DocumentType<ObservationRecord> = {
  docType: 'observation',
  decode(reader: DocumentReader): ObservationRecord {
    const latenciesMs = reader.field('latenciesMs').array((r) => r.number({ min: 0 }));
    const costsReader = reader.field('costs');
    const costs = costsReader.array((r) => r.number({ min: 0 }));
    if (costs.length !== latenciesMs.length) costsReader.fail(`expected ${latenciesMs.length} values (one per latency), found ${costs.length}`);
    const failures = reader.field('failures').number({ min: 0, integer: true });
    if (latenciesMs.length + failures === 0) reader.field('latenciesMs').fail('expected at least one invocation (latencies or failures)');
    const config = readStageLimits(reader.field('config'));
    const stageRuns = readStageRuns(reader, config);
    const keyReader = reader.field('configKey');
    const key = keyReader.string();
    if (key !== configKey(config)) keyReader.fail(`expected ${JSON.stringify(configKey(config))} (from config), found ${JSON.stringify(key)}`);
    return {
      workflow: reader.field('workflow').string(),
      at: reader.field('at').instant(),
      probe: reader.field('probe').number({ min: 0, max: MAX_PROBE, integer: true }),
      config,
      latenciesMs,
      costs,
      failures,
      ...(stageRuns === undefined ? {} : { stageRuns }),
      configKey: key,
    };
  },
};

/** Reads the optional `stageRuns` field: one entry per stage of `config`, run and flag counts equal. */
function readStageRuns(reader: DocumentReader, config: readonly StageLimits[]): StageRuns[] | undefined {
  const field = reader.optionalField('stageRuns');
  if (field === undefined) return undefined;
  const runs = field.array((r) => {
    const runMs = r.field('runMs').array((x) => x.number({ min: 0 }));
    const flags = r.field('outOfMemory');
    const outOfMemory = flags.array((x) => x.boolean());
    if (outOfMemory.length !== runMs.length) flags.fail(`expected ${runMs.length} flags (one per run), found ${outOfMemory.length}`);
    return {
      stage: r.field('stage').string(),
      runMs,
      outOfMemory,
      peakMemoryMB: r.field('peakMemoryMB').nullable((x) => x.number({ above: 0 })),
    };
  });
  const names = config.map((c) => c.stage).sort();
  const found = runs.map((r) => r.stage).sort();
  if (names.length !== found.length || names.some((n, i) => n !== found[i])) {
    field.fail(`expected one entry per stage of config (${names.join(', ')}), found ${found.length === 0 ? 'none' : found.join(', ')}`);
  }
  return runs;
}

/** Index of the replicas of one configuration. */
const BY_CONFIG = 'observation-by-config';

/** Mango indexes of the observation database. */
export const OBSERVATION_INDEXES: readonly MangoIndex[] = [{ name: BY_CONFIG, fields: ['workflow', 'configKey'] }];

/** The id of an observation (its workflow, tick and probe number). */
export function observationId(workflow: string, at: string, probe: number): string {
  if (!Number.isInteger(probe) || probe < 0 || probe > MAX_PROBE) {
    throw new RangeError(`observation probe: expected an integer in [0, ${MAX_PROBE}], found ${probe}`);
  }
  return `${workflowPrefix(workflow)}${canonicalInstant(at, 'observation at')}:${String(probe).padStart(6, '0')}`;
}

function workflowPrefix(workflow: string): string {
  return `observation:${idPart(workflow, 'workflow')}:`;
}

/** Probe measurements, append-only. */
export class ObservationRepository {
  private readonly docs: DocumentCollection<ObservationRecord>;

  constructor(db: CouchDatabase) {
    this.docs = new DocumentCollection(db, OBSERVATION_TYPE);
  }

  /**
   * Stores an observation. Storing the same observation again returns
   * `already-stored`.
   * @throws StoreError `conflict` when a different observation has the same workflow, tick and probe; RangeError on an invalid one.
   */
  async append(observation: Observation): Promise<InsertOnceResult<Observation>> {
    const id = observationId(observation.workflow, observation.at, observation.probe);
    const record: ObservationRecord = {
      workflow: observation.workflow,
      at: canonicalInstant(observation.at, 'observation at'),
      probe: observation.probe,
      config: observation.config,
      latenciesMs: observation.latenciesMs,
      costs: observation.costs,
      failures: observation.failures,
      ...(observation.stageRuns === undefined ? {} : { stageRuns: observation.stageRuns }),
      configKey: configKey(observation.config),
    };
    const result = await this.docs.insertOnce(id, record);
    const stored = { id: result.stored.id, rev: result.stored.rev, doc: withoutKey(result.stored.doc) };
    return result.outcome === 'created' ? { outcome: 'created', stored } : { outcome: 'already-stored', stored };
  }

  /** The observation with this workflow, tick and probe, if stored. */
  async get(workflow: string, at: string, probe: number): Promise<Observation | undefined> {
    const stored = await this.docs.get(observationId(workflow, at, probe));
    return stored === undefined ? undefined : withoutKey(stored.doc);
  }

  /** Every observation of the workflow, in time order (then probe order). */
  async forWorkflow(workflow: string): Promise<Observation[]> {
    return (await this.docs.withIdPrefix(workflowPrefix(workflow))).map((s) => withoutKey(s.doc));
  }

  /** The observations of the workflow at exactly this configuration (in any stage order), in time order. */
  async forConfig(workflow: string, config: readonly StageLimits[]): Promise<Observation[]> {
    const stored = await this.docs.find({
      selector: { workflow, configKey: configKey(config) },
      useIndex: BY_CONFIG,
    });
    return stored.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((s) => withoutKey(s.doc));
  }
}

function withoutKey(record: ObservationRecord): Observation {
  return {
    workflow: record.workflow,
    at: record.at,
    probe: record.probe,
    config: record.config,
    latenciesMs: record.latenciesMs,
    costs: record.costs,
    failures: record.failures,
    ...(record.stageRuns === undefined ? {} : { stageRuns: record.stageRuns }),
  };
}
