/**
 * The real workflows: the three modelled workflows (same names, same stages,
 * same DAG) built as OpenWhisk nodejs:20 actions that do real work, each
 * workflow its own package (`<workflow>/<stage>`), with an openwhisk-composer
 * conductor `<workflow>/invoke` as the entry action (see
 * `benchmark/workflows/<workflow>/composition.js` and `manifests/workflows.yaml`).
 *
 * Data flow (the compositions' and {@link runWorkflowInProcess}'s alike):
 * the workflow's input goes to the first stage; a stage with one predecessor
 * gets that stage's result; a stage after a fan-out (several predecessors)
 * gets `{ branches: { <stage>: result, ... }, carry }`. Every result carries
 * the workflow's input params as `carry`, so later stages see them.
 *
 * To profile one stage alone with a realistic input: `await stageInput(w,
 * stage, input)` runs the upstream stages' code in this process (the same
 * `main` functions the actions bundle) and answers the params that stage gets
 * inside the workflow; invoke the stage's action with them (top-level params
 * added over it override the carried ones, e.g. `{ ...params, repeat: 16 }`).
 */
import type { WorkflowName } from './index';
import { ML_INFERENCE_DEFAULTS, SOCIAL_NETWORK_DEFAULTS, VIDEO_PIPELINE_DEFAULTS } from './real/workflow-inputs';

/** One stage of a real workflow. */
export interface RealStage {
  /** The stage's name, as the modelled workflow names it. */
  readonly name: string;
  /** Stages it waits for (the modelled workflow's `after`). */
  readonly after: readonly string[];
  /** Its OpenWhisk action, `<package>/<stage>`. */
  readonly action: string;
  /** What it really does, one line. */
  readonly does: string;
}

/** A real workflow. */
export interface RealWorkflow {
  readonly name: WorkflowName;
  /** Its OpenWhisk package (the workflow's name). */
  readonly package: string;
  /** The composition's conductor action, `<package>/invoke`: invoke it with the workflow's input. */
  readonly entryAction: string;
  /** Its stages in DAG order (every stage after those it waits for). */
  readonly stages: readonly RealStage[];
  /** The workflow's input params with their defaults (see `real/workflow-inputs.ts` for units and ranges). */
  readonly defaultInput: Readonly<Record<string, unknown>>;
}

function stage(workflow: WorkflowName, name: string, after: readonly string[], does: string): RealStage {
  return { name, after, action: `${workflow}/${name}`, does };
}

function workflow(name: WorkflowName, defaultInput: Readonly<Record<string, unknown>>, stages: readonly [string, readonly string[], string][]): RealWorkflow {
  return { name, package: name, entryAction: `${name}/invoke`, defaultInput, stages: stages.map(([s, after, does]) => stage(name, s, after, does)) };
}

const classify = (v: string, widths: string): [string, readonly string[], string] => [
  `classify-${v}`,
  ['resize'],
  `runs the classify-${v} variant (seeded weights, conv widths ${widths}) of a 3-convolution TensorFlow.js network on the cpu backend \`repeat\` times (mirrored on odd passes) and answers its top-3 labels`,
];

const transcode = (k: number): [string, readonly string[], string] => [
  `transcode-${k}`,
  ['split'],
  `re-encodes segment ${k - 1} of split's result with ffmpeg libx264 at \`preset\`/\`crf\`, single-threaded, and answers it base64 with its frame count`,
];

/** The real workflows by name. */
export const REAL_WORKFLOWS: Readonly<Record<WorkflowName, RealWorkflow>> = {
  'ml-inference': workflow('ml-inference', ML_INFERENCE_DEFAULTS, [
    ['fetch', [], 'draws a seeded width x height RGB image with jimp (gradient plus `shapes` blended shapes) and answers it PNG-encoded, base64'],
    ['resize', ['fetch'], 'decodes the PNG with jimp, resizes it to inputSize x inputSize and answers the raw RGB bytes base64 with per-channel mean and sd'],
    classify('a', '16/32/64'),
    classify('b', '12/24/48'),
    classify('c', '20/40/80'),
    ['aggregate', ['classify-a', 'classify-b', 'classify-c'], 'combines the three label lists by votes and mean score with a `resamples` bootstrap interval, deflates the answer JSON with zlib and answers its size and sha256'],
  ]),
  'video-pipeline': workflow('video-pipeline', VIDEO_PIPELINE_DEFAULTS, [
    ['split', [], 'renders a width x height, duration-second testsrc clip with ffmpeg (libx264) and cuts it into 4 segments at key frames, carried base64'],
    transcode(1),
    transcode(2),
    transcode(3),
    transcode(4),
    ['merge', ['transcode-1', 'transcode-2', 'transcode-3', 'transcode-4'], "concatenates the 4 segments with ffmpeg's concat demuxer, decodes the result once and answers its size, frames, duration and sha256"],
  ]),
  'social-network': workflow('social-network', SOCIAL_NETWORK_DEFAULTS, [
    ['compose-post', [], 'composes a seeded post of `words` words (hashtags, mentions, links) by one of `users` authors, with an imageWidth x imageHeight jimp image thumbnailed to thumbSize'],
    ['text-filter', ['compose-post'], 'normalises the text, masks banned words with a regex and extracts hashtags, mentions and links, `passes` times'],
    ['social-graph', ['compose-post'], 'builds the seeded follower graph (`users` nodes, `degree` followers each) and searches it breadth-first from the author to `depth` levels'],
    ['store-post', ['text-filter', 'social-graph'], 'serialises the filtered post and one home-timeline entry per follower reached, deflates the batch with zlib at `level` and answers its size and sha256'],
  ]),
};

