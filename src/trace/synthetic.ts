/**
 * A synthetic Azure-Functions-2019-like trace, for users without the real files.
 *
 * Every shape below is taken from the published characterisation of the Azure
 * Functions 2019 trace: M. Shahrad et al., "Serverless in the Wild:
 * Characterizing and Optimizing the Serverless Workload at a Large Cloud
 * Provider", USENIX ATC 2020 (cited as "the paper", with its figure), and
 * cross-checked against the real 1350-function sample in
 * `../shared/data/azure-functions-2019-invitro-resampled` (cited as "the
 * sample"). Where the paper gives no number, the choice is marked as an
 * assumption.
 *
 * The result has the shapes the parsers of the real files produce
 * ({@link InvocationTrace}, {@link DurationPercentiles} per function,
 * {@link MemoryPercentiles} per app), so everything downstream treats the two
 * alike. All randomness comes from {@link SeededRng}: the same options give the
 * same trace byte for byte.
 */
import { SeededRng } from '../core/rng';
import {
  DURATION_PERCENTILE_POINTS,
  MEMORY_PERCENTILE_POINTS,
  type DurationPercentiles,
  type FunctionSeries,
  type InvocationTrace,
  type MemoryPercentiles,
} from './types';

/** Default number of functions of a synthetic trace (the real sample has 1350; 400 keeps a day's run quick). */
export const DEFAULT_SYNTHETIC_FUNCTIONS = 400;
/** Default length of a synthetic trace, minutes (one day, like one Azure 2019 daily file). */
export const DEFAULT_SYNTHETIC_MINUTES = 1440;
/** Default seed of a synthetic trace. */
export const DEFAULT_SYNTHETIC_SEED = 1;

/**
 * Expected band of the total invocations of a default synthetic trace
 * ({@link DEFAULT_SYNTHETIC_FUNCTIONS} functions x {@link DEFAULT_SYNTHETIC_MINUTES} minutes):
 * 0.68 to 1.16 million over seeds 1..40 (mean 0.92 million), comparable to the real
 * 1350-function sample's 927,272 invocations in a day. The band holds for every seed
 * we measured because the daily rates are drawn by stratified sampling (see
 * {@link DAILY_RATE_QUANTILES}).
 */
export const SYNTHETIC_DAILY_TOTAL_BAND: { readonly min: number; readonly max: number } = { min: 500_000, max: 1_500_000 };

/** Options of {@link generateSyntheticTrace}. */
export interface SyntheticTraceOptions {
  /** Number of functions, at least 1 (default {@link DEFAULT_SYNTHETIC_FUNCTIONS}). */
  readonly functions: number;
  /** Number of minutes, at least 1 (default {@link DEFAULT_SYNTHETIC_MINUTES}); minute 0 is taken to be 00:00 UTC. */
  readonly minutes: number;
  /** Seed of every random draw (an integer; default {@link DEFAULT_SYNTHETIC_SEED}). */
  readonly seed: number;
}

/** A synthetic trace with its side tables. */
export interface SyntheticTrace {
  readonly trace: InvocationTrace;
  /** One row per function, in the trace's function order (`count` = the function's invocations in the trace). */
  readonly durations: DurationPercentiles[];
  /** One row per app, in order of first appearance in the trace. */
  readonly memory: MemoryPercentiles[];
}

/**
 * Trigger shares, fraction of functions. The paper (Fig. 2a) reports HTTP 55.0%,
 * timer 15.6%, queue 15.2%, orchestration 6.9%, storage 2.8%, event 2.2%,
 * others 2.2%; we use HTTP 55%, queue 15%, timer 15%, event 5% (above the
 * paper's 2.2%, so that a 400-function trace has 20 event functions, not 9),
 * orchestration 5%, storage 3%, others 2%. Counts are exact
 * (largest remainder), not drawn, so small traces still get every trigger.
 */
