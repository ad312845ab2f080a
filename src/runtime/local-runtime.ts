/**
 * The local runtime behind `npm start`: on a machine without OpenWhisk it
 * starts the embedded CouchDB (or uses `COUCHDB_URL`), starts the local
 * OpenWhisk API on loopback with a key generated at start, deploys the
 * manifest into it with the project's deploy code, registers the trace's
 * functions as actions of package `trace` whose invoker is the simulated
 * cluster, and then, minute by simulated minute, steps the cluster, stores
 * the finished activations' records and fires the alarm triggers the way the
 * alarms feed would. The manager's actions run from their bundles in child
 * Node processes with the `__OW_*` environment, and act on the cluster only
 * through the OpenWhisk API (warm-up invocations). At the end the same
 * arrivals are replayed under `openwhisk-default` for the comparison.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import openwhisk from 'openwhisk';
import type { Clock } from '../core/clock';
import { SeededRng } from '../core/rng';
import { deployManifest, type DeployReport } from '../deploy/deploy';
import { ChildProcessInvoker } from '../local-openwhisk/child-process-invoker';
import { generateAuthKey } from '../local-openwhisk/ids';
import { startLocalOpenWhisk, type LocalOpenWhisk } from '../local-openwhisk/local-openwhisk-server';
import { LIMIT_RANGES } from '../local-openwhisk/action-limits';
import { POLICIES } from '../pool/policy-registry';
import { generateArrivals, type ArrivalSchedule } from '../sim/arrivals';
import type { ClusterConfig } from '../sim/cluster-config';
import { simulate } from '../sim/simulator';
import type { Workload } from '../sim/workload';
import { startEmbeddedCouchDb, type EmbeddedCouchDb, type EmbeddedStorage } from '../store/embedded-couchdb';
import { openStore, type Store } from '../store/store';
import { PlatformPoolPolicy } from './platform-pool-policy';
import { poolRunSummary, type PoolRunSummary } from './runtime-report';
import { ReplayedWorkflowInvoker, TraceFunctionInvoker } from './trace-function-invoker';
import { RoutingInvoker } from '../local-openwhisk/routing-invoker';
import { TraceCluster, type FinishedActivation } from './trace-cluster';
import { WORKFLOW_ENTRY_ACTION, WorkflowReplay, type ReplayedWorkflow, type WorkflowTotals } from './workflow-replay';
import { cpuOfMemory } from '../manager/managed-workflow';
import { ruleActivationIds, ruleResults } from './rule-results';
import { latencyPercentile } from '../workflow/latency-percentile';
import type { Workflow } from '../workflow/workflow-types';

/** The manifest's package of the manager's actions. */
export const MANAGER_PACKAGE = 'aquatope';

/** The package whose actions are the replayed trace's functions. */
export const TRACE_PACKAGE = 'trace';

/** The one-minute alarm of the scheduler chain, as the manifest names it. */
export const SCHEDULER_TRIGGER = 'scheduler-tick';

/** The probe-window alarm of `bo-step`, as the manifest names it. */
export const BO_STEP_TRIGGER = 'bo-step-tick';

/** Epoch ms of the replayed trace's minute 0: a fixed date, so the same seed gives the same report. */
export const DEFAULT_EPOCH_START_MS = Date.parse('2024-05-01T00:00:00.000Z');

