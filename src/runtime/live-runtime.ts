/**
 * The live local runtime (`npm start -- --live`, `npm run load`, `npm run
 * profile`): the real workflows run for real, in real time. It starts the
 * embedded CouchDB (or uses `COUCHDB_URL`) and the local OpenWhisk on
 * loopback with the CPU-limit extension (`limits.cpu`, cores) and a key
 * generated at start, and deploys the manager's manifest and the workflows'
 * manifest with the project's deploy code. Every activation of a workflow's
 * package runs in a child Node process placed in cgroups whose CPU quota and
 * memory limit are the action's limits (as `docker run --cpus --memory` does
 * for OpenWhisk's containers); where cgroups are not writable it says so
 * once, runs without limits, and {@link LiveRuntime.limitsEnforced} is false.
 * The manager's own actions run in plain child processes (the platform's,
 * not the tenant's, processes).
 *
 * With `managed`, {@link LiveRuntime.startAlarms} fires the manifest's two
 * alarms on the real clock: the scheduler chain at every minute boundary
 * (the pool sizer prewarms real processes with warm-up invocations), and
 * `bo-step` for each workflow every probe window (it probes real
 * configurations under whatever load runs, Locust's in `npm start -- --live`).
 */
import { randomBytes } from 'node:crypto';
import openwhisk from 'openwhisk';
import { deployManifest, type DeployReport } from '../deploy/deploy';
import type { ChildProcessInvoker, ColdStartCause } from '../local-openwhisk/child-process-invoker';
import type { LocalOpenWhisk } from '../local-openwhisk/local-openwhisk-server';
import { cpuOfMemory } from '../manager/managed-workflow';
import { OpenWhiskPlatform } from '../platform/openwhisk';
import { startEmbeddedCouchDb, type EmbeddedCouchDb, type EmbeddedStorage } from '../store/embedded-couchdb';
import { openStore, type Store } from '../store/store';
import type { Axis, Prices, QosTarget, StageConfig, StageSpec } from '../workflow/workflow-types';
import { lastBoStepDecision } from './bo-step-decision';
import { BO_STEP_TRIGGER, MANAGER_PACKAGE, SCHEDULER_TRIGGER, type RuntimeAccess } from './local-runtime';
import { startLiveOpenWhisk, type LiveOpenWhisk } from './live-openwhisk';
import { ruleActivationIds, ruleResults } from './rule-results';
import { summariseLiveWorkflow, type LiveWorkflowSummary } from './live-workflow-summary';

/** A workflow the live runtime runs and manages (its package is named as the workflow). */
export interface LiveWorkflow {
  readonly name: string;
  readonly stages: readonly StageSpec[];
  readonly qos: QosTarget;
  readonly prices: Prices;
  /** Composition overhead per invocation, ms (bo-step's model of the end-to-end latency). */
  readonly overheadMs: number;
}

/** The entry action of a live workflow's package: its composition. */
export const LIVE_ENTRY_ACTION = 'invoke';

/** Limits of each workflow's conductor action (its composition): 256 MB, one core. */
export const CONDUCTOR_LIMITS: StageConfig = { memoryMB: 256, cpu: 1 };