export const TRIGGER_SHARES: readonly { readonly trigger: string; readonly share: number }[] = [
  { trigger: 'http', share: 0.55 },
  { trigger: 'queue', share: 0.15 },
  { trigger: 'timer', share: 0.15 },
  { trigger: 'event', share: 0.05 },
  { trigger: 'orchestration', share: 0.05 },
  { trigger: 'storage', share: 0.03 },
  { trigger: 'others', share: 0.02 },
];

/**
 * Quantile function of the daily invocation rate of an app (its non-timer
 * functions together), as (cumulative probability, log10 invocations per day)
 * anchors, log-linear in between. Target, from the paper (Fig. 5 and Section
 * 3.3): rates span 8 orders of magnitude; 45% of apps are invoked at most once
 * per hour (24/day) and 81% at most once per minute (1440/day). The anchors
 * put 24/day at 53% and 1440/day at 83% because an app's timers and the
 * ≥1-invocation rule add to these rates: measured over seeds 1..40 of a
 * default trace, 41% of apps (timers included) are at most 24/day and 80% at
 * most 1440/day. Lowest anchors from the sample, whose functions are 10% at
 * 1/day and 20% at 3/day. Upper tail: the full trace reaches billions a day,
 * which a 400-function day cannot hold (the sample's busiest function has
 * 57,778), so the top is cut at 10^5.7 (about 500,000/day, 350/min on average,
 * a few thousand per minute in the peak minutes of a bursty queue); with 95%
 * at 10^4.5 and 99% at 10^5.2 the mean is about 7,400/day, i.e. about 0.9
 * million invocations for the ~120 rated apps (of ~130) of a default trace
 * (measured over seeds 1..40: 0.68 to 1.16 million, mean 0.92 million; the
 * real sample has 927,272 over 1350 functions). Because rates are split over
 * an app's functions, functions are rarer than apps: 62% of functions are at
 * most 24/day (median 9/day) against the sample's 45% (median 37.5/day).
 */
export const DAILY_RATE_QUANTILES: readonly (readonly [number, number])[] = [
  [0, 0],
  [0.25, 0.48],
  [0.53, Math.log10(24)],
  [0.83, Math.log10(1440)],
  [0.95, 4.5],
  [0.99, 5.2],
  [1, 5.7],
];

/**
 * Rate bias by trigger when stratified rates are handed out: the higher the
 * weight, the likelier a function of that trigger gets one of the high rates.
 * From the paper (Fig. 2b, share of invocations against Fig. 2a, share of
 * functions): event triggers are 2.2% of functions but 24.7% of invocations,
 * queue 15.2% and 33.5%, HTTP 55.0% and 35.9%, storage 2.8% and 0.7%.
 * The weights themselves are an assumption tuned to that ordering.
 */
const RATE_WEIGHT_BY_TRIGGER: Readonly<Record<string, number>> = {
  event: 8,
  queue: 2.5,
  http: 1,
  orchestration: 0.8,
  others: 1,
  storage: 0.5,
};

/**
 * Timer periods (minutes) and their probabilities. The paper (Section 3.3,
 * Fig. 6) notes that timer-triggered functions are invoked periodically with
 * common cron periods; the mix of periods is an assumption (cron-style 1, 5,
 * 10, 15, 30, 60 minutes dominate, a few run every 2, 6, 12 or 24 hours).
 * Timers are 15.6% of functions but only 2.0% of invocations (Fig. 2), which
 * this mix reproduces (about 330 invocations/day per timer on average; 1.4-3.5% of a default trace's invocations over seeds 1..10).
 */
export const TIMER_PERIODS_MIN: readonly (readonly [number, number])[] = [
  [1, 0.12],
  [5, 0.2],
  [10, 0.1],
  [15, 0.15],
  [30, 0.1],
  [60, 0.18],
  [120, 0.05],
  [360, 0.03],
  [720, 0.03],
  [1440, 0.04],
];