/** A stage's `main`, as its action exports it. */
type StageMain = (params: Record<string, unknown>) => unknown;

/** Loaders of every stage's `main` (loaded on first use: TensorFlow.js and jimp are not imported with this table). */
const STAGE_MAINS: Readonly<Record<WorkflowName, Readonly<Record<string, () => Promise<StageMain>>>>> = {
  'ml-inference': {
    fetch: async () => (await import('./ml-inference/fetch/index')).main,
    resize: async () => (await import('./ml-inference/resize/index')).main,
    'classify-a': async () => (await import('./ml-inference/classify-a/index')).main,
    'classify-b': async () => (await import('./ml-inference/classify-b/index')).main,
    'classify-c': async () => (await import('./ml-inference/classify-c/index')).main,
    aggregate: async () => (await import('./ml-inference/aggregate/index')).main,
  },
  'video-pipeline': {
    split: async () => (await import('./video-pipeline/split/index')).main,
    'transcode-1': async () => (await import('./video-pipeline/transcode-1/index')).main,
    'transcode-2': async () => (await import('./video-pipeline/transcode-2/index')).main,
    'transcode-3': async () => (await import('./video-pipeline/transcode-3/index')).main,
    'transcode-4': async () => (await import('./video-pipeline/transcode-4/index')).main,
    merge: async () => (await import('./video-pipeline/merge/index')).main,
  },
  'social-network': {
    'compose-post': async () => (await import('./social-network/compose-post/index')).main,
    'text-filter': async () => (await import('./social-network/text-filter/index')).main,
    'social-graph': async () => (await import('./social-network/social-graph/index')).main,
    'store-post': async () => (await import('./social-network/store-post/index')).main,
  },
};

/** A stage answered `{ error }` (or something not an object) when run in process. */
export class StageRunError extends Error {
  override readonly name = 'StageRunError';
  constructor(
    readonly workflow: WorkflowName,
    readonly stage: string,
    readonly result: unknown,
  ) {
    super(`${workflow}/${stage} failed: ${JSON.stringify(result)?.slice(0, 500) ?? String(result)}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lookupStage(name: WorkflowName, stageName: string): RealStage {
  const found = REAL_WORKFLOWS[name].stages.find((s) => s.name === stageName);
  if (found === undefined) throw new RangeError(`${name}: unknown stage "${stageName}" (known: ${REAL_WORKFLOWS[name].stages.map((s) => s.name).join(', ')})`);
  return found;
}

/**
 * The params a stage gets inside the workflow, from its predecessors' results
 * (`results` by stage name) or, for the first stage, the workflow's input.
 * After a fan-out: `{ branches: { <stage>: result }, carry }` (the first
 * predecessor's `carry`), as the compositions build it.
 */
export function joinInput(stageSpec: RealStage, input: Readonly<Record<string, unknown>>, results: Readonly<Record<string, Record<string, unknown>>>): Record<string, unknown> {
  const parents = stageSpec.after.map((name) => {
    const r = results[name];
    if (r === undefined) throw new RangeError(`${stageSpec.action}: the result of ${name} is missing`);
    return r;
  });
  if (parents.length === 0) return { ...input };
  if (parents.length === 1) return parents[0];
  const branches: Record<string, unknown> = {};
  stageSpec.after.forEach((name, i) => {
    branches[name] = parents[i];
  });
  return { branches, carry: parents[0]['carry'] ?? {} };
}

/** Runs one stage's `main` in this process on `params`; a `{ error }` answer is a {@link StageRunError}. */
export async function runStageInProcess(name: WorkflowName, stageName: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  lookupStage(name, stageName);
  const load = STAGE_MAINS[name][stageName];
  if (load === undefined) throw new RangeError(`${name}/${stageName}: no stage code`);
  const main = await load();
  const result: unknown = await main(params);
  if (!isRecord(result) || result['error'] !== undefined) throw new StageRunError(name, stageName, result);
  return result;
}

/**
 * Runs the workflow's stages in this process, in DAG order (the parallel
 * ones one after another), up to and including `until` (a stage or several;
 * default: all) and what they need, and answers every result by stage name.
 * @param input the workflow's input params (default {@link RealWorkflow.defaultInput}'s values are used by each stage for what is absent)
 */
export async function runWorkflowInProcess(
  name: WorkflowName,
  input: Readonly<Record<string, unknown>> = {},
  until?: string | readonly string[],
): Promise<Record<string, Record<string, unknown>>> {
  const spec = REAL_WORKFLOWS[name];
  const needed = new Set<string>();
  const want = (s: string): void => {
    if (needed.has(s)) return;
    needed.add(s);
    for (const p of lookupStage(name, s).after) want(p);
  };
  if (until === undefined) spec.stages.forEach((s) => needed.add(s.name));
  else if (typeof until === 'string') want(until);
  else until.forEach(want);
  const results: Record<string, Record<string, unknown>> = {};
  for (const s of spec.stages) {
    if (!needed.has(s.name)) continue;
    results[s.name] = await runStageInProcess(name, s.name, joinInput(s, input, results));
  }
  return results;
}

/**
 * The params `stageName` gets when the workflow runs on `input`: its
 * upstream stages run in this process (see {@link runWorkflowInProcess}).
 * For the first stage, `input` itself.
 */
export async function stageInput(name: WorkflowName, stageName: string, input: Readonly<Record<string, unknown>> = {}): Promise<Record<string, unknown>> {
  const target = lookupStage(name, stageName);
  const results = target.after.length === 0 ? {} : await runWorkflowInProcess(name, input, target.after);
  return joinInput(target, input, results);
}
