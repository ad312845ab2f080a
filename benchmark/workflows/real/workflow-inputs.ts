/**
 * The input params of each real workflow, with their defaults: what the
 * workflow's entry action (`<workflow>/invoke`) takes, what its first stage
 * copies into `carry`, and the defaults every stage falls back to. Units and
 * meaning are documented on each field; every stage's work scales with the
 * params it reads (see the stage's `work` counts).
 */

/** Input of `ml-inference`. */
export type MlInferenceInput = {
  /** Seed of the generated image (fetch); default 1. */
  readonly seed: number;
  /** Width of the generated image, pixels (fetch, resize decode); default 1600, 8 to 4096. */
  readonly width: number;
  /** Height of the generated image, pixels; default 1200, 8 to 4096. */
  readonly height: number;
  /** Rectangles and discs drawn over the image's gradient (fetch); default 40, 0 to 10,000. */
  readonly shapes: number;
  /** Side of the square input of the classifiers, pixels (resize's output, classify's input); default 64, 16 to 512. */
  readonly inputSize: number;
  /** Forward passes of each classifier over the image (classify-a/b/c); default 8, 1 to 1,000. */
  readonly repeat: number;
  /** Bootstrap resamples of the ensemble's scores per label (aggregate); default 200,000, 0 to 10,000,000. */
  readonly resamples: number;
};

/** Defaults of {@link MlInferenceInput}. */
export const ML_INFERENCE_DEFAULTS: MlInferenceInput = { seed: 1, width: 1600, height: 1200, shapes: 40, inputSize: 64, repeat: 8, resamples: 200_000 };

/** Input of `video-pipeline`. */
export type VideoPipelineInput = {
  /** Seed of the clip: its hue rotation (split); default 1. */
  readonly seed: number;
  /** Width of the rendered clip, pixels, even (split); default 320, 16 to 1920. */
  readonly width: number;
  /** Height of the rendered clip, pixels, even; default 240, 16 to 1080. */
  readonly height: number;
  /** Length of the clip, seconds (split into 4 equal segments); default 8, 1 to 60. */
  readonly duration: number;
  /** Frame rate of the clip, frames per second; default 25, 1 to 60. */
  readonly rate: number;
  /** libx264 preset of the transcoders (slower presets do more work per frame); default `medium`. */
  readonly preset: string;
  /** libx264 constant rate factor of the transcoders, 0 (lossless) to 51; default 23. */
  readonly crf: number;
};

/** Defaults of {@link VideoPipelineInput}. */
export const VIDEO_PIPELINE_DEFAULTS: VideoPipelineInput = { seed: 1, width: 320, height: 240, duration: 8, rate: 25, preset: 'medium', crf: 23 };

/** Input of `social-network`. */
export type SocialNetworkInput = {
  /** Seed of the post, its image and the follower graph; default 1. */
  readonly seed: number;
  /** Words of the post's text (compose-post); default 400, 1 to 100,000. */
  readonly words: number;
  /** Width of the post's attached image, pixels (compose-post); default 1280, 8 to 4096. */
  readonly imageWidth: number;
  /** Height of the attached image, pixels; default 960, 8 to 4096. */
  readonly imageHeight: number;
  /** Side of the square thumbnail box the image is fitted into, pixels (compose-post); default 128, 8 to 1024. */
  readonly thumbSize: number;
  /** Users of the social network (the author is one of them; social-graph's nodes); default 1,000,000, 2 to 5,000,000; users x degree at most 50,000,000. */
  readonly users: number;
  /** Times text-filter runs its whole filter over the text; default 1,500, 1 to 100,000. */
  readonly passes: number;
  /** Followers of every user, edges per node (social-graph); default 10, 1 to 100. */
  readonly degree: number;
  /** Levels of followers-of-followers the BFS reaches (social-graph); default 5, 1 to 10. */
  readonly depth: number;
  /** zlib level of the stored post and its timeline entries (store-post), 0 to 9; default 6. */
  readonly level: number;
};

/** Defaults of {@link SocialNetworkInput}. */
export const SOCIAL_NETWORK_DEFAULTS: SocialNetworkInput = {
  seed: 1,
  words: 400,
  imageWidth: 1280,
  imageHeight: 960,
  thumbSize: 128,
  users: 1_000_000,
  passes: 1500,
  degree: 10,
  depth: 5,
  level: 6,
};

/** The names of a workflow's input params (what `carry` holds). */
export const ML_INFERENCE_KEYS: readonly string[] = Object.keys(ML_INFERENCE_DEFAULTS);
/** The names of `video-pipeline`'s input params. */
export const VIDEO_PIPELINE_KEYS: readonly string[] = Object.keys(VIDEO_PIPELINE_DEFAULTS);
/** The names of `social-network`'s input params. */
export const SOCIAL_NETWORK_KEYS: readonly string[] = Object.keys(SOCIAL_NETWORK_DEFAULTS);
