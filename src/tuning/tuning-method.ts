/**
 * The slot every tuning method plugs into (ours and the baselines alike):
 * ask-tell with no hidden state. A method looks at the probes so far and
 * either asks for one more probe or says it is done; what it would deploy
 * now is {@link TuningMethod.recommend}. Because the history is the whole
 * state, the `bo-step` action can store it in CouchDB and resume a search
 * in a fresh container, and a step is reproducible from the history and the
 * step's seed.
 */
import type { Rng } from '../core/rng';
import type { SearchSpace } from '../bo/search-space';
import type { Workflow, WorkflowConfig } from '../workflow/workflow-types';
import type { ProbeRecord } from './probe';

/** What a method gets besides the history. */
export interface TuningContext {
  readonly workflow: Workflow;
  /** {@link workflowSearchSpace} of the workflow. */
  readonly space: SearchSpace;
  /** Randomness of this step (derived from the run's seed and the step number). */
  readonly rng: Rng;
}

/** The next thing a method wants. */
export type Proposal =
  /** Run `invocations` invocations at `config` (the same config as the last probe: a replicate). */
  | { readonly kind: 'probe'; readonly config: WorkflowConfig; readonly invocations: number; readonly why: string }
  /** The search is over. */
  | { readonly kind: 'done'; readonly why: string };

/** A tuning method. */
export interface TuningMethod {
  readonly name: string;
  /** The next probe, or done. Pure apart from `context.rng`. */
  propose(history: readonly ProbeRecord[], context: TuningContext): Proposal;
  /** The configuration the method would deploy after `history` (undefined: none found yet). */
  recommend(history: readonly ProbeRecord[], context: TuningContext): WorkflowConfig | undefined;
}