/** Options of {@link LiveRuntime}. */
export interface LiveRuntimeOptions {
  /** The manager's wskdeploy manifest (manifests/manifest.yaml) and deployment file. */
  readonly manifestPath: string;
  readonly deploymentPath?: string;
  /** The workflows' manifest (manifests/workflows.yaml). */
  readonly workflowsManifestPath: string;
  /** Where the manager's `<action>.zip` bundles are (dist/actions). */
  readonly bundleDir: string;
  /** Where the workflows' bundles are, if the workflows' manifest is deployed from another folder than its own paths. */
  readonly workflowsBundleDir?: string;
  readonly workflows: readonly LiveWorkflow[];
  /** A real CouchDB (`COUCHDB_URL`); the embedded server with `storage` otherwise. */
  readonly couchDbUrl?: string;
  readonly storage: EmbeddedStorage;
  /** Database prefix (default one per run). */
  readonly dbPrefix?: string;
  /** Whether the manager's alarms run (false: stock OpenWhisk, nothing tunes or prewarms). */
  readonly managed: boolean;
  /** Every stage's limits at start (the largest configuration of the search space: what an operator gives an untuned workflow). */
  readonly startLimits: StageConfig;
  /** bo-step's search space of every stage. */
  readonly space: { readonly cpu: Axis; readonly memoryMB: Axis };
  /** Enforce limits with cgroup v1 (default) or run unlimited. */
  readonly limits?: 'cgroup' | 'none';
  /** How long an idle process is kept warm, ms (default 600,000: OpenWhisk's 10 minutes). */
  readonly keepAliveMs?: number;
  /** Memory the workflows' processes may reserve together by their limits, MB (default `LIVE_USER_MEMORY_MB`, 20,480). */
  readonly userMemoryMB?: number;
  /** Probe window of bo-step, ms (default 60,000). */
  readonly probeWindowMs?: number;
  /** Period of the scheduler alarm, ms (default 60,000; the chain stores per-minute series whatever it is). */
  readonly schedulerPeriodMs?: number;
  /** Seed of the local OpenWhisk's ids. */
  readonly seed: number;
  readonly log: (line: string) => void;
  /** Said once, e.g. that cgroups are not writable. */
  readonly warn: (line: string) => void;
}

/** What one fired alarm led to. */
export interface LiveTick {
  readonly trigger: string;
  readonly fireTime: string;
  /** The results of the actions its rules ran (the composition's or bo-step's answer). */
  readonly results: readonly unknown[];
  readonly failure: string | null;
}

/** What a live run measured. */
export interface LiveRunReport {
  readonly managed: boolean;
  readonly limitsEnforced: boolean;
  readonly fromMs: number;
  readonly toMs: number;
  readonly workflows: readonly LiveWorkflowSummary[];
  /** The workflows' processes, from the invoker's accounting. */
  readonly processes: LiveProcessStats;
  readonly schedulerTicks: number;
  readonly failedSchedulerTicks: number;
  readonly boStepTicks: number;
  readonly failedBoStepTicks: number;
  readonly firstFailure: string | null;
  /** Each stage's limits at the end. */
  readonly finalLimits: Readonly<Record<string, Readonly<Record<string, StageConfig>>>>;
  /** Per workflow: probe windows bo-step stored as observations, its search's phase at the end (null: no search), and bo-step's last decision as "kind: why" (null: none yet). */
  readonly search: Readonly<Record<string, { readonly observations: number; readonly phase: string | null; readonly lastDecision: string | null }>>;
}

/** The workflows' processes over the run. */
export interface LiveProcessStats {
  /** Processes started, warm-ups' included. */
  readonly coldStarts: number;
  /** Of `coldStarts`, the processes a warm-up started (no user activation waited for them). */
  readonly warmupColdStarts: number;
  /** `coldStarts` by why each process had to be started. */
  readonly coldStartCauses: Readonly<Record<ColdStartCause, number>>;
  readonly warmStarts: number;
  readonly prewarmedStarts: number;
  /** Memory held by idle processes, GB-s. */
  readonly idleMemoryGBs: number;
  readonly outOfMemoryKills: number;
}

interface Running {
  couch: EmbeddedCouchDb | undefined;
  readonly server: LocalOpenWhisk;
  readonly store: Store;
  readonly platform: OpenWhiskPlatform;
  readonly ow: ReturnType<typeof openwhisk>;
  readonly access: RuntimeAccess;
  readonly workflowInvoker: ChildProcessInvoker;
  readonly deployed: DeployReport[];
}

/** The `definition` param of bo-step for a live workflow. */
export function liveBoStepDefinition(w: LiveWorkflow, space: LiveRuntimeOptions['space']): Record<string, unknown> {
  return {
    stages: w.stages.map((s) => ({ name: s.name, action: `${w.name}/${s.name}`, after: [...s.after], memoryMB: { ...space.memoryMB }, cpu: { ...space.cpu } })),
    prices: { ...w.prices },
    overheadMs: w.overheadMs,
  };
}

