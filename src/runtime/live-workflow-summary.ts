/**
 * What a live run of one workflow measured, from its activation records: the
 * entry action's (`<workflow>/invoke`, the composition: its duration is the
 * end-to-end latency) and its stage actions' (run time at the limits the
 * record's `limits` annotation gives: the cost). Pure.
 *
 * - `invocations`: entry activations that ended; `failed`: those that did not
 *   succeed (a failed one counts as over the target);
 * - `latencyPercentileMs`: the QoS percentile of the end-to-end latencies
 *   (failed ones as +Infinity, so it is Infinity when more than 100 - p
 *   percent failed);
 * - `costPerInvocation`: the stages' {@link stageCost} summed over every stage
 *   activation of the run, divided by the invocations (warm-ups excluded: a
 *   warm-up is idle memory, reported by the invoker's accounting);
 * - `coldStarts`: stage and entry activations with an init time.
 */
import type { ActivationInfo } from '../platform/platform-records';
import { isWarmupReply } from '../platform/managed-action';
import { latencyPercentile } from '../workflow/latency-percentile';
import { stageCost } from '../workflow/invoke-workflow';
import type { Prices, QosTarget } from '../workflow/workflow-types';

/** One workflow's live run. */
export interface LiveWorkflowSummary {
  readonly workflow: string;
  readonly qos: QosTarget;
  readonly invocations: number;
  readonly failed: number;
  /** Share over the target (failed ones included). */
  readonly overTargetRate: number;
  /** ms; Infinity when too many failed; 0 without invocations. */
  readonly latencyPercentileMs: number;
  /** Median end-to-end latency of the successful ones, ms. */
  readonly medianMs: number;
  /** $ per invocation. */
  readonly costPerInvocation: number;
  /** Stage activations that ran (warm-ups excluded), and of them cold starts. */
  readonly stageRuns: number;
  readonly coldStarts: number;
  /** Stage activations that failed out of memory. */
  readonly outOfMemory: number;
}

/** The `limits` annotation of a record: memory MB and, with the CPU-limit extension, cores. */
export function recordLimits(a: ActivationInfo): { memoryMB: number; cpu?: number } | undefined {
  const limits = a.annotations.find((k) => k.key === 'limits')?.value;
  if (typeof limits !== 'object' || limits === null || !('memory' in limits) || typeof limits.memory !== 'number') return undefined;
  const cpu = 'cpu' in limits && typeof limits.cpu === 'number' ? limits.cpu : undefined;
  return cpu === undefined ? { memoryMB: limits.memory } : { memoryMB: limits.memory, cpu };
}

function isWarmup(a: ActivationInfo): boolean {
  return isWarmupReply(a.response?.result);
}

function errorText(a: ActivationInfo): string {
  const r = a.response?.result;
  if (typeof r === 'object' && r !== null && 'error' in r) return typeof r.error === 'string' ? r.error : JSON.stringify(r.error) ?? '';
  return '';
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Summarises one workflow's run.
 * @param cpuOfMemory the CPU of a record without `limits.cpu`, cores (the invoker's rule)
 */
export function summariseLiveWorkflow(
  workflow: string,
  qos: QosTarget,
  prices: Prices,
  entry: readonly ActivationInfo[],
  stages: readonly ActivationInfo[],
  cpuOfMemory: (memoryMB: number) => number,
): LiveWorkflowSummary {
  const ended = entry.filter((a) => a.duration !== undefined && !isWarmup(a));
  const latencies = ended.map((a) => (a.response?.success === true ? a.duration ?? 0 : Number.POSITIVE_INFINITY));
  const failed = latencies.filter((x) => x === Number.POSITIVE_INFINITY).length;
  const ok = latencies.filter((x) => Number.isFinite(x));
  let cost = 0;
  let stageRuns = 0;
  let coldStarts = ended.filter((a) => a.initTimeMs !== undefined).length;
  let outOfMemory = 0;
  for (const a of stages) {
    if (a.duration === undefined || isWarmup(a)) continue;
    stageRuns++;
    if (a.initTimeMs !== undefined) coldStarts++;
    if (a.response?.success !== true && /memory/i.test(errorText(a))) outOfMemory++;
    const limits = recordLimits(a);
    if (limits === undefined) continue;
    cost += stageCost({ memoryMB: limits.memoryMB, cpu: limits.cpu ?? cpuOfMemory(limits.memoryMB) }, a.duration, prices);
  }
  const n = ended.length;
  return {
    workflow,
    qos,
    invocations: n,
    failed,
    overTargetRate: n === 0 ? 0 : latencies.filter((x) => x > qos.targetMs).length / n,
    latencyPercentileMs: n === 0 ? 0 : latencyPercentile(latencies, qos.percentile),
    medianMs: median(ok),
    costPerInvocation: n === 0 ? 0 : cost / n,
    stageRuns,
    coldStarts,
    outOfMemory,
  };
}
