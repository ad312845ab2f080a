/**
 * One `bo-step` tick for one workflow: the resource manager's step, with every
 * effect behind {@link BoStepPorts}.
 *
 * 1. Read the workflow's stored configuration and map it with the definition
 *    ({@link buildManagedWorkflow}).
 * 2. Claim the tick `bo-step-<workflow>` at the trigger's fire time: a repeated
 *    alarm finds it done (`skipped: 'already-done'`) or held under a live lease
 *    (`skipped: 'in-progress'`) and does nothing. A tick whose search state was
 *    already written by this fire time (a re-claim after a crash between that
 *    write and completing the tick) or a later one only completes the tick.
 * 3. If a probe is pending, collect its window: each stage action's
 *    activations that started after the probe's limits were applied (or after
 *    the end of the last window already stored for it) and at or before the
 *    fire time, assembled into invocations ({@link assembleProbeWindow}), and
 *    STORE the observation first (append-only, id from the fire time, so a
 *    re-run stores nothing twice; if a different one is stored under that id,
 *    the stored one is kept). A window with no invocation stores nothing and
 *    waits for the next tick.
 * 4. Rebuild the history from every stored observation of the workflow and
 *    ask the method, with a context Rng seeded by the workflow, the method and
 *    the step number (the history's length): the same history gives the same
 *    step.
 * 5. A probe: set every stage action's limits (memory always; CPU only with
 *    the CPU-limit extension, otherwise CPU follows memory; an action that
 *    already has them is left alone, so its warm processes stay), record each change,
 *    then write the search state (pending probe, incumbent) with its `_rev`,
 *    re-reading on a 409. Done: apply the method's recommendation the same way,
 *    store it as the workflow's configuration (`source: 'search'`) and mark the
 *    search converged (stopped when there is nothing to recommend).
 * 6. Warm handover: each stage action whose limits changed gets warm-up
 *    invocations (as many as its most concurrent runs in the window just
 *    collected, at most `handoverMaxContainers`), so the traffic of the new
 *    probe finds processes at the new limits instead of starting them cold
 *    (OpenWhisk never reuses a container across an action's revisions).
 *    Failures are reported in the summary, not thrown.
 * 7. Complete the tick with a compact summary.
 *
 * Every failure is a {@link BoStepError}. A store outage mid-tick leaves what
 * was stored (observations first of all) intact, and the tick claimed until
 * its lease ends; then it can be claimed again and resumes.
 */
import { hashString, SeededRng } from '../core/rng';
import type { StageLimits } from '../store/document-parts';
import type { Stored } from '../store/document-collection';
import type { Observation } from '../store/observation-repository';
import { configKey as storedConfigKey } from '../store/observation-repository';
import type { Incumbent, SearchState } from '../store/search-state-repository';
import { isStoreError } from '../store/store-error';
import { canonicalInstant, epochMsOf } from '../store/time-keys';
import type { WorkflowConfig as StoredWorkflowConfig } from '../store/workflow-config-repository';
import type { ProbeRecord } from '../tuning/probe';
import type { TuningContext } from '../tuning/tuning-method';
import { configKey, workflowSearchSpace } from '../tuning/workflow-search-space';
import { latencyPercentile } from '../workflow/latency-percentile';
import type { WorkflowConfig } from '../workflow/workflow-types';
import { BoStepError, guarded, toBoStepError } from './bo-step-error';
import type { BoStepPorts } from './bo-step-ports';
import { buildManagedWorkflow, fromStageLimits, toStageLimits, type ManagedWorkflow, type WorkflowDefinitionInput } from './managed-workflow';
import { peakConcurrency } from './peak-concurrency';
import { assembleProbeWindow } from './probe-window';
import { probeHistory } from './probe-history';

/** What one tick is asked to do. */
export interface BoStepInput {
  /** The workflow's name (its stored configuration's). */
  readonly workflow: string;
  /** The alarm's scheduled fire time, ISO 8601 with a zone. */
  readonly fireTime: string;
  /** Who claims the tick (e.g. the activation id). */
  readonly claimant: string;
  /** What the stored configuration lacks (DAG, prices, spaces, actions); defaults in {@link buildManagedWorkflow}. */
  readonly definition?: WorkflowDefinitionInput;
}

