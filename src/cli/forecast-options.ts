import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseMinuteRange, parsePositiveInt, parseSeed, UsageError } from './parse-options';

/** The options of `bench forecast`, for the usage text. */
export const FORECAST_OPTIONS_HELP = `bench forecast options:
  --trace FILE          invocation trace (any format bench keepalive reads); required
  --test-minutes C:D    minutes [C, D) to forecast and score, 0-based offsets from the trace's first minute; required
  --train-minutes A:B   minutes [A, B) to train on (B <= C: never the test minutes or later)
  --model DIR           a trained model to load instead of training one
  --out DIR             where forecast.json and forecast.md go (default reports/forecast)
  --seed S              seed of training and Monte Carlo sampling (default 1)
  --functions N         first N functions of the trace
  --epochs N            training epochs
  --batch-minutes N     test minutes per forecast call (default: about 1,000 windows per call,
                        1 for a trace of 1,024 functions or more; as the model card's evaluation)
  --candidates LIST     comma-separated forecasters to score beside the others: aquatope-tail
                        (ours with its tail learnt too)
`;

/** The forecasters `--candidates` accepts. */
export const CANDIDATE_NAMES = ['aquatope-tail'] as const;

/** A name of {@link CANDIDATE_NAMES}. */
export type CandidateForecasterName = (typeof CANDIDATE_NAMES)[number];

/** What `bench forecast` was asked to do. Minute ranges are half-open, 0-based offsets from the trace's first minute. */
export interface ForecastCommand {
  readonly trace: string;
  readonly trainMinutes?: { readonly start: number; readonly end: number };
  readonly testMinutes: { readonly start: number; readonly end: number };
  /** Directory of a trained model. */
  readonly model?: string;
  /** Output directory; default `reports/forecast`. */
  readonly out: string;
  /** Default 1. */
  readonly seed: number;
  /** First N functions. */
  readonly functions?: number;
  /** Training epochs; the trainer's default when absent. */
  readonly epochs?: number;
  /** Test minutes per forecast() call; default: about 1,000 windows per call (see batchMinutesFor). */
  readonly batchMinutes?: number;
  /** Candidate forecasters scored after the others (`--candidates`); default none. */
  readonly candidates?: readonly CandidateForecasterName[];
}

/** A path option's value: rejected when empty. */
function path(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} must name a path, got "${value}"`);
  return value;
}

/**
 * Parses the arguments after `bench forecast`.
 * @throws UsageError naming the flag and its value; TypeError with an
 *   `ERR_PARSE_ARGS_*` code (from node:util parseArgs) for an unknown option or a missing value.
 */
export function parseForecastArgs(args: string[]): ForecastCommand {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      trace: { type: 'string' },
      'train-minutes': { type: 'string' },
      'test-minutes': { type: 'string' },
      model: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      functions: { type: 'string' },
      epochs: { type: 'string' },
      'batch-minutes': { type: 'string' },
      candidates: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const trace = path('--trace', values.trace);
  if (trace === undefined) throw new UsageError('--trace FILE is required');
  const testValue = values['test-minutes'];
  if (testValue === undefined) throw new UsageError('--test-minutes C:D is required');
  const testMinutes = parseMinuteRange('--test-minutes', testValue);
  const trainValue = values['train-minutes'];
  const trainMinutes = trainValue === undefined ? undefined : parseMinuteRange('--train-minutes', trainValue);
  if (trainValue !== undefined && trainMinutes !== undefined && trainMinutes.end > testMinutes.start) {
    throw new UsageError(
      `--train-minutes "${trainValue}" must end at or before the start of --test-minutes "${testValue}" ` +
        `(${trainMinutes.end} > ${testMinutes.start}): a model may not learn from the minutes it is tested on or later`,
    );
  }
  return {
    trace,
    trainMinutes,
    testMinutes,
    model: path('--model', values.model),
    out: path('--out', values.out) ?? join('reports', 'forecast'),
    seed: values.seed === undefined ? 1 : parseSeed('--seed', values.seed),
    functions: values.functions === undefined ? undefined : parsePositiveInt('--functions', values.functions),
    epochs: values.epochs === undefined ? undefined : parsePositiveInt('--epochs', values.epochs),
    ...(values['batch-minutes'] === undefined ? {} : { batchMinutes: parsePositiveInt('--batch-minutes', values['batch-minutes']) }),
    ...(values.candidates === undefined ? {} : { candidates: parseCandidates(values.candidates) }),
  };
}

/**
 * The value of `--candidates`: known names, comma-separated, each once.
 * @throws UsageError naming the value that is not one of {@link CANDIDATE_NAMES}.
 */
function parseCandidates(value: string): CandidateForecasterName[] {
  const out: CandidateForecasterName[] = [];
  for (const part of value.split(',')) {
    const name = CANDIDATE_NAMES.find((c) => c === part.trim());
    if (name === undefined) throw new UsageError(`--candidates: "${part}" is not a candidate forecaster (known: ${CANDIDATE_NAMES.join(', ')})`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