/** Options of {@link runLocalRuntime}. */
export interface LocalRuntimeOptions {
  /** The trace to replay (memory clamped to OpenWhisk's action limits, 128..2,048 MB). */
  readonly workload: Workload;
  /** Seed of the arrivals. */
  readonly seed: number;
  readonly cluster: ClusterConfig;
  /** The wskdeploy manifest and deployment file. */
  readonly manifestPath: string;
  readonly deploymentPath?: string;
  /** Where the built `<action>.zip` bundles are (`dist/actions`). */
  readonly bundleDir: string;
  /** A real CouchDB (`COUCHDB_URL`); the embedded server with `storage` otherwise. */
  readonly couchDbUrl?: string;
  /** Storage of the embedded CouchDB (LevelDB under `.aquatope/` for `npm start`, memory for tests). */
  readonly storage: EmbeddedStorage;
  /** Database prefix (default: one per run, `run<seed>_<random>_`, so runs never see each other's state). */
  readonly dbPrefix?: string;
  /** Epoch ms of the trace's minute 0 (default {@link DEFAULT_EPOCH_START_MS}). */
  readonly epochStartMs?: number;
  /**
   * Workflows to manage (default none): each is driven by a trace function
   * (the ones whose load over the run is closest to {@link WORKFLOW_RATE_PER_MINUTE}),
   * its stages start at the largest stock limit, and `bo-step` tunes them every
   * probe window.
   */
  readonly workflows?: readonly Workflow[];
  /**
   * Config params bound on the manager package, so every action of it gets
   * them below its own inputs (default none), e.g. `{ coldStartWorthGBs: 260 }`
   * for the pool sizer's worth rule (and the forecaster's levels for it).
   * `dbPrefix` and `workflows` are the run's own and cannot be given here.
   */
  readonly managerParams?: Readonly<Record<string, unknown>>;
  /** Probe window of `bo-step`, minutes (default 5, the manifest's alarm). */
  readonly probeWindowMinutes?: number;
  /** Progress lines. */
  readonly log: (line: string) => void;
  /** Called once per simulated minute after its tick (progress bars). */
  readonly onMinute?: (minute: number, minutes: number) => void;
  /** Called once the API is up, with what a user needs to reach it (`--hold` waits here, after the run). */
  readonly onReady?: (access: RuntimeAccess) => void;
  /** Called after the run, before everything is stopped (e.g. to keep the API up until Ctrl-C). */
  readonly beforeStop?: (access: RuntimeAccess) => Promise<void>;
}

/** How to reach the running local OpenWhisk. */
export interface RuntimeAccess {
  readonly apiHost: string;
  /** `uuid:secret`. */
  readonly apiKey: string;
  readonly namespace: string;
  readonly couchDbUrl: string;
  readonly dbPrefix: string;
}

/** What the manager did, read back from the store at the end. */
export interface ManagerActivity {
  /** Scheduler ticks fired (one per simulated minute). */
  readonly schedulerTicks: number;
  /** Of those, ticks whose chain ended with an error, with the first error. */
  readonly failedTicks: number;
  readonly firstFailure: string | null;
  /** Stored documents. */
  readonly seriesMinutes: number;
  readonly forecasts: number;
  readonly poolDecisions: number;
  /** Warm-up invocations that reached the cluster, and the containers they started. */
  readonly warmUpInvocations: number;
  readonly prewarmedContainers: number;
  /** Trace activations whose records were stored in the local OpenWhisk. */
  readonly activationRecords: number;
  /**
   * Wall time of one scheduler tick (fire the trigger, the composition runs
   * collector, forecaster and pool-sizer, all activations ended), ms: median
   * and max over the ticks. Timing: changes from run to run.
   */
  readonly schedulerTickMs: { readonly median: number; readonly max: number };
}

/** A managed workflow at the end of the run. */
export interface WorkflowOutcome {
  readonly workflow: string;
  /** The trace function that drove it, and its activations over the run. */
  readonly driver: string;
  readonly qos: { readonly percentile: number; readonly targetMs: number };
  /** bo-step ticks fired, and those that ended in an error (first error). */
  readonly boStepTicks: number;
  readonly failedBoStepTicks: number;
  readonly firstBoStepFailure: string | null;
  /** Observations (probe windows) stored, and the search's phase at the end. */
  readonly observations: number;
  readonly searchPhase: string | null;
  /** Stage limits at the end, MB. */
  readonly finalMemoryMB: Readonly<Record<string, number>>;
  readonly managed: WorkflowRunSummary;
  /** The same invocations with every stage at the largest stock limit. */
  readonly baseline: WorkflowRunSummary;
}