/** The live runtime: {@link start}, optionally {@link startAlarms}, run load, {@link stopAlarms}, {@link report}, {@link stop}. */
export class LiveRuntime {
  private running: Running | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly ticks: LiveTick[] = [];
  private startedMs = 0;

  constructor(private readonly options: LiveRuntimeOptions) {}

  private get live(): Running {
    if (this.running === undefined) throw new Error('the live runtime is not running: call start() first');
    return this.running;
  }

  /** How to reach it, and the store (tests). */
  get handles(): { readonly access: RuntimeAccess; readonly store: Store; readonly server: LocalOpenWhisk; readonly platform: OpenWhiskPlatform } {
    const r = this.live;
    return { access: r.access, store: r.store, server: r.server, platform: r.platform };
  }

  /** Whether the workflows' processes really run under their limits. */
  get limitsEnforced(): boolean {
    return this.live.workflowInvoker.limitsEnforced;
  }

  /** Starts CouchDB and the local OpenWhisk, deploys both manifests, sets every stage to the start limits. */
  async start(): Promise<RuntimeAccess> {
    if (this.running !== undefined) throw new Error('the live runtime is already running');
    const o = this.options;
    let couch: EmbeddedCouchDb | undefined;
    let liveOw: LiveOpenWhisk | undefined;
    try {
      if (o.couchDbUrl === undefined) {
        couch = await startEmbeddedCouchDb({ storage: o.storage });
        o.log(`embedded CouchDB on ${couch.url}`);
      }
      const couchDbUrl = o.couchDbUrl ?? couch?.url ?? '';
      const dbPrefix = o.dbPrefix ?? `live${o.seed}_${randomBytes(4).toString('hex')}_`;
      const store = await openStore({ url: couchDbUrl, dbPrefix });
      liveOw = await startLiveOpenWhisk({
        limitedPackages: new Set(o.workflows.map((w) => w.name)),
        ...(o.limits === undefined ? {} : { limits: o.limits }),
        ...(o.keepAliveMs === undefined ? {} : { keepAliveMs: o.keepAliveMs }),
        ...(o.userMemoryMB === undefined ? {} : { userMemoryMB: o.userMemoryMB }),
        seed: o.seed,
        warn: o.warn,
      });
      const server = liveOw.server;
      const workflowInvoker = liveOw.limited;
      const access: RuntimeAccess = { apiHost: server.apiHost, apiKey: server.apiKey, namespace: server.namespace, couchDbUrl, dbPrefix };
      const deployOne = (manifestPath: string, bundleDir: string | undefined, deploymentPath?: string): Promise<DeployReport> =>
        deployManifest({
          manifestPath,
          ...(deploymentPath === undefined ? {} : { deploymentPath }),
          env: { COUCHDB_URL: couchDbUrl, AQUATOPE_DB_PREFIX: dbPrefix },
          apiHost: access.apiHost,
          apiKey: access.apiKey,
          feeds: 'skip',
          allowUnset: true,
          ...(bundleDir === undefined ? {} : { bundleDir }),
          log: (line) => o.log(`deploy: ${line}`),
          warn: () => undefined,
        });
      const deployed = [await deployOne(o.manifestPath, o.bundleDir, o.deploymentPath), await deployOne(o.workflowsManifestPath, o.workflowsBundleDir)];
      const triggers = deployed.flatMap((d) => d.triggers);
      for (const t of [SCHEDULER_TRIGGER, BO_STEP_TRIGGER]) {
        if (!triggers.includes(t)) throw new Error(`the manifest ${o.manifestPath} declares no trigger ${t}: the live workflows cannot be managed`);
      }
      const ow = openwhisk({ apihost: access.apiHost, api_key: access.apiKey });
      const platform = OpenWhiskPlatform.create({ apiHost: access.apiHost, apiKey: access.apiKey, namespace: access.namespace, cpuLimitExtension: true, env: {} });
      const entries = Object.fromEntries(o.workflows.map((w) => [w.name, `/${access.namespace}/${w.name}/${LIVE_ENTRY_ACTION}`]));
      await ow.packages.update({
        name: MANAGER_PACKAGE,
        package: {
          parameters: [
            { key: 'dbPrefix', value: dbPrefix },
            { key: 'workflows', value: entries },
            { key: 'cpuLimitExtension', value: true },
            { key: 'probeWindowMs', value: o.probeWindowMs ?? 60_000 },
          ],
        },
      });
      for (const w of o.workflows) {
        for (const s of w.stages) await platform.updateActionLimits(`${w.name}/${s.name}`, { memoryMB: o.startLimits.memoryMB, cpu: o.startLimits.cpu });
        // The composition's conductor runs between stages: light work, but a cold node start at the CPU that 256 MB brings (0.14 cores) would take a second.
        await platform.updateActionLimits(`${w.name}/${LIVE_ENTRY_ACTION}`, { memoryMB: CONDUCTOR_LIMITS.memoryMB, cpu: CONDUCTOR_LIMITS.cpu });
        await store.workflowConfigs.create({
          workflow: w.name,
          qos: w.qos,
          stages: w.stages.map((s) => ({ stage: s.name, memoryMB: o.startLimits.memoryMB, cpu: o.startLimits.cpu })),
          source: 'default',
          updatedAt: new Date().toISOString(),
        });
        o.log(`workflow ${w.name}: ${w.stages.length} stages at ${o.startLimits.memoryMB} MB, ${o.startLimits.cpu} cores; target p${w.qos.percentile} <= ${w.qos.targetMs} ms`);
      }
      if (!workflowInvoker.limitsEnforced) o.log('the workflows run WITHOUT CPU and memory limits (cgroups not writable): numbers are marked unlimited');
      this.running = { couch, server, store, platform, ow, access, workflowInvoker, deployed };
      this.startedMs = Date.now();
      return access;
    } catch (error) {
      await liveOw?.stop();
      await couch?.stop();
      throw error;
    }
  }