/**
 * UTC offsets (hours) of the apps' users, with probabilities, for the phase of
 * diurnal patterns. An assumption: the paper shows a strong diurnal cycle for
 * the whole platform (Fig. 4, peak in daytime) but not the regions; we spread
 * apps over the Americas, Europe and Asia.
 */
const UTC_OFFSETS_H: readonly (readonly [number, number])[] = [
  [-8, 0.2],
  [-5, 0.3],
  [0, 0.15],
  [1, 0.15],
  [5.5, 0.05],
  [8, 0.1],
  [9, 0.05],
];

/** Minutes in a day. */
const DAY_MIN = 1440;

/** Standard normal quantiles at {@link DURATION_PERCENTILE_POINTS} (0% and 100% stand for min and max: +-3 sigma). */
const DURATION_Z: readonly number[] = [-3, -2.326, -0.674, 0, 0.674, 2.326, 3];
/** Standard normal quantiles at {@link MEMORY_PERCENTILE_POINTS} (100% stands for the max: +3 sigma). */
const MEMORY_Z: readonly number[] = [-2.326, -1.645, -0.674, 0, 0.674, 1.645, 2.326, 3];

/**
 * Generate a synthetic trace with the published shape of the Azure Functions
 * 2019 trace: heavy-tailed daily rates, the paper's trigger mix, diurnal HTTP
 * and event functions, exactly periodic timers, bursty queue and storage
 * triggers, Poisson noise; lognormal-like durations per function and
 * Burr-distributed memory per app.
 *
 * Every function is invoked at least once in the trace (when its draws give
 * none, one invocation is put in a random minute), as every row of an Azure
 * daily file was invoked at least once that day (the sample's minimum is 1).
 *
 * @throws RangeError when `functions` or `minutes` is not an integer >= 1, or `seed` is not an integer.
 */
export function generateSyntheticTrace(options: SyntheticTraceOptions): SyntheticTrace {
  const { functions: n, minutes, seed } = options;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`generateSyntheticTrace: functions=${n} must be an integer >= 1`);
  if (!Number.isInteger(minutes) || minutes < 1) throw new RangeError(`generateSyntheticTrace: minutes=${minutes} must be an integer >= 1`);
  if (!Number.isInteger(seed)) throw new RangeError(`generateSyntheticTrace: seed=${seed} must be an integer`);

  // Independent streams, so that e.g. the duration draws do not move when the count model changes.
  const structureRng = new SeededRng(`aquatope-synthetic/${seed}/structure`);
  const idRng = new SeededRng(`aquatope-synthetic/${seed}/ids`);
  const countRng = new SeededRng(`aquatope-synthetic/${seed}/counts`);
  const profileRng = new SeededRng(`aquatope-synthetic/${seed}/profiles`);

  const apps = drawApps(n, structureRng, idRng);
  const triggers = drawTriggers(n, structureRng);
  const dailyRates = drawDailyRates(apps, triggers, structureRng);

  const series: FunctionSeries[] = [];
  const totals: number[] = [];
  const appTotals: number[] = [];
  let f = 0;
  for (const app of apps) {
    let appTotal = 0;
    for (let k = 0; k < app.functions; k++, f++) {
      const trigger = triggers[f];
      const counts = drawCounts(trigger, dailyRates[f], app.utcOffsetH, minutes, countRng);
      series.push({ id: hexId(idRng), owner: app.owner, app: app.id, trigger, counts });
      let total = 0;
      for (let t = 0; t < minutes; t++) total += counts[t];
      totals.push(total);
      appTotal += total;
    }
    appTotals.push(appTotal);
  }

  const durations = series.map((s, i) => drawDurationRow(s, totals[i], profileRng));
  const memory = apps.map((app, i) => drawMemoryRow(app, appTotals[i], profileRng));

  return {
    trace: { source: `synthetic(seed=${seed})`, firstMinuteLabel: 1, minutes, functions: series },
    durations,
    memory,
  };
}

