/**
 * One `collector` tick: the first step of the one-minute scheduler chain
 * (collector -> forecaster -> pool-sizer), with every effect behind
 * {@link CollectorPorts}.
 *
 * 1. Claim the tick `collector` at the alarm's fire time: a repeated alarm
 *    finds it done or held and does nothing (`skipped`).
 * 2. Find the minutes to write. The cursor is the minute after the latest
 *    stored series minute before the fire time's minute; the tick writes every
 *    complete minute from the cursor up to the fire time's minute (exclusive),
 *    and computes again the `lookbackMinutes` before the cursor (OpenWhisk
 *    lists an activation only once it has ended, so one still running at the
 *    last fire time is counted now). With nothing stored yet it writes the
 *    `firstMinutes` before the fire time's minute; after an outage at most the
 *    last `maxMinutes` (older missing minutes stay unrecorded: unknown, not zero).
 * 3. List, through the platform port, every activation that started from one
 *    minute before the first minute written up to the fire time (that extra
 *    minute gives the concurrency of activations running into the first
 *    minute), and leave out the manager's own package's actions, warm-up
 *    invocations (`{ warmed: true }`), trigger and rule activations (no `kind`
 *    annotation) and activations that have not ended. Sequences are no
 *    function (they hold no container) but may be a workflow's top level.
 * 4. Per function and minute ({@link functionMinutes}): invocations (started
 *    in the minute), cold starts (of those, the ones with an `initTime`
 *    annotation), peak and mean concurrency (over [start, end) of every
 *    activation overlapping the minute, an activation lasting at least 1 ms),
 *    mean duration (end - start of those started in it) and the memory limit
 *    of the latest one. Per workflow and minute: its top-level activations
 *    that ended in the minute, their failures and the latencies (end - start)
 *    of the successful ones, in end order. A minute without any activation is
 *    still written, with no function, so the forecaster sees zeros.
 * 5. STORE every minute, oldest first, before answering: the entries replace
 *    the stored ones of the same function or workflow (a 409 is re-read and
 *    re-applied) and the same entries again change nothing, so a re-run writes
 *    nothing twice.
 * 6. Complete the tick with a compact summary.
 */
import { peakOverlap } from '../core/peak-overlap';
import type { FunctionMinute, WorkflowMinute } from '../store/series-repository';
import { epochMsOf } from '../store/time-keys';
import type { CollectedActivation, CollectorPorts } from './collector-ports';
import { guarded } from './scheduler-error';
import { claimTick, completeTick, fireMinuteOf, isoMinute, MINUTE_MS } from './tick';

/** The tick kind of the collector's alarm. */
export const COLLECTOR_TICK_KIND = 'collector';

/** How far before the first minute written the listing starts, ms (one minute: activations running into it). */
export const COLLECTOR_OVERLAP_MS = MINUTE_MS;

/** What one tick is asked to do. */
export interface CollectorInput {
  /** The alarm's scheduled fire time, ISO 8601 with a zone. */
  readonly fireTime: string;
  /** Who claims the tick (e.g. the activation id). */
  readonly claimant: string;
  /** Workflow name -> fully qualified name (`/namespace/[package/]name`) of its top-level action (composition or sequence). Default none. */
  readonly workflows?: Readonly<Record<string, string>>;
}

/** Settings of a tick (see `loadConfig`). */
export interface CollectorOptions {
  /** Tick lease, ms (a positive integer). */
  readonly leaseMs: number;
  /** The manager's own package, left out. */
  readonly managerPackage: string;
  /** Minutes the first tick writes, an integer >= 1. */
  readonly firstMinutes: number;
  /** Collected minutes computed again, an integer >= 0. */
  readonly lookbackMinutes: number;
  /** Most minutes one tick writes, an integer >= 1. */
  readonly maxMinutes: number;
}

/** One minute the tick wrote (or found as it would write it). */
export interface CollectedMinute {
  /** Start of the minute, canonical ISO UTC. */
  readonly minute: string;
  /** Functions with an entry. */
  readonly functions: number;
  /** Invocations of every function. */
  readonly invocations: number;
  /** Cold starts of every function. */
  readonly coldStarts: number;
  /** Workflow invocations that ended in the minute, every workflow. */
  readonly workflowInvocations: number;
  /** `written` (new or changed), `unchanged` (already stored as computed). */
  readonly outcome: 'written' | 'unchanged';
}

/** Activations listed and what became of them. */
export interface ActivationTally {
  /** Listed by the platform in the window. */
  readonly listed: number;
  /** Counted for a function or a workflow. */
  readonly counted: number;
  /** Of the manager's own package. */
  readonly manager: number;
  /** Warm-up invocations. */
  readonly warmups: number;
  /** Trigger and rule activations (no `kind` annotation). */
  readonly triggers: number;
  /** Not ended yet. */
  readonly unfinished: number;
}