/** One workflow's invocations under one configuration source. */
export interface WorkflowRunSummary {
  readonly invocations: number;
  /** Share over the target latency (failed ones included). */
  readonly overTargetRate: number;
  /** The QoS percentile of the end-to-end latency, ms (Infinity when too many failed). */
  readonly latencyPercentileMs: number;
  /** Mean execution cost per invocation, $. */
  readonly costPerInvocation: number;
}

/** The result of {@link runLocalRuntime}. */
export interface LocalRuntimeReport {
  readonly workload: string;
  readonly functions: number;
  readonly minutes: number;
  readonly seed: number;
  readonly epochStart: string;
  readonly deployed: Pick<DeployReport, 'actions' | 'triggers' | 'rules'>;
  /** The config params bound on the manager package ({@link LocalRuntimeOptions.managerParams}; empty: the defaults). */
  readonly managerParams: Readonly<Record<string, unknown>>;
  readonly manager: ManagerActivity;
  readonly workflows: readonly WorkflowOutcome[];
  /** The cluster run under the manager (stock keep-alive plus its prewarms). */
  readonly managed: PoolRunSummary;
  /** The same arrivals under `openwhisk-default`. */
  readonly baseline: PoolRunSummary;
  readonly wallSeconds: number;
}

/** The clock of the local OpenWhisk: the simulated minute being ticked. */
class SimulatedClock implements Clock {
  constructor(public epochMs: number) {}
  nowMs(): number {
    return this.epochMs;
  }
}

const realClock: Clock = { nowMs: () => Date.now() };

/** The workload with each function's memory clamped to what an OpenWhisk action may have. */
export function withActionMemory(workload: Workload): Workload {
  const { min, max } = LIMIT_RANGES.memory;
  return { ...workload, functions: workload.functions.map((f) => ({ ...f, memoryMB: Math.min(max, Math.max(min, Math.round(f.memoryMB))) })) };
}

/** `f0000`, `f0001`, ...: action names of the trace's functions (trace ids are hashes, often too long for OpenWhisk names). */
export function traceActionName(index: number): string {
  return `f${String(index).padStart(4, '0')}`;
}

/** Average workflow invocations a minute a driving trace function should have. */
export const WORKFLOW_RATE_PER_MINUTE = 4;

/** The stock OpenWhisk memory axis the runtime's workflows are searched over, MB. */
export const RUNTIME_MEMORY_AXIS = { min: LIMIT_RANGES.memory.min, max: LIMIT_RANGES.memory.max, step: 64 } as const;

/**
 * For each workflow, a trace function to drive it: the ones that leave the
 * fewest probe windows without an invocation (bo-step waits through those),
 * then whose total over the run is closest to `ratePerMinute` a minute; each
 * function drives at most one workflow.
 */
export function pickDrivers(workload: Workload, count: number, ratePerMinute: number, windowMinutes = 5): number[] {
  if (workload.functions.length < count) throw new RangeError(`${count} workflows need ${count} trace functions to drive them, the trace has ${workload.functions.length}`);
  const target = ratePerMinute * workload.minutes;
  const scored = workload.functions.map((f, i) => {
    let total = 0;
    let emptyWindows = 0;
    for (let start = 0; start < f.counts.length; start += windowMinutes) {
      let inWindow = 0;
      for (let m = start; m < Math.min(f.counts.length, start + windowMinutes); m++) inWindow += f.counts[m];
      if (inWindow === 0) emptyWindows++;
      total += inWindow;
    }
    return { i, emptyWindows, distance: Math.abs(total - target) };
  });
  scored.sort((x, y) => x.emptyWindows - y.emptyWindows || x.distance - y.distance || x.i - y.i);
  return scored.slice(0, count).map((t) => t.i);
}

