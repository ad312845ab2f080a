/**
 * The 30-second Locust smoke run against the LIVE local runtime: the real
 * social-network workflow (its stages in child processes under cgroup
 * limits), the manager deployed with its alarms running, the real
 * /usr/bin/locust. Zero failed requests, and nothing the run started is left.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoadCommand } from '../../src/cli/load-command';
import { buildAll } from '../../src/deploy/build-actions';
import { listAquatopeGroups, probeCgroups } from '../../src/live/cgroup-v1';
import { parseLocustStats } from '../../src/load/locust-stats';
import type { RuntimeHandle } from '../../src/load/run-load';
import { LiveRuntime, type LiveRunReport } from '../../src/runtime/live-runtime';
import { LIVE_MAX_LIMITS, LIVE_SPACE } from '../../src/runtime/live-workflows';
import { SMALL_INPUTS } from '../benchmark/workflows/real/small-inputs';
import { azure2019Csv, descendantPids, isAlive, watchDescendants } from '../load/load-fixtures';
import { describeWithTool } from '../support/debian-tools';
const describeTool = describeWithTool('locust');

const REPO = join(__dirname, '..', '..');
const probe = probeCgroups();
if (!probe.writable) console.log(`the live Locust smoke run is skipped: it needs writable cgroups (${probe.reason})`);
const live = probe.writable ? describeTool : describe.skip;

live('aquatope load against the live local runtime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aquatope-load-live-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs 30 s of trace-shaped load on the real workflow with zero failed requests and leaves no process or cgroup behind', async () => {
    await buildAll({ rootDir: REPO, outDir: join(dir, 'dist') });
    // 3 minutes at speedup 6 = 10 s each; 12, 24 and 12 invocations a minute -> 1, 2 and 1 users, one request a second each.
    const trace = join(dir, 'invocations_per_function_md.anon.d01.csv');
    writeFileSync(trace, azure2019Csv([[12, 24, 12]]));
    const out = join(dir, 'out');
    const lines: string[] = [];
    let atStop: LiveRunReport | undefined;
    const startRuntime = async (): Promise<RuntimeHandle> => {
      const r = new LiveRuntime({
        manifestPath: join(REPO, 'manifests', 'manifest.yaml'),
        deploymentPath: join(REPO, 'manifests', 'deployment.yaml'),
        workflowsManifestPath: join(REPO, 'manifests', 'workflows.yaml'),
        bundleDir: join(dir, 'dist', 'actions'),
        workflowsBundleDir: join(dir, 'dist', 'workflows'),
        workflows: [{ name: 'social-network', stages: [{ name: 'compose-post', after: [] }, { name: 'text-filter', after: ['compose-post'] }, { name: 'social-graph', after: ['compose-post'] }, { name: 'store-post', after: ['text-filter', 'social-graph'] }], qos: { percentile: 95, targetMs: 3000 }, prices: { gbSecond: 0.0000166667, cpuCoreSecond: 0 }, overheadMs: 60 }],
        storage: { kind: 'memory' },
        managed: true,
        startLimits: LIVE_MAX_LIMITS,
        space: LIVE_SPACE,
        probeWindowMs: 15_000,
        schedulerPeriodMs: 15_000,
        seed: 5,
        log: () => undefined,
        warn: (line) => lines.push(`warning: ${line}`),
      });
      const access = await r.start();
      r.startAlarms();
      const stop = async (): Promise<void> => {
        await r.stopAlarms();
        atStop = await r.report();
        await r.stop();
      };
      return { apiHost: access.apiHost, apiKey: access.apiKey, stop };
    };
    const before = new Set(descendantPids());
    const watch = watchDescendants(200);
    const code = await runLoadCommand(
      ['--trace', trace, '--functions', 'first:1', '--minutes', '0:3', '--speedup', '6', '--workflows', 'social-network', '--params', JSON.stringify(SMALL_INPUTS['social-network']), '--out', out],
      { env: { PATH: '/usr/bin:/bin', HOME: dir }, log: (l) => lines.push(l), startRuntime, interrupts: { subscribe: () => () => undefined } },
    );
    const seen = watch.stop();
    process.stderr.write(`live load smoke run, last lines:\n${lines.slice(-5).join('\n')}\n`);
    expect(code).toBe(0);
    const summary = parseLocustStats(readFileSync(join(out, 'locust_stats.csv'), 'utf8'), 'locust_stats.csv');
    expect(summary.aggregated.requests).toBeGreaterThan(20);
    expect(summary.aggregated.failures).toBe(0);
    expect(lines.some((l) => l.startsWith('warning'))).toBe(false);
    // The manager ran during the load: its alarms fired on the live records, and the workflow's invocations are in them.
    expect(atStop?.schedulerTicks).toBeGreaterThanOrEqual(1);
    expect(atStop?.failedSchedulerTicks).toBe(0);
    expect(atStop?.boStepTicks).toBeGreaterThanOrEqual(1);
    // Locust counts the requests that ended before it stopped; a user's last one may still reach the runtime (at most one per user, 2 here).
    const invocations = atStop?.workflows[0].invocations ?? 0;
    expect(invocations).toBeGreaterThanOrEqual(summary.aggregated.requests);
    expect(invocations).toBeLessThanOrEqual(summary.aggregated.requests + 2);

    const startedPids = [...seen].filter((p) => !before.has(p));
    expect(startedPids.length).toBeGreaterThan(3);
    expect(startedPids.filter(isAlive)).toEqual([]);
    expect(listAquatopeGroups().filter((g) => g.includes(`aquatope-${process.pid}-`))).toEqual([]);
  }, 180_000);
});
