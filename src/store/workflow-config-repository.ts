/**
 * The configuration in force for each workflow: its QoS target and the limits
 * of each stage's action. One mutable document per workflow
 * (`workflow-config:<workflow>`); every change quotes the `_rev` it read.
 */
import type { CouchDatabase, MangoIndex } from './couch';
import { DocumentCollection, type DocumentType, type Stored, type UpdateOptions, type UpdateResult } from './document-collection';
import type { DocumentReader } from './document-reader';
import { idPart, readStageLimits, type StageLimits } from './document-parts';

/** Where a workflow's configuration came from. */
export type ConfigSource = 'default' | 'search' | 'operator';

/** A workflow's target and stage limits. */
export interface WorkflowConfig {
  /** The workflow's name (its composition's action name). */
  readonly workflow: string;
  /** The latency target: `percentile` (in (0, 100)) of end-to-end latency must stay under `targetMs` (ms, > 0). */
  readonly qos: { readonly percentile: number; readonly targetMs: number };
  /** Limits of every stage, stage names distinct. */
  readonly stages: readonly StageLimits[];
  /** `default`: as deployed; `search`: chosen by the resource manager; `operator`: set by hand. */
  readonly source: ConfigSource;
  /** When it was last changed, canonical ISO UTC. */
  readonly updatedAt: string;
}

const WORKFLOW_CONFIG_TYPE: DocumentType<WorkflowConfig> = {
  docType: 'workflow-config',
  decode(reader: DocumentReader): WorkflowConfig {
    const qos = reader.field('qos');
    return {
      workflow: reader.field('workflow').string(),
      qos: {
        percentile: qos.field('percentile').number({ above: 0, below: 100 }),
        targetMs: qos.field('targetMs').number({ above: 0 }),
      },
      stages: readStageLimits(reader.field('stages')),
      source: reader.field('source').oneOf(['default', 'search', 'operator'] as const),
      updatedAt: reader.field('updatedAt').instant(),
    };
  },
};

/** Mango indexes of the workflow config database (lookups use ids, so none). */
export const WORKFLOW_CONFIG_INDEXES: readonly MangoIndex[] = [];

/** The id of a workflow's configuration. */
export function workflowConfigId(workflow: string): string {
  return `workflow-config:${idPart(workflow, 'workflow')}`;
}

/** Workflows' configurations. */
export class WorkflowConfigRepository {
  private readonly docs: DocumentCollection<WorkflowConfig>;

  constructor(db: CouchDatabase) {
    this.docs = new DocumentCollection(db, WORKFLOW_CONFIG_TYPE);
  }

  /** The workflow's configuration with its revision, if registered. */
  async get(workflow: string): Promise<Stored<WorkflowConfig> | undefined> {
    return this.docs.get(workflowConfigId(workflow));
  }

  /**
   * Registers a workflow's first configuration.
   * @throws StoreError `conflict` when the workflow is already registered; RangeError on an invalid configuration.
   */
  async create(config: WorkflowConfig): Promise<Stored<WorkflowConfig>> {
    return this.docs.create(workflowConfigId(config.workflow), config);
  }

  /**
   * Replaces the revision `stored.rev` of the workflow's configuration.
   * @throws StoreError `conflict` when it changed since.
   */
  async replace(stored: Stored<WorkflowConfig>, next: WorkflowConfig): Promise<Stored<WorkflowConfig>> {
    if (next.workflow !== stored.doc.workflow) {
      throw new RangeError(`workflow config ${stored.id}: cannot rename ${JSON.stringify(stored.doc.workflow)} to ${JSON.stringify(next.workflow)}`);
    }
    return this.docs.replace(stored, next);
  }

  /**
   * Changes the workflow's configuration by `mutate` (given the stored one, or
   * undefined), re-reading and re-applying it on conflicts.
   * @throws StoreError `conflict` after `maxAttempts` conflicting rounds.
   */
  async updateWithRetry(
    workflow: string,
    mutate: (current: WorkflowConfig | undefined) => WorkflowConfig | undefined,
    options?: UpdateOptions,
  ): Promise<UpdateResult<WorkflowConfig>> {
    return this.docs.updateWithRetry(
      workflowConfigId(workflow),
      (current) => {
        const next = mutate(current);
        if (next !== undefined && next.workflow !== workflow) {
          throw new RangeError(`workflow config of ${JSON.stringify(workflow)}: mutate returned workflow ${JSON.stringify(next.workflow)}`);
        }
        return next;
      },
      options,
    );
  }

  /** Every registered workflow's configuration, by workflow name. */
  async list(): Promise<WorkflowConfig[]> {
    return (await this.docs.withIdPrefix('workflow-config:')).map((s) => s.doc);
  }
}