/** An app of the synthetic trace. */
interface SyntheticApp {
  readonly owner: string;
  readonly id: string;
  /** Number of functions (consecutive in the trace). */
  readonly functions: number;
  /** UTC offset of its users, hours. */
  readonly utcOffsetH: number;
}

/**
 * Apps and owners. Functions per app from the paper (Fig. 1): 54% of apps have
 * one function, 95% at most 10, a few many more; we draw 1 with probability
 * 0.54, else 2 + floor(an exponential with mean 4) (so 95% at most 10),
 * capped at 50. Owners with several apps: an assumption (30% of apps reuse the
 * previous app's owner). Functions of an app are consecutive, as in the Azure
 * files, which are grouped by owner and app.
 */
function drawApps(n: number, rng: SeededRng, idRng: SeededRng): SyntheticApp[] {
  const apps: SyntheticApp[] = [];
  let assigned = 0;
  let owner = '';
  while (assigned < n) {
    let size = 1;
    if (rng.next() >= 0.54) size = Math.min(50, 2 + Math.floor(rng.exponential(4)));
    size = Math.min(size, n - assigned);
    if (owner === '' || rng.next() >= 0.3) owner = hexId(idRng);
    apps.push({ owner, id: hexId(idRng), functions: size, utcOffsetH: pickWeighted(UTC_OFFSETS_H, rng) });
    assigned += size;
  }
  return apps;
}

/** Triggers in exact proportions ({@link TRIGGER_SHARES}, largest remainder), shuffled over the functions. */
function drawTriggers(n: number, rng: SeededRng): string[] {
  const exact = TRIGGER_SHARES.map((t) => t.share * n);
  const counts = exact.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    counts[i]++;
    left--;
  }
  const out: string[] = [];
  TRIGGER_SHARES.forEach((t, i) => {
    for (let k = 0; k < counts[i]; k++) out.push(t.trigger);
  });
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}

/** Daily rate (invocations/day) at cumulative probability `u` of {@link DAILY_RATE_QUANTILES}. */
function dailyRateQuantile(u: number): number {
  const a = DAILY_RATE_QUANTILES;
  for (let i = 1; i < a.length; i++) {
    if (u <= a[i][0] || i === a.length - 1) {
      const t = (u - a[i - 1][0]) / (a[i][0] - a[i - 1][0]);
      return 10 ** (a[i - 1][1] + Math.min(1, Math.max(0, t)) * (a[i][1] - a[i - 1][1]));
    }
  }
  return 1;
}

/**
 * Daily rates (invocations/day) of the non-timer functions (timers get theirs
 * from the period). The paper states the rate facts per app, so rates are
 * drawn per app and split over its non-timer functions:
 * - one stratified draw per app that has a non-timer function (stratum k of M
 *   at u in [k/M, (k+1)/M) of {@link DAILY_RATE_QUANTILES}), so a trace
 *   always covers the whole range, from about 1/day to the top stratum, and
 *   its total varies little between seeds;
 * - the app rates are handed out in a weighted random order (Efraimidis-Spirakis
 *   keys u^(1/w), w = the largest {@link RATE_WEIGHT_BY_TRIGGER} among the
 *   app's non-timer functions): the highest key gets the highest rate;
 * - an app's rate is split over its non-timer functions unevenly: one
 *   dominant function (picked with probability proportional to its weight)
 *   carries 75..100% of it, the others share the rest in proportion to
 *   weight x exp(N(0,1)) (an assumption; it also keeps the busiest function
 *   of a trace near the top of the rate range).
 * @returns rate per function, invocations/day (NaN for timers)
 */
