/**
 * The two methods without a model: `max-resources` (no search: every stage at
 * its largest configuration) and `random` (uniformly random configurations,
 * each probed with a window, the cheapest observed feasible one deployed).
 */
import type { WorkflowConfig } from '../workflow/workflow-types';
import { cheapestObservedFeasible, groupProbes } from './probe-groups';
import type { TuningContext, TuningMethod } from './tuning-method';
import { largestStageConfig, pointToConfig } from './workflow-search-space';

/** Every stage at its largest configuration. */
export function maxConfig(context: TuningContext): WorkflowConfig {
  return context.workflow.space.map(largestStageConfig);
}

/** `max-resources`: deploys the largest configuration without probing. */
export const maxResourcesMethod: TuningMethod = {
  name: 'max-resources',
  propose: () => ({ kind: 'done', why: 'no search: the largest configuration' }),
  recommend: (_history, context) => maxConfig(context),
};

/** Options of {@link randomSearchMethod}. */
export interface RandomSearchOptions {
  /** Random configurations probed. Default 30. */
  readonly probes?: number;
  /** Invocations per probe. Default 10. */
  readonly invocations?: number;
}

/** `random`: `probes` uniformly random configurations with `invocations` each; deploys the cheapest whose window met the target. */
export function randomSearchMethod(options: RandomSearchOptions = {}): TuningMethod {
  const probes = options.probes ?? 30;
  const invocations = options.invocations ?? 10;
  return {
    name: 'random',
    propose: (history, context) =>
      history.length >= probes
        ? { kind: 'done', why: `${probes} random probes` }
        : { kind: 'probe', config: pointToConfig(context.space.randomPoint(context.rng)), invocations, why: 'random' },
    recommend: (history, context) => cheapestObservedFeasible(groupProbes(history), context.workflow.qos.percentile, context.workflow.qos.targetMs)?.config,
  };
}