/** Settings of a tick. */
export interface BoStepOptions {
  /** Tick lease, ms (a positive integer). */
  readonly leaseMs: number;
  /** The cluster has the CPU-limit extension. */
  readonly cpuLimitExtension: boolean;
  /**
   * Warm handover: after a stage action's limits change (its new revision has
   * no process), send it as many warm-up invocations at once as its most
   * concurrent runs in the window just collected (1 without a window), at
   * most this many; 0 turns the handover off. A non-negative integer.
   */
  readonly handoverMaxContainers: number;
}

/** What the warm handover did for one stage action. */
export interface HandoverPrewarm {
  readonly action: string;
  /** Warm-ups sent. */
  readonly containers: number;
  /** Warm-ups the action answered as warm-ups. */
  readonly warmed: number;
  /** Why the others were not (an error or an unexpected answer each). */
  readonly failures: readonly string[];
}

/** One action's limits as applied. */
export interface AppliedLimits {
  readonly action: string;
  /** MB. */
  readonly memoryMB: number;
  /** Cores; null where CPU follows memory (not set). */
  readonly cpu: number | null;
}

/** The observation a tick stored (or found stored). */
export interface ObservationSummary {
  readonly id: string;
  /** `created`; `already-stored` (a re-run); `kept-first` (a different window was stored first and is kept). */
  readonly outcome: 'created' | 'already-stored' | 'kept-first';
  readonly invocations: number;
  readonly failures: number;
  /** Invocations of the window not finished by the fire time (left out). */
  readonly incomplete: number;
}

/** What the method decided. */
export type BoStepDecision =
  | { readonly kind: 'probe'; readonly invocations: number; readonly why: string; readonly limits: readonly StageLimits[] }
  | { readonly kind: 'converged'; readonly why: string; readonly limits: readonly StageLimits[] }
  | { readonly kind: 'stopped'; readonly why: string }
  /** The pending probe's window had no invocation yet: nothing decided. */
  | { readonly kind: 'waiting'; readonly why: string };

/** A tick that did nothing. */
export interface BoStepSkipped {
  readonly workflow: string;
  readonly fireTime: string;
  /** `already-done`: the tick was acted on; `in-progress`: someone holds it; `already-applied`: the search state is already at this fire time or later; `idle`: the search is over. */
  readonly skipped: 'already-done' | 'in-progress' | 'already-applied' | 'idle';
}

/** A tick that acted. */
export interface BoStepActed {
  readonly workflow: string;
  readonly fireTime: string;
  readonly method: string;
  /** Probes in the history the method saw. */
  readonly step: number;
  /** Stored observations left out of the history (no per-stage runs). */
  readonly skippedObservations: number;
  readonly observation: ObservationSummary | null;
  readonly decision: BoStepDecision;
  /** The stage actions whose limits changed (those that already had theirs are left out). */
  readonly applied: readonly AppliedLimits[];
  /** The warm handover to the changed actions' new revisions (empty when nothing changed or it is off). */
  readonly handover: readonly HandoverPrewarm[];
  /** Set without the CPU-limit extension: CPU was not set. */
  readonly cpuNote: string | null;
  /** Rounds of the search state write (more than 1 after 409s). */
  readonly stateWriteAttempts: number;
  /** `lost`: the claim expired and someone else took the tick before completion. */
  readonly tick: 'completed' | 'lost';
}

/** The outcome of {@link runBoStep}. */
export type BoStepSummary = BoStepSkipped | BoStepActed;

/** Most read-modify-write rounds on a 409. */
export const MAX_WRITE_ATTEMPTS = 5;

/** What the notes say when CPU follows memory. */
export const CPU_FOLLOWS_MEMORY_NOTE = 'no CPU-limit extension: CPU follows memory (memoryMB / 1769 cores), only memory was set';

/** The tick kind of a workflow's `bo-step` alarm: `bo-step-<slug>-<hash>` (lower-case, so any workflow name gets its own). */
export function boStepTickKind(workflow: string): string {
  const slug = workflow.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `bo-step-${slug === '' ? 'x' : slug}-${hashString(workflow).toString(16).padStart(8, '0')}`;
}

/** The Rng of step `step` of `method` on `workflow`. */
export function stepRng(workflow: string, method: string, step: number): SeededRng {
  return new SeededRng(hashString(`bo-step:${workflow}:${method}:${step}`));
}

/**
 * Runs one tick.
 * @throws BoStepError for every failure
 */