  /**
   * Fires `trigger` with `params` as the alarms feed does and waits (up to
   * `timeoutMs`) until the actions its rules ran have ended: the first error
   * among them, or null.
   */
  async fire(trigger: string, params: Record<string, unknown>, timeoutMs = 120_000): Promise<LiveTick> {
    const { ow, server } = this.live;
    const fireTime = typeof params['fireTime'] === 'string' ? params['fireTime'] : new Date().toISOString();
    let failure: string | null = null;
    let results: unknown[] = [];
    try {
      const fired: unknown = await ow.triggers.invoke({ name: trigger, params });
      const id = typeof fired === 'object' && fired !== null && 'activationId' in fired && typeof fired.activationId === 'string' ? fired.activationId : null;
      if (id === null) failure = 'the trigger fired no rule';
      else ({ results, failure } = await waitForRules(server, id, Date.now() + timeoutMs));
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    }
    const tick: LiveTick = { trigger, fireTime, results, failure };
    this.ticks.push(tick);
    return tick;
  }

  /** Fires the scheduler every period (first at the next minute boundary) and bo-step every probe window, on the real clock. */
  startAlarms(): void {
    const o = this.options;
    if (!o.managed) return;
    const period = o.schedulerPeriodMs ?? 60_000;
    const window = o.probeWindowMs ?? 60_000;
    const launch = (run: () => Promise<unknown>): void => {
      const p = run().then(
        () => undefined,
        () => undefined,
      );
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    };
    const every = (periodMs: number, alignMs: number, tick: () => void): void => {
      const first = setTimeout(() => {
        tick();
        const t = setInterval(tick, periodMs);
        this.timers.push(t);
      }, alignMs);
      this.timers.push(first);
    };
    const now = Date.now();
    const toMinute = 60_000 - (now % 60_000);
    every(period, period === 60_000 ? toMinute : period, () => {
      const fireTime = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
      launch(() => this.fire(SCHEDULER_TRIGGER, { fireTime }));
    });
    every(window, window, () => {
      const fireTime = new Date().toISOString();
      for (const w of o.workflows) launch(() => this.fire(BO_STEP_TRIGGER, { workflow: w.name, fireTime, definition: liveBoStepDefinition(w, o.space) }));
    });
  }

  /** Stops the alarms and waits for the ticks in flight. */
  async stopAlarms(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await Promise.all([...this.inFlight]);
  }

