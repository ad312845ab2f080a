/**
 * Ours composes the stage models into the workflow's posterior: for a
 * configuration (one stage configuration each), the end-to-end latency
 * percentile and the cost per invocation, each as a mean and a standard
 * deviation, and the probability that it meets the target.
 *
 * - Percentile: Monte Carlo over `samples` fixed standard normals per stage
 *   (common random numbers, so candidates compare without sampling noise):
 *   run k of stage i is exp(mu_i + sd_i z_ik), composed along the DAG, plus
 *   the overhead; the percentile of those is the mean. Its sd combines, as
 *   independent, each stage's share: how far the percentile moves when that
 *   stage's latent log run time alone is one posterior sd up (the stages'
 *   GPs are separate, so their errors are independent).
 * - Cost: sum over stages of price rate x E[run time], with E[run] =
 *   exp(mu + (sd^2 + v) / 2) for log-run-time mean mu, run-to-run sd and
 *   latent posterior variance v; its sd from the lognormal variance of the
 *   latent term, stages independent.
 * - Probability of feasibility: Phi((target - percentile mean) / sd) times
 *   each stage's probability of not running out of memory, the target
 *   optionally less a margin for model error.
 */
import { normalCdf } from '../core/normal';
import { SeededRng } from '../core/rng';
import { standardNormal } from '../core/standard-normal';
import { buildStageGraph, type StageGraph } from '../workflow/dag';
import type { StageConfig, Workflow } from '../workflow/workflow-types';
import { PercentileScratch, samplePercentile } from './sample-percentile';
import { CPU_BOUND_EXPONENT, fitsInMemory, type StageLatencyModel } from './stage-latency-model';

/** The posterior of one workflow configuration. */
export interface ConfigPrediction {
  readonly costMean: number;
  readonly costSd: number;
  readonly percentileMean: number;
  readonly percentileSd: number;
  /** Probability that the percentile meets the target and no stage runs out of memory. */
  readonly feasibility: number;
}

/** Latent log run time posterior and memory fit of every allowed configuration of one stage. */
interface StageTable {
  readonly configs: readonly StageConfig[];
  readonly mu: Float64Array;
  readonly sd: Float64Array;
  readonly fits: Float64Array;
  /** Price per second of running the configuration. */
  readonly rate: Float64Array;
  /** exp(logSd z_k), the run-to-run factors. */
  readonly noise: Float64Array;
  readonly logSd: number;
}

/** Seed of the common standard normals. */
const CRN_SEED = 0x5eed;

/** Predicts every configuration built from the stages' allowed configurations. */
export class WorkflowPredictor {
  readonly tables: readonly StageTable[];
  private readonly graph: StageGraph;
  /** The latency feasibility is judged against, ms. */
  readonly targetMs: number;
  private readonly scratch: PercentileScratch;
  private readonly mid: Float64Array[];
  private readonly hi: Float64Array[];
  /** The per-stage sample arrays of one sensitivity evaluation (mid, one stage swapped for hi). */
  private readonly shifted: Float64Array[];