export async function runBoStep(input: BoStepInput, ports: BoStepPorts, options: BoStepOptions): Promise<BoStepSummary> {
  const { store, platform, method, wallClock } = ports;
  let fireTime: string;
  try {
    fireTime = canonicalInstant(input.fireTime, 'fireTime');
  } catch (error) {
    throw new BoStepError('invalid-input', error instanceof Error ? error.message : String(error), error);
  }
  const name = input.workflow;
  const stored = await guarded(`read the configuration of ${name}`, () => store.workflowConfigs.get(name));
  if (stored === undefined) throw new BoStepError('unknown-workflow', `workflow ${JSON.stringify(name)}: no stored configuration (register it first)`);
  const managed = buildManagedWorkflow(stored.doc, input.definition, options);

  const claim = await guarded('claim the tick', () =>
    store.ticks.claimTick(boStepTickKind(name), fireTime, { nowMs: wallClock.nowEpochMs(), leaseMs: options.leaseMs, claimant: input.claimant }),
  );
  if (!claim.claimed) return { workflow: name, fireTime, skipped: claim.state.state === 'done' ? 'already-done' : 'in-progress' };
  const complete = async (summary: string): Promise<'completed' | 'lost'> => {
    const done = await guarded('complete the tick', () => store.ticks.completeTick(claim.tick, { nowMs: wallClock.nowEpochMs(), summary }));
    return done.completed ? 'completed' : 'lost';
  };

  const state = await guarded('read the search state', () => store.searchStates.get(name));
  if (state !== undefined && state.doc.updatedAt >= fireTime) {
    await complete('already applied');
    return { workflow: name, fireTime, skipped: 'already-applied' };
  }
  if (state !== undefined && state.doc.phase !== 'exploring') {
    await complete(`idle: ${state.doc.phase}`);
    return { workflow: name, fireTime, skipped: 'idle' };
  }

  // 3. The pending probe's window, stored before anything else changes.
  let observation: ObservationSummary | null = null;
  let observations = await guarded('read the observations', () => store.observations.forWorkflow(name));
  const pending = state?.doc.pending ?? null;
  /** Each stage action's most concurrent runs in the collected window. */
  const windowPeaks = new Map<string, number>();
  if (pending !== null) {
    const collected = await collectWindow(managed, pending.config, pending.startedAt, fireTime, observations, ports, windowPeaks);
    if (collected === undefined) {
      const cpuNote = managed.cpuFollowsMemory ? CPU_FOLLOWS_MEMORY_NOTE : null;
      const decision: BoStepDecision = { kind: 'waiting', why: 'no finished invocation in the probe window yet' };
      const tick = await complete('waiting: empty probe window');
      return { workflow: name, fireTime, method: method.name, step: observations.length, skippedObservations: 0, observation, decision, applied: [], handover: [], cpuNote, stateWriteAttempts: 0, tick };
    }
    observation = collected;
    observations = await guarded('read the observations', () => store.observations.forWorkflow(name));
  }

  // 4. The method's step.
  const history = probeHistory(observations, managed);
  const step = history.probes.length;
  const context: TuningContext = { workflow: managed.workflow, space: workflowSearchSpace(managed.workflow), rng: stepRng(name, method.name, step) };
  const proposal = method.propose(history.probes, context);
  const recommendation = method.recommend(history.probes, context);
  const incumbent = recommendation === undefined ? null : incumbentOf(recommendation, history.probes, managed);

  // 5. Apply and record.
  let decision: BoStepDecision;
  let applied: AppliedLimits[] = [];
  let platformTimeMs: number | undefined;
  let next: (current: SearchState | undefined, startedAt: string) => SearchState;
  if (proposal.kind === 'probe') {
    const limits = toStageLimits(managed, proposal.config);
    ({ applied, platformTimeMs } = await applyLimits(managed, limits, `bo-step probe ${step}: ${proposal.why}`, fireTime, claim.tick.id, ports));
    decision = { kind: 'probe', invocations: proposal.invocations, why: proposal.why, limits };
    next = (current, startedAt) => ({
      workflow: name,
      phase: 'exploring',
      iteration: (current?.iteration ?? 0) + 1,
      pending: { config: limits, probesDone: 0, probesWanted: 1, startedAt },
      incumbent,
      gpLogParams: current?.gpLogParams ?? null,
      updatedAt: fireTime,
    });
  } else if (recommendation !== undefined) {
    const limits = toStageLimits(managed, recommendation);
    ({ applied } = await applyLimits(managed, limits, `bo-step converged: ${proposal.why}`, fireTime, claim.tick.id, ports));
    await writeWithRetry(
      'store the chosen configuration',
      () => store.workflowConfigs.get(name),
      undefined,
      (s, doc) => store.workflowConfigs.replace(s, doc),
      (current): StoredWorkflowConfig => ({ ...(current ?? stored.doc), stages: limits, source: 'search', updatedAt: fireTime }),
    );
    decision = { kind: 'converged', why: proposal.why, limits };
    next = (current) => ({ workflow: name, phase: 'converged', iteration: (current?.iteration ?? 0) + 1, pending: null, incumbent, gpLogParams: current?.gpLogParams ?? null, updatedAt: fireTime });
  } else {
    decision = { kind: 'stopped', why: `${proposal.why}; nothing to recommend, limits left as they are` };
    next = (current) => ({ workflow: name, phase: 'stopped', iteration: (current?.iteration ?? 0) + 1, pending: null, incumbent: null, gpLogParams: current?.gpLogParams ?? null, updatedAt: fireTime });
  }
  // The probe's window opens when the limits changed, by the platform's clock when it says (the clock
  // that stamps the activations the window selects), else by the tick's.
  const startedAt = new Date(platformTimeMs ?? wallClock.nowEpochMs()).toISOString();
  const attempts = await writeWithRetry(
    'write the search state',
    () => store.searchStates.get(name),
    (doc) => store.searchStates.create(doc),
    (s, doc) => store.searchStates.replace(s, doc),
    (current) => next(current, startedAt),
  );

  const handover = await warmHandover(applied, windowPeaks, options.handoverMaxContainers, ports);

  const cpuNote = managed.cpuFollowsMemory && applied.length > 0 ? CPU_FOLLOWS_MEMORY_NOTE : null;
  const summary = { workflow: name, fireTime, method: method.name, step, skippedObservations: history.skipped, observation, decision, applied, handover, cpuNote, stateWriteAttempts: attempts };
  const tick = await complete(JSON.stringify({ step, decision: decision.kind, observation: observation?.outcome ?? null }));
  return { ...summary, tick };
}