/** The `definition` param bo-step gets for a replayed workflow (DAG, prices, search space, action names). */
export function boStepDefinition(workflow: Workflow, packageName: string): Record<string, unknown> {
  return {
    stages: workflow.stages.map((s) => ({ name: s.name, action: `${packageName}/${s.name}`, after: [...s.after], memoryMB: { ...RUNTIME_MEMORY_AXIS } })),
    prices: { ...workflow.prices },
    overheadMs: workflow.overheadMs,
  };
}

function runSummary(t: WorkflowTotals, percentile: number): WorkflowRunSummary {
  return {
    invocations: t.invocations,
    overTargetRate: t.invocations === 0 ? 0 : t.overTarget / t.invocations,
    latencyPercentileMs: t.invocations === 0 ? 0 : latencyPercentile(t.latenciesMs, percentile),
    costPerInvocation: t.invocations === 0 ? 0 : t.cost / t.invocations,
  };
}

/** What one fired alarm did: the trigger activation and the first error of the actions its rules ran. */
export interface FiredTick {
  readonly trigger: string;
  readonly fireTime: string;
  /** The trigger's activation id; null when no rule was active. */
  readonly activationId: string | null;
  /** The results of the actions its rules ran (the composition's or bo-step's answer). */
  readonly results: readonly unknown[];
  /** The first error among them, or null. */
  readonly failure: string | null;
}

interface Running {
  couch: EmbeddedCouchDb | undefined;
  readonly server: LocalOpenWhisk;
  readonly store: Store;
  readonly ow: ReturnType<typeof openwhisk>;
  readonly access: RuntimeAccess;
  readonly deployed: DeployReport;
  readonly invoker: TraceFunctionInvoker;
  readonly replay: WorkflowReplay;
}

/**
 * The local runtime, step by step: {@link start} brings everything up and
 * deploys, {@link advance} replays one more minute and fires its alarms,
 * {@link fire} fires a trigger by hand (a repeated alarm), {@link stopCouchDb}
 * and {@link resumeCouchDb} take the embedded CouchDB down and up again on the
 * same port and storage,
 * {@link finish} replays the rest and reports, {@link stop} stops everything.
 */
export class LocalRuntime {
  readonly workload: Workload;
  readonly minutes: number;
  readonly epochStartMs: number;
  private readonly probeWindow: number;
  private readonly schedule: ArrivalSchedule;
  private readonly policy = new PlatformPoolPolicy();
  private readonly cluster: TraceCluster;
  private readonly dbPrefix: string;
  private readonly replayed: ReplayedWorkflow[];
  private readonly clock: SimulatedClock;
  private running: Running | undefined;
  private records = 0;
  private readonly schedulerFailures = { ticks: 0, first: null as string | null };
  private readonly boFailures: { ticks: number; failed: number; first: string | null }[];
  private readonly started = Date.now();
  private readonly tickMs: number[] = [];

  constructor(private readonly options: LocalRuntimeOptions) {
    this.workload = withActionMemory(options.workload);
    this.minutes = this.workload.minutes;
    this.epochStartMs = options.epochStartMs ?? DEFAULT_EPOCH_START_MS;
    this.probeWindow = options.probeWindowMinutes ?? 5;
    if (!Number.isInteger(this.probeWindow) || this.probeWindow < 1) throw new RangeError(`probeWindowMinutes must be a positive integer, got ${this.probeWindow}`);
    this.schedule = generateArrivals(this.workload, new SeededRng(options.seed));
    this.cluster = new TraceCluster(this.workload, this.schedule, this.policy, options.cluster, this.epochStartMs);
    this.dbPrefix = options.dbPrefix ?? `run${options.seed}_${randomBytes(4).toString('hex')}_`;
    for (const key of Object.keys(options.managerParams ?? {})) {
      if (key === 'dbPrefix' || key === 'workflows') throw new RangeError(`managerParams: ${JSON.stringify(key)} is set by the run itself and cannot be bound`);
    }
    const models = options.workflows ?? [];
    const drivers = pickDrivers(this.workload, models.length, WORKFLOW_RATE_PER_MINUTE, this.probeWindow);
    const maxMemory = RUNTIME_MEMORY_AXIS.max;
    this.replayed = models.map((model, i) => ({
      model,
      packageName: model.name,
      driver: drivers[i],
      baseline: model.stages.map(() => ({ memoryMB: maxMemory, cpu: cpuOfMemory(maxMemory) })),
    }));
    this.boFailures = this.replayed.map(() => ({ ticks: 0, failed: 0, first: null }));
    this.clock = new SimulatedClock(this.epochStartMs);
  }