  /** What the run measured since {@link start}, from the activation records and the invoker. */
  async report(): Promise<LiveRunReport> {
    const { platform, workflowInvoker, store } = this.live;
    const toMs = Date.now();
    const search: Record<string, { observations: number; phase: string | null; lastDecision: string | null }> = {};
    const bo = this.ticks.filter((t) => t.trigger === BO_STEP_TRIGGER);
    const boResults = bo.flatMap((t) => t.results);
    const workflows: LiveWorkflowSummary[] = [];
    const finalLimits: Record<string, Record<string, StageConfig>> = {};
    for (const w of this.options.workflows) {
      const entry = await platform.listActivationsSince(this.startedMs, { name: `${w.name}/${LIVE_ENTRY_ACTION}`, docs: true });
      const stages = [];
      finalLimits[w.name] = {};
      for (const s of w.stages) {
        stages.push(...(await platform.listActivationsSince(this.startedMs, { name: `${w.name}/${s.name}`, docs: true })));
        const info = await platform.getAction(`${w.name}/${s.name}`);
        finalLimits[w.name][s.name] = { memoryMB: info.limits.memoryMB, cpu: info.limits.cpu ?? cpuOfMemory(info.limits.memoryMB) };
      }
      // A composition's top-level record is the one without a cause (its conductor runs are recorded too).
      workflows.push(summariseLiveWorkflow(w.name, w.qos, w.prices, entry.filter(isTopLevel), stages, cpuOfMemory));
      search[w.name] = {
        observations: (await store.observations.forWorkflow(w.name)).length,
        phase: (await store.searchStates.get(w.name))?.doc.phase ?? null,
        lastDecision: lastBoStepDecision(boResults, w.name),
      };
    }
    const stats = workflowInvoker.stats();
    const scheduler = this.ticks.filter((t) => t.trigger === SCHEDULER_TRIGGER);
    return {
      managed: this.options.managed,
      limitsEnforced: workflowInvoker.limitsEnforced,
      fromMs: this.startedMs,
      toMs,
      workflows,
      processes: {
        coldStarts: stats.coldStarts,
        warmupColdStarts: stats.warmupColdStarts,
        coldStartCauses: stats.coldStartCauses,
        warmStarts: stats.warmStarts,
        prewarmedStarts: stats.prewarmedStarts,
        idleMemoryGBs: stats.idleMemoryMBms / 1024 / 1000,
        outOfMemoryKills: stats.outOfMemoryKills,
      },
      schedulerTicks: scheduler.length,
      failedSchedulerTicks: scheduler.filter((t) => t.failure !== null).length,
      boStepTicks: bo.length,
      failedBoStepTicks: bo.filter((t) => t.failure !== null).length,
      firstFailure: this.ticks.find((t) => t.failure !== null)?.failure ?? null,
      finalLimits,
      search,
    };
  }

  /** Stops the alarms, the local OpenWhisk and every process it started, and the embedded CouchDB. */
  async stop(): Promise<void> {
    await this.stopAlarms();
    const r = this.running;
    this.running = undefined;
    if (r === undefined) return;
    try {
      // Closes both invokers: every action process and its cgroups.
      await r.server.stop();
    } finally {
      await r.couch?.stop();
    }
  }
}

function isTopLevel(a: { annotations: readonly { key: string; value: unknown }[] }): boolean {
  const topmost = a.annotations.find((k) => k.key === 'topmost')?.value;
  const kind = a.annotations.find((k) => k.key === 'kind')?.value;
  return kind === 'sequence' || topmost === true;
}

/** Waits until every action the trigger activation's rules started has ended; their results and the first error, or null. */
async function waitForRules(server: LocalOpenWhisk, triggerId: string, deadlineMs: number): Promise<{ results: unknown[]; failure: string | null }> {
  const ids = ruleActivationIds(server, triggerId);
  for (;;) {
    const r = ruleResults(server, ids);
    if (r.pending.length === 0) return { results: r.results, failure: r.failure };
    if (Date.now() > deadlineMs) return { results: r.results, failure: `activation ${r.pending[0]} had not ended by the tick's deadline` };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