  /**
   * @param stageConfigs every allowed configuration of each stage
   * @param encode maps stage `i`'s configuration to its unit square
   * @param lowestMB per stage, the memory below which the floor is not looked for
   * @param targetMargin share of the target kept as an allowance for model error: feasibility is judged against target x (1 - margin). Default 0.
   */
  constructor(
    private readonly workflow: Workflow,
    models: readonly StageLatencyModel[],
    stageConfigs: readonly (readonly StageConfig[])[],
    encode: (stage: number, c: StageConfig) => number[],
    lowestMB: readonly number[],
    samples: number,
    targetMargin = 0,
  ) {
    if (!(targetMargin >= 0 && targetMargin < 1)) throw new RangeError(`target margin must be in [0, 1), got ${targetMargin}`);
    this.targetMs = workflow.qos.targetMs * (1 - targetMargin);
    this.graph = buildStageGraph(workflow.stages);
    const rng = new SeededRng(CRN_SEED);
    const z = workflow.stages.map(() => Float64Array.from({ length: samples }, () => standardNormal(rng)));
    const fallback = Math.log(workflow.qos.targetMs);
    this.tables = models.map((model, i) => {
      const configs = stageConfigs[i];
      const mu = new Float64Array(configs.length);
      const sd = new Float64Array(configs.length);
      if (model.gp === undefined) {
        mu.fill(fallback);
        sd.fill(2);
      } else {
        const post = model.gp.posterior(configs.map((c) => encode(i, c)));
        // The GP models log(run time x cpu): the run time's log is its mean minus log cpu.
        post.mean.forEach((m, j) => {
          mu[j] = m - CPU_BOUND_EXPONENT * Math.log(configs[j].cpu);
          sd[j] = Math.sqrt(Math.max(0, post.variance[j]));
        });
      }
      return {
        configs,
        mu,
        sd,
        fits: Float64Array.from(configs, (c) => fitsInMemory(model, c.memoryMB, lowestMB[i])),
        rate: Float64Array.from(configs, (c) => c.cpu * workflow.prices.cpuCoreSecond + (c.memoryMB / 1024) * workflow.prices.gbSecond),
        noise: Float64Array.from(z[i], (v) => Math.exp(model.logSd * v)),
        logSd: model.logSd,
      };
    });
    this.scratch = new PercentileScratch(samples, workflow.stages.length);
    const buffers = (): Float64Array[] => workflow.stages.map(() => new Float64Array(samples));
    this.mid = buffers();
    this.hi = buffers();
    this.shifted = this.mid.slice();
  }

  /** The cost moments alone (cheap: no Monte Carlo), as in {@link predict}. */
  cost(choice: readonly number[]): { costMean: number; costSd: number } {
    let costMean = 0;
    let costVar = 0;
    const tables = this.tables;
    for (let i = 0; i < tables.length; i++) {
      const t = tables[i];
      const j = choice[i];
      const s = t.sd[j];
      const base = (t.rate[j] * Math.exp(t.mu[j] + (t.logSd * t.logSd) / 2)) / 1000;
      const v2 = s * s;
      costMean += base * Math.exp(v2 / 2);
      costVar += base * base * Math.exp(v2) * (Math.exp(v2) - 1);
    }
    return { costMean, costSd: Math.sqrt(costVar) };
  }

  /**
   * The prediction for the configuration choosing `choice[i]` (index into
   * stage i's configurations). With `screen`, a configuration whose mean
   * percentile misses the target (feasibility below 0.5) is returned at once
   * with feasibility 0 and NaN spreads: what a search with a safe set needs.
   */
  predict(choice: readonly number[], screen = false): ConfigPrediction {
    const { percentile } = this.workflow.qos;
    const targetMs = this.targetMs;
    const { costMean, costSd } = this.cost(choice);
    let fits = 1;
    const tables = this.tables;
    for (let i = 0; i < tables.length; i++) {
      const t = tables[i];
      const j = choice[i];
      const median = Math.exp(t.mu[j]);
      const noise = t.noise;
      const mid = this.mid[i];
      for (let k = 0; k < noise.length; k++) mid[k] = median * noise[k];
      fits *= t.fits[j];
    }
    const overhead = this.workflow.overheadMs;
    const pMid = samplePercentile(this.graph, this.mid, overhead, percentile, this.scratch);
    if (screen && !(pMid <= targetMs)) return { costMean, costSd, percentileMean: pMid, percentileSd: Number.NaN, feasibility: 0 };
    // One stage at a time one posterior sd up: the percentile's sensitivity to that stage's uncertainty.
    let variance = 0;
    const shifted = this.shifted;
    for (let i = 0; i < tables.length; i++) shifted[i] = this.mid[i];
    for (let i = 0; i < tables.length; i++) {
      const s = tables[i].sd[choice[i]];
      if (s === 0) continue;
      const up = Math.exp(s);
      const mid = this.mid[i];
      const hi = this.hi[i];
      for (let k = 0; k < mid.length; k++) hi[k] = mid[k] * up;
      shifted[i] = hi;
      const d = samplePercentile(this.graph, shifted, overhead, percentile, this.scratch) - pMid;
      shifted[i] = mid;
      variance += d * d;
    }
    const percentileSd = Math.max(Math.sqrt(variance), 1e-9 * pMid);
    const latencyOk = normalCdf((targetMs - pMid) / percentileSd);
    return { costMean, costSd, percentileMean: pMid, percentileSd, feasibility: latencyOk * fits };
  }
}