  private get live(): Running {
    if (this.running === undefined) throw new Error('the local runtime is not running: call start() first');
    return this.running;
  }

  /** The store, the local OpenWhisk and the client, for tests and `--hold`. */
  get handles(): { readonly store: Store; readonly server: LocalOpenWhisk; readonly ow: ReturnType<typeof openwhisk>; readonly access: RuntimeAccess } {
    const r = this.live;
    return { store: r.store, server: r.server, ow: r.ow, access: r.access };
  }

  /** Starts CouchDB and the local OpenWhisk, deploys the manifest, registers the trace's functions and the workflows. */
  async start(): Promise<RuntimeAccess> {
    if (this.running !== undefined) throw new Error('the local runtime is already running');
    const { options } = this;
    let couch: EmbeddedCouchDb | undefined;
    let server: LocalOpenWhisk | undefined;
    try {
      if (options.couchDbUrl === undefined) {
        couch = await startEmbeddedCouchDb({ storage: options.storage });
        options.log(`embedded CouchDB on ${couch.url} (${options.storage.kind === 'memory' ? 'in memory' : `LevelDB under ${options.storage.dir}`})`);
      }
      const couchDbUrl = options.couchDbUrl ?? couch?.url ?? '';
      const store = await openStore({ url: couchDbUrl, dbPrefix: this.dbPrefix });
      const functionIndex = new Map(this.workload.functions.map((_f, i) => [traceActionName(i), i] as const));
      const invoker = new TraceFunctionInvoker(TRACE_PACKAGE, functionIndex, this.policy);
      const workflowInvoker = new ReplayedWorkflowInvoker(new Set(this.replayed.map((w) => w.packageName)));
      const routed = new RoutingInvoker(
        [
          { when: (a) => invoker.handles(a), invoker },
          { when: (a) => workflowInvoker.handles(a), invoker: workflowInvoker },
        ],
        new ChildProcessInvoker({ clock: realClock, env: { PATH: process.env.PATH ?? '' } }),
      );
      // The key is a secret: drawn from the OS, not from the run's seed.
      server = await startLocalOpenWhisk({ auth: generateAuthKey(new SeededRng(randomBytes(4).readUInt32LE(0))), invoker: routed, clock: this.clock, rng: new SeededRng(options.seed) });
      const owServer = server;
      const access: RuntimeAccess = { apiHost: server.apiHost, apiKey: server.apiKey, namespace: server.namespace, couchDbUrl, dbPrefix: this.dbPrefix };
      options.onReady?.(access);

      const deployed = await deployManifest({
        manifestPath: options.manifestPath,
        ...(options.deploymentPath === undefined ? {} : { deploymentPath: options.deploymentPath }),
        env: { COUCHDB_URL: couchDbUrl, AQUATOPE_DB_PREFIX: this.dbPrefix },
        apiHost: server.apiHost,
        apiKey: server.apiKey,
        feeds: 'skip',
        allowUnset: true,
        bundleDir: options.bundleDir,
        log: (line) => options.log(`deploy: ${line}`),
        warn: () => undefined,
      });
      if (!deployed.triggers.includes(SCHEDULER_TRIGGER)) {
        throw new Error(`the manifest ${options.manifestPath} declares no trigger ${SCHEDULER_TRIGGER}: the scheduler chain cannot be driven`);
      }
      if (this.replayed.length > 0 && !deployed.triggers.includes(BO_STEP_TRIGGER)) {
        throw new Error(`the manifest ${options.manifestPath} declares no trigger ${BO_STEP_TRIGGER}: the workflows cannot be tuned`);
      }

      const ow = openwhisk({ apihost: server.apiHost, api_key: server.apiKey });
      // This run's databases: bound on the package, so every action of it gets the prefix (below its own inputs).
      // The collector reads each workflow's end-to-end latencies from its entry action's activations.
      const workflows = Object.fromEntries(this.replayed.map((w) => [w.model.name, `/${owServer.namespace}/${w.packageName}/${WORKFLOW_ENTRY_ACTION}`]));
      await ow.packages.update({
        name: MANAGER_PACKAGE,
        package: {
          parameters: [
            ...Object.entries(options.managerParams ?? {}).map(([key, value]) => ({ key, value })),
            { key: 'dbPrefix', value: this.dbPrefix },
            ...(this.replayed.length === 0 ? [] : [{ key: 'workflows', value: workflows }]),
          ],
        },
      });
      await ow.packages.create({ name: TRACE_PACKAGE, package: { annotations: [{ key: 'description', value: `the functions of ${this.workload.source}, run by the simulated cluster` }] } });
      for (const [i, f] of this.workload.functions.entries()) {
        await ow.actions.create({
          name: `${TRACE_PACKAGE}/${traceActionName(i)}`,
          action: 'exports.main = () => ({})',
          kind: 'nodejs:20',
          limits: { memory: f.memoryMB },
          annotations: [{ key: 'trace-id', value: f.id }],
        });
      }
      options.log(`registered ${this.workload.functions.length} trace functions as ${TRACE_PACKAGE}/f0000..; replaying ${this.minutes} minutes`);
      const maxMemory = RUNTIME_MEMORY_AXIS.max;
      for (const w of this.replayed) {
        await ow.packages.create({ name: w.packageName, package: { annotations: [{ key: 'description', value: `workflow ${w.model.name}, driven by ${TRACE_PACKAGE}/${traceActionName(w.driver)}` }] } });
        for (const name of [...w.model.stages.map((s) => s.name), WORKFLOW_ENTRY_ACTION]) {
          await ow.actions.create({ name: `${w.packageName}/${name}`, action: 'exports.main = () => ({})', kind: 'nodejs:20', limits: { memory: maxMemory } });
        }
        await store.workflowConfigs.create({
          workflow: w.model.name,
          qos: w.model.qos,
          stages: w.model.stages.map((s, i) => ({ stage: s.name, memoryMB: w.baseline[i].memoryMB, cpu: w.baseline[i].cpu })),
          source: 'default',
          updatedAt: new Date(this.epochStartMs).toISOString(),
        });
        options.log(`workflow ${w.model.name}: ${w.model.stages.length} stages at ${maxMemory} MB, driven by ${TRACE_PACKAGE}/${traceActionName(w.driver)}, target p${w.model.qos.percentile} <= ${w.model.qos.targetMs} ms`);
      }
      const replay = new WorkflowReplay(
        this.replayed,
        (packageName, stage) => {
          const memory = owServer.controller.findAction({ packageName, name: stage })?.limits.memory ?? maxMemory;
          return { memoryMB: memory, cpu: cpuOfMemory(memory) };
        },
        options.seed,
      );
      this.running = { couch, server, store, ow, access, deployed, invoker, replay };
      return access;
    } catch (error) {
      await server?.stop();
      await couch?.stop();
      throw error;
    }
  }