function drawDailyRates(apps: readonly SyntheticApp[], triggers: readonly string[], rng: SeededRng): number[] {
  const weightOf = (fn: number): number => RATE_WEIGHT_BY_TRIGGER[triggers[fn]] ?? 1;
  const rated: { first: number; size: number; key: number }[] = [];
  let first = 0;
  for (const app of apps) {
    let w = 0;
    for (let fn = first; fn < first + app.functions; fn++) if (triggers[fn] !== 'timer') w = Math.max(w, weightOf(fn));
    if (w > 0) rated.push({ first, size: app.functions, key: Math.pow(rng.next(), 1 / w) });
    first += app.functions;
  }
  const m = rated.length;
  const appRates: number[] = [];
  for (let k = 0; k < m; k++) appRates.push(dailyRateQuantile((k + rng.next()) / m));
  rated.sort((a, b) => b.key - a.key || a.first - b.first);
  const out = triggers.map(() => Number.NaN);
  rated.forEach((app, rank) => {
    const rate = appRates[m - 1 - rank];
    // The dominant function: picked with probability proportional to its weight.
    let totalWeight = 0;
    for (let fn = app.first; fn < app.first + app.size; fn++) if (triggers[fn] !== 'timer') totalWeight += weightOf(fn);
    let pick = rng.next() * totalWeight;
    let dominant = -1;
    for (let fn = app.first; fn < app.first + app.size && dominant < 0; fn++) {
      if (triggers[fn] === 'timer') continue;
      pick -= weightOf(fn);
      if (pick < 0) dominant = fn;
    }
    if (dominant < 0) dominant = lastNonTimer(triggers, app.first, app.size);
    const rest = 0.25 * rng.next();
    const shares: number[] = [];
    let sum = 0;
    for (let fn = app.first; fn < app.first + app.size; fn++) {
      const share = triggers[fn] === 'timer' || fn === dominant ? 0 : weightOf(fn) * Math.exp(rng.normal());
      shares.push(share);
      sum += share;
    }
    shares.forEach((share, k) => {
      const fn = app.first + k;
      if (fn === dominant) out[fn] = sum > 0 ? rate * (1 - rest) : rate;
      else if (triggers[fn] !== 'timer') out[fn] = (rate * rest * share) / sum;
    });
  });
  return out;
}

/** Index of the last non-timer function of an app (the app is known to have one). */
function lastNonTimer(triggers: readonly string[], first: number, size: number): number {
  for (let fn = first + size - 1; fn > first; fn--) if (triggers[fn] !== 'timer') return fn;
  return first;
}

/** Per-minute counts of one function, by trigger. */
function drawCounts(trigger: string, dailyRate: number, utcOffsetH: number, minutes: number, rng: SeededRng): Uint32Array {
  const counts = new Uint32Array(minutes);
  switch (trigger) {
    case 'timer':
      fillTimer(counts, rng);
      break;
    case 'queue':
      // Queue triggers drain batches of messages: many invocations in a few minutes, then quiet.
      fillBursty(counts, dailyRate, 20, 2000, 48, rng);
      break;
    case 'storage':
      // Blob/storage triggers fire on uploads, which come in smaller batches than queue messages (an assumption).
      fillBursty(counts, dailyRate, 5, 200, 96, rng);
      break;
    case 'http':
    case 'event':
      // User-facing: strong diurnal cycle (the paper, Fig. 4: platform load follows the day), amplitude 0.1..0.9.
      fillDiurnal(counts, dailyRate, 0.1 + 0.8 * rng.next(), utcOffsetH, rng);
      break;
    case 'orchestration':
      // Durable-function orchestrations follow whatever starts them: a weaker daily cycle (an assumption).
      fillDiurnal(counts, dailyRate, 0.5 * rng.next(), utcOffsetH, rng);
      break;
    default:
      // 'others': stationary Poisson arrivals.
      fillDiurnal(counts, dailyRate, 0, utcOffsetH, rng);
  }
  let total = 0;
  for (let t = 0; t < minutes; t++) total += counts[t];
  if (total === 0) counts[rng.int(minutes)] = 1;
  return counts;
}

/**
 * A timer: fires every `period` minutes (from {@link TIMER_PERIODS_MIN}) at a
 * fixed phase in [0, period), with the same count at every firing (1 with
 * probability 0.85, else 2 or 3: several timer functions of one schedule, an
 * assumption). No Poisson noise: a timer fires exactly on schedule.
 */