/** A tick that did nothing: the tick was done (`already-done`) or someone holds it (`in-progress`). */
export interface CollectorSkipped {
  readonly fireTime: string;
  readonly skipped: 'already-done' | 'in-progress';
}

/** A tick that collected. */
export interface CollectorActed {
  readonly fireTime: string;
  /** The minutes written, [from, to), canonical ISO UTC; from = to when there was nothing to write. */
  readonly range: { readonly from: string; readonly to: string };
  /** How the first minute was chosen: after the latest stored minute (`cursor`), or the first tick's `firstMinutes` (`first-tick`). */
  readonly start: 'cursor' | 'first-tick';
  /** Stored minutes before the range that were missing and left unrecorded (an outage longer than maxMinutes). */
  readonly missedMinutes: number;
  readonly minutes: readonly CollectedMinute[];
  readonly activations: ActivationTally;
  /** `lost`: the claim expired and someone else took the tick before completion. */
  readonly tick: 'completed' | 'lost';
}

/** The outcome of {@link runCollector}. */
export type CollectorSummary = CollectorSkipped | CollectorActed;

/** The activations of one function or workflow, oldest first. */
interface Interval {
  readonly startMs: number;
  /** At least startMs + 1. */
  readonly endMs: number;
  readonly durationMs: number;
  readonly coldStart: boolean;
  readonly success: boolean;
  readonly memoryMB: number | undefined;
  readonly id: string;
}

/**
 * Runs one tick.
 * @throws SchedulerError for every failure
 */
export async function runCollector(input: CollectorInput, ports: CollectorPorts, options: CollectorOptions): Promise<CollectorSummary> {
  const { store, platform, wallClock } = ports;
  const fire = fireMinuteOf(input.fireTime);
  const claim = await claimTick(store.ticks, COLLECTOR_TICK_KIND, fire.fireTime, wallClock, options.leaseMs, input.claimant);
  if (!claim.claimed) return { fireTime: fire.fireTime, skipped: claim.skipped };

  const endMs = fire.minuteMs;
  const latest = await guarded('read the latest series minute', () => store.series.latestMinuteAtOrBefore(isoMinute(endMs - MINUTE_MS)));
  const start: 'cursor' | 'first-tick' = latest === undefined ? 'first-tick' : 'cursor';
  const cursorMs = latest === undefined ? endMs - options.firstMinutes * MINUTE_MS : epochMsOf(latest) + MINUTE_MS;
  const wantedMs = latest === undefined ? cursorMs : cursorMs - options.lookbackMinutes * MINUTE_MS;
  const fromMs = Math.min(endMs, Math.max(wantedMs, endMs - options.maxMinutes * MINUTE_MS));
  const missedMinutes = Math.max(0, Math.min(endMs, fromMs) - cursorMs) / MINUTE_MS;

  const tally = { listed: 0, counted: 0, manager: 0, warmups: 0, triggers: 0, unfinished: 0 };
  const minutes: CollectedMinute[] = [];
  if (fromMs < endMs) {
    const listed = await guarded('list the activations', () => platform.activations({ sinceMs: fromMs - COLLECTOR_OVERLAP_MS, uptoMs: fire.fireMs }));
    const { functions, workflows } = sortActivations(listed, input.workflows ?? {}, options.managerPackage, tally);
    for (let m = fromMs; m < endMs; m += MINUTE_MS) {
      const fnEntries = functionMinutes(functions, m);
      const wfEntries = workflowMinutes(workflows, m);
      const minute = isoMinute(m);
      const result = await guarded(`store the series minute ${minute}`, () => store.series.recordMinute(minute, { functions: fnEntries, workflows: wfEntries }));
      minutes.push({
        minute,
        functions: fnEntries.length,
        invocations: fnEntries.reduce((n, f) => n + f.invocations, 0),
        coldStarts: fnEntries.reduce((n, f) => n + f.coldStarts, 0),
        workflowInvocations: wfEntries.reduce((n, w) => n + w.invocations, 0),
        outcome: result.outcome === 'written' ? 'written' : 'unchanged',
      });
    }
  }
  const range = { from: isoMinute(fromMs), to: isoMinute(endMs) };
  const written = minutes.filter((m) => m.outcome === 'written').length;
  const tick = await completeTick(store.ticks, claim.tick, wallClock, JSON.stringify({ from: range.from, to: range.to, written, activations: tally.counted }));
  return { fireTime: fire.fireTime, range, start, missedMinutes, minutes, activations: tally, tick };
}

/** The package of a fully qualified name `/ns/pkg/name`; undefined without one. */
function packageOf(action: string): string | undefined {
  const parts = action.split('/').filter((p) => p !== '');
  return parts.length === 3 ? parts[1] : undefined;
}