  private recordAll(finished: readonly FinishedActivation[]): void {
    const { server, replay } = this.live;
    for (const a of finished) {
      server.controller.recordSimulatedActivation(
        { packageName: TRACE_PACKAGE, name: traceActionName(a.fn) },
        { startMs: a.startMs, endMs: a.endMs, waitMs: a.waitMs, ...(a.initTimeMs === undefined ? {} : { initTimeMs: a.initTimeMs }), result: {} },
      );
      if (!replay.drives(a.fn)) continue;
      for (const r of replay.invoke(a.fn, a.startMs)) {
        server.controller.recordSimulatedActivation({ packageName: r.packageName, name: r.action }, { startMs: r.startMs, endMs: r.endMs, waitMs: 0, result: r.result, failed: r.failed });
      }
    }
    this.records += finished.length;
  }

  /**
   * Fires `trigger` with `params` through the API, as the alarms feed does, and
   * waits until every activation it caused has ended.
   */
  async fire(trigger: string, params: Record<string, unknown>): Promise<FiredTick> {
    const { ow, server } = this.live;
    const fireTime = typeof params['fireTime'] === 'string' ? params['fireTime'] : '';
    const fired: unknown = await ow.triggers.invoke({ name: trigger, params });
    await server.settled();
    const id = typeof fired === 'object' && fired !== null && 'activationId' in fired && typeof fired.activationId === 'string' ? fired.activationId : null;
    if (id === null) return { trigger, fireTime, activationId: null, results: [], failure: 'the trigger fired no rule' };
    // Every activation has ended (settled): nothing is pending.
    const { results, failure } = ruleResults(server, ruleActivationIds(server, id));
    return { trigger, fireTime, activationId: id, results, failure };
  }

