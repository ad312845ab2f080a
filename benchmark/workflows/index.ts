/**
 * The modelled workflows, one lookup table keyed by name (`--workflow NAME`).
 * Each is calibrated on the SeBS AWS Lambda measurements (see sebs-fits.ts and
 * modelled-workflow.ts).
 */
import { ML_INFERENCE } from './ml-inference';
import { buildModelledWorkflow, type ModelledWorkflow } from './modelled-workflow';
import { SOCIAL_NETWORK } from './social-network';
import { VIDEO_PIPELINE } from './video-pipeline';

/** Names of the modelled workflows. */
export type WorkflowName = 'ml-inference' | 'video-pipeline' | 'social-network';

/** Every modelled workflow by name (built once, at first import). */
export const WORKFLOWS: Readonly<Record<WorkflowName, ModelledWorkflow>> = {
  'ml-inference': buildModelledWorkflow(ML_INFERENCE),
  'video-pipeline': buildModelledWorkflow(VIDEO_PIPELINE),
  'social-network': buildModelledWorkflow(SOCIAL_NETWORK),
};

/** The names, in a fixed order (for help texts and sweeps). */
export const workflowNames: readonly WorkflowName[] = ['ml-inference', 'video-pipeline', 'social-network'];

/** True when `name` is the name of a modelled workflow. */
export function isWorkflowName(name: string): name is WorkflowName {
  return workflowNames.some((n) => n === name);
}

/**
 * The modelled workflow called `name`.
 * @throws RangeError naming the unknown workflow and listing the known ones
 */
export function lookupWorkflow(name: string): ModelledWorkflow {
  if (!isWorkflowName(name)) throw new RangeError(`unknown workflow "${name}" (known: ${workflowNames.join(', ')})`);
  return WORKFLOWS[name];
}