/** `/ns/[pkg/]name` with one leading slash and none trailing. */
function normaliseName(name: string): string {
  return `/${name.split('/').filter((p) => p !== '').join('/')}`;
}

function byStart(a: Interval, b: Interval): number {
  return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Groups the activations by function and by workflow, tallying what is left out. */
function sortActivations(
  listed: readonly CollectedActivation[],
  workflows: Readonly<Record<string, string>>,
  managerPackage: string,
  tally: { listed: number; counted: number; manager: number; warmups: number; triggers: number; unfinished: number },
): { functions: Map<string, Interval[]>; workflows: Map<string, Interval[]> } {
  const workflowOf = new Map<string, string[]>();
  for (const [workflow, action] of Object.entries(workflows)) {
    const key = normaliseName(action);
    workflowOf.set(key, [...(workflowOf.get(key) ?? []), workflow]);
  }
  const functions = new Map<string, Interval[]>();
  const perWorkflow = new Map<string, Interval[]>(Object.keys(workflows).map((w) => [w, []]));
  const seen = new Set<string>();
  for (const a of listed) {
    if (seen.has(a.activationId)) continue;
    seen.add(a.activationId);
    tally.listed++;
    const action = normaliseName(a.action);
    if (packageOf(action) === managerPackage) {
      tally.manager++;
      continue;
    }
    if (a.warmup) {
      tally.warmups++;
      continue;
    }
    if (a.kind === undefined) {
      tally.triggers++;
      continue;
    }
    if (a.endMs === undefined || !(a.endMs >= a.startMs)) {
      tally.unfinished++;
      continue;
    }
    tally.counted++;
    const interval: Interval = {
      startMs: a.startMs,
      endMs: Math.max(a.endMs, a.startMs + 1),
      durationMs: a.endMs - a.startMs,
      coldStart: a.coldStart,
      success: a.success,
      memoryMB: a.memoryMB,
      id: a.activationId,
    };
    for (const workflow of workflowOf.get(action) ?? []) perWorkflow.get(workflow)?.push(interval);
    if (a.kind === 'sequence') continue;
    const list = functions.get(action);
    if (list === undefined) functions.set(action, [interval]);
    else list.push(interval);
  }
  for (const list of functions.values()) list.sort(byStart);
  for (const list of perWorkflow.values()) list.sort((a, b) => a.endMs - b.endMs || byStart(a, b));
  return { functions, workflows: perWorkflow };
}

/**
 * Every function's entry for the minute starting at `minuteMs` (epoch ms),
 * sorted by name: functions with an activation started in it or running
 * through it.
 */
function functionMinutes(functions: ReadonlyMap<string, readonly Interval[]>, minuteMs: number): FunctionMinute[] {
  const endMs = minuteMs + MINUTE_MS;
  const out: FunctionMinute[] = [];
  for (const name of [...functions.keys()].sort()) {
    const list = functions.get(name) ?? [];
    let invocations = 0;
    let coldStarts = 0;
    let durationSum = 0;
    let busyMs = 0;
    let memoryMB: number | undefined;
    const busy: [number, number][] = [];
    for (const a of list) {
      if (a.startMs >= endMs || a.endMs <= minuteMs) continue;
      if (a.startMs >= minuteMs) {
        invocations++;
        durationSum += a.durationMs;
        if (a.coldStart) coldStarts++;
      }
      if (a.memoryMB !== undefined) memoryMB = a.memoryMB;
      const s = Math.max(a.startMs, minuteMs);
      const e = Math.min(a.endMs, endMs);
      busyMs += e - s;
      busy.push([s, e]);
    }
    if (busy.length === 0) continue;
    // Back-to-back runs are not concurrent.
    const peak = peakOverlap(busy);
    out.push({
      function: name,
      invocations,
      coldStarts,
      peakConcurrency: peak,
      meanConcurrency: busyMs / MINUTE_MS,
      meanDurationMs: invocations === 0 ? null : durationSum / invocations,
      ...(memoryMB === undefined ? {} : { memoryMB }),
    });
  }
  return out;
}

/** Every workflow's entry for the minute starting at `minuteMs`: its top-level activations that ended in it. */
function workflowMinutes(workflows: ReadonlyMap<string, readonly Interval[]>, minuteMs: number): WorkflowMinute[] {
  const endMs = minuteMs + MINUTE_MS;
  const out: WorkflowMinute[] = [];
  for (const name of [...workflows.keys()].sort()) {
    let invocations = 0;
    let failures = 0;
    const latenciesMs: number[] = [];
    for (const a of workflows.get(name) ?? []) {
      const end = a.startMs + a.durationMs;
      if (end < minuteMs || end >= endMs) continue;
      invocations++;
      if (a.success) latenciesMs.push(a.durationMs);
      else failures++;
    }
    out.push({ workflow: name, invocations, failures, latenciesMs });
  }
  return out;
}