  /**
   * Replays the next minute, then fires the minute's alarms at its end on the
   * simulated clock: the scheduler chain every minute, `bo-step` for each
   * workflow every probe window. Returns what was fired.
   */
  async advance(): Promise<FiredTick[]> {
    const m = this.cluster.currentMinute + 1;
    if (m > this.minutes) throw new Error(`the trace has ${this.minutes} minutes: nothing left to replay`);
    this.recordAll(this.cluster.advanceTo(m));
    this.clock.epochMs = this.cluster.epochOfMinute(m);
    const fireTime = new Date(this.clock.epochMs).toISOString();
    const out: FiredTick[] = [];
    const tickStart = performance.now();
    const tick = await this.fire(SCHEDULER_TRIGGER, { fireTime });
    this.tickMs.push(performance.now() - tickStart);
    if (tick.failure !== null) {
      this.schedulerFailures.ticks++;
      this.schedulerFailures.first ??= `${fireTime}: ${tick.failure}`;
    }
    out.push(tick);
    if (m % this.probeWindow === 0) {
      for (const [i, w] of this.replayed.entries()) {
        const bo = await this.fire(BO_STEP_TRIGGER, { workflow: w.model.name, fireTime, definition: boStepDefinition(w.model, w.packageName) });
        this.boFailures[i].ticks++;
        if (bo.failure !== null) {
          this.boFailures[i].failed++;
          this.boFailures[i].first ??= `${fireTime}: ${bo.failure}`;
        }
        out.push(bo);
      }
    }
    this.options.onMinute?.(m, this.minutes);
    return out;
  }

  /** Stops the embedded CouchDB without restarting it (an outage), until {@link resumeCouchDb}. */
  async stopCouchDb(): Promise<void> {
    const r = this.live;
    if (r.couch === undefined) throw new Error('stopCouchDb: the runtime uses an external CouchDB (COUCHDB_URL)');
    await r.couch.stop();
  }

  /** Starts the embedded CouchDB again after {@link stopCouchDb}, on the same port and storage. */
  async resumeCouchDb(): Promise<void> {
    const r = this.live;
    if (r.couch === undefined) throw new Error('resumeCouchDb: the runtime uses an external CouchDB (COUCHDB_URL)');
    r.couch = await startEmbeddedCouchDb({ storage: this.options.storage, port: r.couch.port });
  }

  /** What reached the simulated cluster through the API so far. */
  peekManager(): { readonly warmUpInvocations: number; readonly prewarmedContainers: number; readonly activationRecords: number } {
    return { warmUpInvocations: this.live.invoker.warmUps, prewarmedContainers: this.policy.applied, activationRecords: this.records };
  }

