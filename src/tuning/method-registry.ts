/**
 * Every tuning method by name, ours and the baselines in one slot, so the
 * bench and the `bo-step` action look methods up the same way.
 */
import { aquatopeTuner } from './aquatope-tuner';
import { aquatope2023Method, cherrypickMethod } from './gp-baselines';
import { powerTuningMethod, powerTuningQosMethod } from './power-tuning';
import { maxResourcesMethod, randomSearchMethod } from './simple-methods';
import type { TuningMethod } from './tuning-method';

/** Names of the tuning methods (the optimum is not one: it is computed, see optimum.ts). */
export type MethodName = 'aquatope' | 'max-resources' | 'power-tuning' | 'power-tuning-qos' | 'cherrypick' | 'aquatope-2023' | 'random';

/** The names in report order, ours first. */
export const METHOD_NAMES: readonly MethodName[] = ['aquatope', 'max-resources', 'power-tuning', 'power-tuning-qos', 'cherrypick', 'aquatope-2023', 'random'];

/** A fresh instance of each method (methods may memoise per instance). */
export function createMethods(): Record<MethodName, TuningMethod> {
  return {
    aquatope: aquatopeTuner(),
    'max-resources': maxResourcesMethod,
    'power-tuning': powerTuningMethod,
    'power-tuning-qos': powerTuningQosMethod,
    cherrypick: cherrypickMethod,
    'aquatope-2023': aquatope2023Method,
    random: randomSearchMethod(),
  };
}

/** True when `name` names a method. */
export function isMethodName(name: string): name is MethodName {
  return METHOD_NAMES.some((n) => n === name);
}
