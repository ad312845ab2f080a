/**
 * Shapes and training settings of the hybrid Bayesian forecaster (DESIGN.md
 * section 3). The layer sizes are those of the 2023 code; what differs between
 * our configuration and `aquatope-2023` is how a forecast is read from the
 * network (see {@link InferenceConfig}).
 */
export interface NetworkConfig {
  /** Input window, minutes. Default 48. */
  readonly window: number;
  /** Forecast horizon, minutes. Default 12. */
  readonly horizon: number;
  /** Encoder LSTM units. Default 64. */
  readonly encoderUnits: number;
  /** Decoder LSTM units (pretraining only). Default 16. */
  readonly decoderUnits: number;
  /** Decoder head hidden units (pretraining only). Default 32. */
  readonly decoderDense: number;
  /** Prediction network hidden units. Default [64, 16]. */
  readonly predictorUnits: readonly [number, number];
  /** Variational dropout on the encoder's LSTM outputs and on its features. Default 0.25. */
  readonly encoderDropout: number;
  /** Dropout on the prediction network's hidden layers. Default 0.2. */
  readonly predictorDropout: number;
}

/** How the network is trained. */
export interface TrainingConfig {
  /** Training windows sampled per epoch (stratified equally over the traces). Default 24,000. */
  readonly windows: number;
  /** Stage 1 (encoder-decoder) epochs. Default 10. */
  readonly encoderEpochs: number;
  /** Stage 2 (prediction network) epochs. Default 30. */
  readonly predictorEpochs: number;
  /** Mini-batch size. Default 128. */
  readonly batchSize: number;
  /** Adam learning rate of stage 1. Default 1e-3 (the 2023 code: 1e-4 over 128 epochs; see the model card). */
  readonly encoderLearningRate: number;
  /** Adam learning rate of stage 2. Default 1e-3. */
  readonly predictorLearningRate: number;
  /** Share of each training range, at its end, held out for validation and the noise estimate. Default 0.15. */
  readonly validationShare: number;
  /** Monte Carlo samples used for the noise estimate on the validation split. Default 32. */
  readonly validationSamples: number;
}

/** How a forecast is read from the network. */
export interface InferenceConfig {
  /** Name in reports. */
  readonly name: string;
  /** Monte Carlo dropout samples per forecast. */
  readonly samples: number;
  /** Whether the inherent noise variance (estimated on validation) is added to the Monte Carlo variance. */
  readonly addNoise: boolean;
  /** The point forecast: the predictive median, or the mean of the Monte Carlo samples (the 2023 code). */
  readonly point: 'median' | 'mean';
}

export const DEFAULT_NETWORK: NetworkConfig = Object.freeze({
  window: 48,
  horizon: 12,
  encoderUnits: 64,
  decoderUnits: 16,
  decoderDense: 32,
  predictorUnits: Object.freeze([64, 16] as const),
  encoderDropout: 0.25,
  predictorDropout: 0.2,
});

export const DEFAULT_TRAINING: TrainingConfig = Object.freeze({
  windows: 24_000,
  encoderEpochs: 10,
  predictorEpochs: 30,
  batchSize: 128,
  encoderLearningRate: 1e-3,
  predictorLearningRate: 1e-3,
  validationShare: 0.15,
  validationSamples: 32,
});

/** The named ways to read a forecast: ours, and the 2023 code's. */
export type InferenceName = 'aquatope-lstm' | 'aquatope-2023';

export const INFERENCE_CONFIGS: Readonly<Record<InferenceName, InferenceConfig>> = Object.freeze({
  /** Ours (the network of `aquatope`'s busy regime): 64 samples, Monte Carlo plus inherent noise variance, median as the point. */
  'aquatope-lstm': Object.freeze({ name: 'aquatope-lstm', samples: 64, addNoise: true, point: 'median' }),
  /** The 2023 code: 128 samples, Monte Carlo variance only, the mean as the point. */
  'aquatope-2023': Object.freeze({ name: 'aquatope-2023', samples: 128, addNoise: false, point: 'mean' }),
});
