import type * as tf from '@tensorflow/tfjs';
import type { NetworkConfig, TrainingConfig } from './model-config';

/** What the model card records about how a model was trained. */
export interface TrainingRecord {
  readonly seed: number;
  readonly training: TrainingConfig;
  readonly data: readonly {
    readonly source: string;
    readonly functions: number;
    readonly range: { readonly start: number; readonly end: number };
    readonly validationStart: number;
    readonly trainWindows: number;
    readonly validationWindows: number;
  }[];
  /** Per epoch losses (mean squared error in z units). */
  readonly encoderLoss: readonly { readonly loss: number; readonly validationLoss: number }[];
  readonly predictorLoss: readonly { readonly loss: number; readonly validationLoss: number }[];
  /** The noise estimate before and after calibration. */
  readonly noiseCalibration?: {
    /** Per step, residual variance beyond Monte Carlo over mean local noise, before calibration. */
    readonly rawNoiseVariance: readonly number[];
    /** Factor applied to it. */
    readonly factor: number;
    /** Validation 90% coverage with the factor applied. */
    readonly validationCoverage90: number;
    readonly target: number;
  };
  /** Wall time of training, s. */
  readonly trainingSeconds: number;
}

/** A trained hybrid forecaster: the frozen encoder, the prediction network and the noise estimate. */
export interface ForecastModel {
  readonly network: NetworkConfig;
  readonly encoder: tf.LayersModel;
  readonly predictor: tf.LayersModel;
  /**
   * Per horizon step, the factor on a window's local noise variance (see
   * localNoiseVariance) that gives its inherent noise variance in log1p units;
   * estimated and calibrated on the validation split.
   */
  readonly noiseVariance: readonly number[];
  readonly record: TrainingRecord;
}