/** Collects and stores the pending probe's window; undefined when it holds no finished invocation. */
async function collectWindow(
  managed: ManagedWorkflow,
  limits: readonly StageLimits[],
  startedAt: string,
  fireTime: string,
  observations: readonly Observation[],
  ports: BoStepPorts,
  peaks: Map<string, number>,
): Promise<ObservationSummary | undefined> {
  const name = managed.workflow.name;
  const config = fromStageLimits(managed, limits);
  if (config === undefined) {
    throw new BoStepError('store-error', `search state of ${name}: the pending probe's stages (${limits.map((l) => l.stage).join(', ')}) are not the workflow's`);
  }
  // After the limits were applied, and after the last window already stored for this probe.
  const key = storedConfigKey(limits);
  let sinceMs = epochMsOf(startedAt);
  for (const o of observations) {
    if (o.at >= startedAt && o.at < fireTime && storedConfigKey(o.config) === key) sinceMs = Math.max(sinceMs, epochMsOf(o.at) + 1);
  }
  const window = { sinceMs, uptoMs: epochMsOf(fireTime) };
  const activations = [];
  for (const action of managed.actions) {
    const listed = await guarded(`list the activations of ${action}`, () => ports.platform.stageActivations(action, window));
    activations.push(listed);
    peaks.set(action, peakConcurrency(listed));
  }
  const assembled = assembleProbeWindow(managed.workflow, config, activations);
  if (assembled.invocations === 0) return undefined;
  const observation: Observation = {
    workflow: name,
    at: fireTime,
    probe: 0,
    config: limits,
    latenciesMs: assembled.latenciesMs,
    costs: assembled.costs,
    failures: assembled.failures,
    stageRuns: assembled.stageRuns,
  };
  const counts = { invocations: assembled.invocations, failures: assembled.failures, incomplete: assembled.incomplete };
  try {
    const result = await ports.store.observations.append(observation);
    return { id: result.stored.id, outcome: result.outcome, ...counts };
  } catch (error) {
    if (!isStoreError(error, 'conflict')) throw toBoStepError(error, 'store the observation');
    // A different window was stored under this tick first (activations listed late): the first one stays.
    const first = await guarded('read the stored observation', () => ports.store.observations.get(name, fireTime, 0));
    if (first === undefined) throw toBoStepError(error, 'store the observation');
    return { id: `observation:${encodeURIComponent(name)}:${fireTime}:000000`, outcome: 'kept-first', invocations: first.latenciesMs.length + first.failures, failures: first.failures, incomplete: 0 };
  }
}