function fillTimer(counts: Uint32Array, rng: SeededRng): void {
  const period = pickWeighted(TIMER_PERIODS_MIN, rng);
  const phase = rng.int(period);
  const perFiring = rng.next() < 0.85 ? 1 : 2 + rng.int(2);
  for (let t = phase; t < counts.length; t += period) counts[t] = perFiring;
}

/**
 * Poisson counts around a daily cycle: rate(t) = R/1440 * (1 + A cos(2 pi (t - peak) / 1440)),
 * mean R/1440 per minute over a day, peak/trough ratio (1 + A)/(1 - A).
 * The peak is at a local time drawn in 10:00..16:00 (daytime, an assumption),
 * converted to UTC with the app's offset; minute 0 is 00:00 UTC.
 */
function fillDiurnal(counts: Uint32Array, dailyRate: number, amplitude: number, utcOffsetH: number, rng: SeededRng): void {
  const peakLocalMin = 600 + rng.next() * 360;
  const peakUtcMin = peakLocalMin - utcOffsetH * 60;
  const perMinute = dailyRate / DAY_MIN;
  const w = (2 * Math.PI) / DAY_MIN;
  for (let t = 0; t < counts.length; t++) {
    counts[t] = rng.poisson(perMinute * (1 + amplitude * Math.cos(w * (t - peakUtcMin))));
  }
}

/**
 * On/off bursts (the paper, Section 3.3: queue and storage triggers are the
 * least regular, arrivals in bursts). Each burst carries S invocations on
 * average, S log-uniform in [`minBurst`, `maxBurst`]; B = R/S bursts a day
 * (1..`maxBurstsPerDay`); a burst lasts 1 + Poisson(mean 2) minutes with
 * Poisson counts at an intensity that varies between bursts (lognormal,
 * sigma 0.5, mean 1); exponential quiet gaps keep the daily mean at R.
 */
function fillBursty(counts: Uint32Array, dailyRate: number, minBurst: number, maxBurst: number, maxBurstsPerDay: number, rng: SeededRng): void {
  const burstSize = minBurst * Math.pow(maxBurst / minBurst, rng.next());
  const burstsPerDay = Math.min(maxBurstsPerDay, Math.max(1, Math.round(dailyRate / burstSize)));
  const meanLength = 3;
  const meanGap = Math.max(1, DAY_MIN / burstsPerDay - meanLength);
  const perBurstMinute = dailyRate / (burstsPerDay * meanLength);
  // Start at a random point of a gap, so the first burst is not always at minute 0.
  let t = Math.floor(rng.next() * rng.exponential(meanGap));
  while (t < counts.length) {
    const length = 1 + rng.poisson(meanLength - 1);
    const intensity = perBurstMinute * Math.exp(0.5 * rng.normal() - 0.125);
    for (let k = 0; k < length && t < counts.length; k++, t++) counts[t] = rng.poisson(intensity);
    t += Math.round(rng.exponential(meanGap));
  }
}

/**
 * Duration percentiles of one function. Average duration from the paper
 * (Fig. 7 and Section 3.5): the per-function average execution time fits a
 * lognormal with log-mean -0.38 and sigma 2.36 (ln seconds), i.e. a median of
 * 0.68 s and about half the functions under 1 s on average (the sample: median
 * 0.70 s); we truncate it to 10 ms..60 s. Spread within a function, from the
 * sample: ln(p99/p50) has median 1.04 and 90th percentile 3.7, and the lower
 * side is narrower (ln(p50/p1) median 0.29); we use a split lognormal with an
 * upper log-sigma drawn lognormally around 0.45 (0.02..1.6) and a lower one
 * 0.2..0.8 times it. Percentiles are whole ms, as in the Azure files, so the
 * shortest functions can have 0-ms lower percentiles, as real rows do.
 */