  /** Replays and ticks the remaining minutes, then the comparison; the report. */
  async finish(): Promise<LocalRuntimeReport> {
    while (this.cluster.currentMinute < this.minutes) await this.advance();
    const { store, server, deployed, invoker, replay } = this.live;
    const end = this.cluster.finish();
    this.recordAll(end.finished);
    const cluster = this.options.cluster;
    const baseline = simulate(this.workload, this.schedule, POLICIES['openwhisk-default']({ schedule: this.schedule, functionCount: this.workload.functions.length, cluster }), cluster);
    const from = new Date(this.epochStartMs).toISOString();
    const to = new Date(this.cluster.epochOfMinute(this.minutes)).toISOString();
    const manager: ManagerActivity = {
      schedulerTicks: this.minutes,
      failedTicks: this.schedulerFailures.ticks,
      firstFailure: this.schedulerFailures.first,
      seriesMinutes: (await store.series.range(from, to)).length,
      forecasts: await countForecasts(store, this.epochStartMs, this.minutes),
      poolDecisions: (await store.poolDecisions.range(from, to)).length,
      warmUpInvocations: invoker.warmUps,
      prewarmedContainers: this.policy.applied,
      activationRecords: this.records,
      schedulerTickMs: { median: median(this.tickMs), max: this.tickMs.reduce((a, b) => Math.max(a, b), 0) },
    };
    const maxMemory = RUNTIME_MEMORY_AXIS.max;
    const workflows: WorkflowOutcome[] = [];
    for (const [i, w] of this.replayed.entries()) {
      const state = await store.searchStates.get(w.model.name);
      workflows.push({
        workflow: w.model.name,
        driver: `${TRACE_PACKAGE}/${traceActionName(w.driver)}`,
        qos: { ...w.model.qos },
        boStepTicks: this.boFailures[i].ticks,
        failedBoStepTicks: this.boFailures[i].failed,
        firstBoStepFailure: this.boFailures[i].first,
        observations: (await store.observations.forWorkflow(w.model.name)).length,
        searchPhase: state?.doc.phase ?? null,
        finalMemoryMB: Object.fromEntries(w.model.stages.map((s) => [s.name, server.controller.findAction({ packageName: w.packageName, name: s.name })?.limits.memory ?? maxMemory])),
        managed: runSummary(replay.managed[i], w.model.qos.percentile),
        baseline: runSummary(replay.baseline[i], w.model.qos.percentile),
      });
    }
    return {
      workload: this.workload.source,
      functions: this.workload.functions.length,
      minutes: this.minutes,
      seed: this.options.seed,
      epochStart: new Date(this.epochStartMs).toISOString(),
      deployed: { actions: deployed.actions, triggers: deployed.triggers, rules: deployed.rules },
      managerParams: { ...(this.options.managerParams ?? {}) },
      manager,
      workflows,
      managed: poolRunSummary(end.result),
      baseline: poolRunSummary(baseline),
      wallSeconds: (Date.now() - this.started) / 1000,
    };
  }

  /** Stops the local OpenWhisk (and its action processes) and the embedded CouchDB. */
  async stop(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    if (r === undefined) return;
    try {
      await r.server.stop();
    } finally {
      await r.couch?.stop();
    }
  }
}

/** Runs the trace through the deployed manager on the local OpenWhisk and reports what it did. */
export async function runLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntimeReport> {
  const runtime = new LocalRuntime(options);
  try {
    const access = await runtime.start();
    const report = await runtime.finish();
    await options.beforeStop?.(access);
    return report;
  } finally {
    await runtime.stop();
  }
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function countForecasts(store: Store, epochStartMs: number, minutes: number): Promise<number> {
  let n = 0;
  for (let m = 0; m <= minutes; m++) if ((await store.forecasts.get(new Date(epochStartMs + m * 60_000).toISOString())) !== undefined) n++;
  return n;
}