/**
 * Sets every stage action's limits, then records each change. An action that
 * already has its limits is left as it is (a replicate probe, or a probe that
 * changes some stages only, restarts no process of the others) and is not
 * recorded. Returns what was changed and the latest time the platform
 * reported for a stage's limits (epoch ms by its clock, since when they hold;
 * undefined when it reported none).
 */
async function applyLimits(
  managed: ManagedWorkflow,
  limits: readonly StageLimits[],
  reason: string,
  at: string,
  tickId: string,
  ports: BoStepPorts,
): Promise<{ applied: AppliedLimits[]; platformTimeMs: number | undefined }> {
  const out: AppliedLimits[] = [];
  let platformTimeMs: number | undefined;
  for (let i = 0; i < limits.length; i++) {
    const action = managed.actions[i];
    const { memoryMB, cpu } = limits[i];
    const setCpu = managed.cpuFollowsMemory ? null : cpu;
    const reported = await guarded(`set the limits of ${action}`, () => ports.platform.updateLimits(action, setCpu === null ? { memoryMB } : { memoryMB, cpu: setCpu }));
    if (reported.platformTimeMs !== undefined) platformTimeMs = Math.max(platformTimeMs ?? reported.platformTimeMs, reported.platformTimeMs);
    // An action that already had these limits was left alone: nothing to record.
    if (!reported.changed) continue;
    await guarded(`record the limits of ${action}`, () =>
      ports.store.appliedActions.record({ action, at, change: { kind: 'limits', memoryMB, cpu: setCpu, timeoutMs: null }, reason, tickId }),
    );
    out.push({ action, memoryMB, cpu: setCpu });
  }
  return { applied: out, platformTimeMs };
}

/**
 * The warm handover: each changed action gets min(`max`, its window peak, or
 * 1 without one) warm-up invocations, all actions at once. After the state
 * write, so a failure here loses nothing: it is reported, never thrown.
 */
async function warmHandover(applied: readonly AppliedLimits[], peaks: ReadonlyMap<string, number>, max: number, ports: BoStepPorts): Promise<HandoverPrewarm[]> {
  if (max === 0) return [];
  return Promise.all(
    applied.map(async ({ action }): Promise<HandoverPrewarm> => {
      const containers = Math.min(max, Math.max(1, peaks.get(action) ?? 1));
      try {
        const report = await ports.platform.prewarm(action, containers);
        return { action, containers, warmed: report.warmed, failures: report.failures };
      } catch (error) {
        return { action, containers, warmed: 0, failures: [error instanceof Error ? error.message : String(error)] };
      }
    }),
  );
}

/** The incumbent the search state shows: the recommendation with its observed mean cost and latency percentile. */
function incumbentOf(config: WorkflowConfig, history: readonly ProbeRecord[], managed: ManagedWorkflow): Incumbent | null {
  const key = configKey(config);
  const probes = history.filter((p) => configKey(p.config) === key);
  const invocations = probes.reduce((n, p) => n + p.invocations, 0);
  if (invocations === 0) return null;
  const latencyMs = latencyPercentile(probes.flatMap((p) => [...p.latencyMs]), managed.workflow.qos.percentile);
  if (!Number.isFinite(latencyMs)) return null;
  const costPerInvocation = probes.reduce((c, p) => c + p.meanCost * p.invocations, 0) / invocations;
  return { config: toStageLimits(managed, config), costPerInvocation, latencyMs };
}

/**
 * Read, change, write with the `_rev` read; on a 409 read again, up to
 * {@link MAX_WRITE_ATTEMPTS} rounds. `create` undefined: the document must exist.
 * @returns the rounds it took
 */
async function writeWithRetry<T>(
  doing: string,
  read: () => Promise<Stored<T> | undefined>,
  create: ((doc: T) => Promise<Stored<T>>) | undefined,
  replace: (stored: Stored<T>, doc: T) => Promise<Stored<T>>,
  mutate: (current: T | undefined) => T,
): Promise<number> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await guarded(doing, read);
    if (current === undefined && create === undefined) throw new BoStepError('store-error', `${doing}: the document is gone`);
    try {
      if (current === undefined) {
        if (create !== undefined) await create(mutate(undefined));
      } else await replace(current, mutate(current.doc));
      return attempt;
    } catch (error) {
      if (!isStoreError(error, 'conflict')) throw toBoStepError(error, doing);
    }
  }
  throw new BoStepError('store-error', `${doing}: still conflicting after ${MAX_WRITE_ATTEMPTS} attempts`);
}