function drawDurationRow(s: FunctionSeries, count: number, rng: SeededRng): DurationPercentiles {
  let lnAvgS = 0;
  do lnAvgS = -0.38 + 2.36 * rng.normal();
  while (lnAvgS < Math.log(0.01) || lnAvgS > Math.log(60));
  const sHigh = Math.min(1.6, Math.max(0.02, 0.45 * Math.exp(0.8 * rng.normal())));
  const sLow = sHigh * (0.2 + 0.6 * rng.next());
  // Shape with median 1, scaled so that its (piecewise-linear) mean is the drawn average.
  const shape = DURATION_Z.map((z) => Math.exp(z * (z < 0 ? sLow : sHigh)));
  const medianMs = (Math.exp(lnAvgS) * 1000) / piecewiseMean(DURATION_PERCENTILE_POINTS, shape);
  const percentilesMs = shape.map((x) => Math.round(medianMs * x));
  return {
    owner: s.owner,
    app: s.app,
    func: s.id,
    averageMs: Math.round(piecewiseMean(DURATION_PERCENTILE_POINTS, percentilesMs)),
    count,
    minimumMs: percentilesMs[0],
    maximumMs: percentilesMs[percentilesMs.length - 1],
    percentilesMs,
  };
}

/**
 * Memory percentiles of one app. Level from the paper (Fig. 8): the apps'
 * allocated memory fits a Burr XII distribution with c = 11.652, k = 0.221,
 * lambda = 107.083 MB (median 140 MB, 90% below 262 MB; the sample's p50
 * column: median 144 MB, 90% below 210 MB), truncated to 16..1536 MB (the
 * Azure limit). Spread over time, from the sample: ln(p100/p50) median 0.18,
 * ln(p50/p1) median 0.16; we use a lognormal with log-sigma drawn lognormally
 * around 0.07 (0.01..0.4), p100 at +3 sigma. Whole MB, as in the Azure files.
 * `sampleCount` is a stand-in: the app's invocations in the trace (at least 1).
 */
function drawMemoryRow(app: SyntheticApp, invocations: number, rng: SeededRng): MemoryPercentiles {
  let level = 0;
  do level = burrQuantile(rng.next(), 11.652, 0.221, 107.083);
  while (!(level >= 16 && level <= 1536));
  const sigma = Math.min(0.4, Math.max(0.01, 0.07 * Math.exp(0.7 * rng.normal())));
  const percentilesMB = MEMORY_Z.map((z) => Math.max(1, Math.round(level * Math.exp(z * sigma))));
  return {
    owner: app.owner,
    app: app.id,
    sampleCount: Math.max(1, invocations),
    averageMB: Math.round(level * Math.exp((sigma * sigma) / 2)),
    percentilesMB,
  };
}

/** Quantile of a Burr XII distribution: lambda * ((1 - u)^(-1/k) - 1)^(1/c). */
function burrQuantile(u: number, c: number, k: number, lambda: number): number {
  return lambda * Math.pow(Math.pow(1 - u, -1 / k) - 1, 1 / c);
}

/** Mean of a distribution whose quantile function is linear between (points[i] %, values[i]). */
function piecewiseMean(pointsPct: readonly number[], values: readonly number[]): number {
  let mean = 0;
  for (let i = 1; i < values.length; i++) mean += ((values[i] + values[i - 1]) / 2) * ((pointsPct[i] - pointsPct[i - 1]) / 100);
  return mean;
}

/** Pick a value from (value, probability) pairs. */
function pickWeighted(table: readonly (readonly [number, number])[], rng: SeededRng): number {
  let u = rng.next() * table.reduce((a, [, p]) => a + p, 0);
  for (const [value, p] of table) {
    u -= p;
    if (u < 0) return value;
  }
  return table[table.length - 1][0];
}

/** A 64-hex-digit id, like the Azure SHA-256 hashes. */
function hexId(rng: SeededRng): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += rng.nextUint32().toString(16).padStart(8, '0');
  return s;
}
