/**
 * The live loop (`npm start -- --live`): the same load run twice against the
 * live runtime, first with the manager (its alarms tune the workflows' real
 * limits and prewarm real processes), then as stock OpenWhisk with maximum
 * resources (no alarms: every stage stays at the largest configuration, and
 * processes are kept only by the stock keep-alive), each on a fresh runtime
 * (new databases, new processes), and the two reports side by side.
 */
import { COLD_START_CAUSES } from '../local-openwhisk/child-process-invoker';
import type { RuntimeAccess } from './local-runtime';
import { LiveRuntime, type LiveRunReport, type LiveRuntimeOptions } from './live-runtime';
import type { LiveWorkflowSummary } from './live-workflow-summary';

/** What the load generator reported for one run. */
export interface LoadOutcome {
  readonly requests: number;
  readonly failures: number;
  /** Where its statistics are (Locust's CSV files). */
  readonly statsPath?: string;
}

/** Options of {@link runLiveSession}. */
export interface LiveSessionOptions {
  /** The runtime's options without `managed` (set per run). */
  readonly runtime: Omit<LiveRuntimeOptions, 'managed'>;
  /** Runs the load against a running runtime and resolves when it has ended. */
  readonly runLoad: (access: RuntimeAccess, run: 'managed' | 'baseline') => Promise<LoadOutcome>;
  /** Also run the baseline (default true). */
  readonly compare?: boolean;
}

/** One run of the session. */
export interface LiveSessionRun {
  readonly report: LiveRunReport;
  readonly load: LoadOutcome;
}

/** Both runs. */
export interface LiveSessionReport {
  readonly managed: LiveSessionRun;
  readonly baseline: LiveSessionRun | null;
  readonly wallSeconds: number;
}

async function oneRun(options: LiveSessionOptions, managed: boolean): Promise<LiveSessionRun> {
  const runtime = new LiveRuntime({ ...options.runtime, managed });
  try {
    const access = await runtime.start();
    runtime.startAlarms();
    const load = await options.runLoad(access, managed ? 'managed' : 'baseline');
    await runtime.stopAlarms();
    return { report: await runtime.report(), load };
  } finally {
    await runtime.stop();
  }
}

/** Runs the managed run, then (unless `compare` is false) the baseline, and reports both. */
export async function runLiveSession(options: LiveSessionOptions): Promise<LiveSessionReport> {
  const started = Date.now();
  const managed = await oneRun(options, true);
  const baseline = options.compare === false ? null : await oneRun(options, false);
  return { managed, baseline, wallSeconds: (Date.now() - started) / 1000 };
}

function ms(x: number): string {
  return Number.isFinite(x) ? `${Math.round(x)} ms` : 'inf';
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function workflowRow(label: string, w: LiveWorkflowSummary): string {
  return `| ${w.workflow} | ${label} | ${w.invocations} | ${w.failed} | ${ms(w.medianMs)} | ${ms(w.latencyPercentileMs)} / ${w.qos.targetMs} ms | ${pct(w.overTargetRate)} | ${(w.costPerInvocation * 1e6).toFixed(2)} | ${w.coldStarts} | ${w.outOfMemory} |`;
}

/** The session as markdown: per workflow, the managed and the baseline run side by side, then the processes. */
export function liveSessionMarkdown(r: LiveSessionReport): string {
  const unlimited = !r.managed.report.limitsEnforced || (r.baseline !== null && !r.baseline.report.limitsEnforced);
  const lines: string[] = [];
  lines.push(`# Live run${unlimited ? ' (UNLIMITED: cgroups were not writable, processes ran without CPU and memory limits)' : ''}`);
  lines.push('');
  lines.push('| workflow | run | invocations | failed | median | p-latency / target | over target | cost per invocation (micro-$) | cold starts | out of memory |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const w of r.managed.report.workflows) {
    lines.push(workflowRow('aquatope', w));
    const b = r.baseline?.report.workflows.find((x) => x.workflow === w.workflow);
    if (b !== undefined) lines.push(workflowRow('openwhisk-default + max-resources', b));
  }
  lines.push('');
  lines.push('| run | load requests | load failures | cold starts | warm starts | prewarmed starts | idle memory (GB-s) | OOM kills | scheduler ticks (failed) | bo-step ticks (failed) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const runRow = (label: string, run: LiveSessionRun): string => {
    const p = run.report.processes;
    return `| ${label} | ${run.load.requests} | ${run.load.failures} | ${p.coldStarts} | ${p.warmStarts} | ${p.prewarmedStarts} | ${p.idleMemoryGBs.toFixed(1)} | ${p.outOfMemoryKills} | ${run.report.schedulerTicks} (${run.report.failedSchedulerTicks}) | ${run.report.boStepTicks} (${run.report.failedBoStepTicks}) |`;
  };
  lines.push(runRow('aquatope', r.managed));
  if (r.baseline !== null) lines.push(runRow('openwhisk-default + max-resources', r.baseline));
  lines.push('');
  lines.push('Why each process was started (`first`: the action\'s first; `changed`: its limits or code changed since its last process; `busy`: all its processes were busy; `expired`, `evicted`, `failed`: its last process was removed after its keep-alive, to make room, or after a failure):');
  lines.push('');
  lines.push(`| run | processes started | by a warm-up | ${COLD_START_CAUSES.join(' | ')} |`);
  lines.push(`|---|---:|---:|${COLD_START_CAUSES.map(() => '---:').join('|')}|`);
  const causeRow = (label: string, run: LiveSessionRun): string => {
    const p = run.report.processes;
    return `| ${label} | ${p.coldStarts} | ${p.warmupColdStarts} | ${COLD_START_CAUSES.map((c) => p.coldStartCauses[c]).join(' | ')} |`;
  };
  lines.push(causeRow('aquatope', r.managed));
  if (r.baseline !== null) lines.push(causeRow('openwhisk-default + max-resources', r.baseline));
  lines.push('');
  lines.push('Limits at the end of the managed run:');
  lines.push('');
  for (const [wf, stages] of Object.entries(r.managed.report.finalLimits)) {
    const search = r.managed.report.search[wf];
    const last = search === undefined || search.lastDecision === null ? '' : `; last decision: ${search.lastDecision}`;
    const tuned = search === undefined ? '' : ` (${search.observations} probe windows observed, search ${search.phase ?? 'not started'}${last})`;
    lines.push(`- ${wf}${tuned}: ${Object.entries(stages).map(([s, c]) => `${s} ${c.memoryMB} MB / ${Number(c.cpu.toFixed(2))} cores`).join(', ')}`);
  }
  if (r.managed.report.firstFailure !== null) lines.push(`\nFirst failed tick: ${r.managed.report.firstFailure}`);
  lines.push(`\nWall time: ${r.wallSeconds.toFixed(0)} s.`);
  return `${lines.join('\n')}\n`;
}
