/**
 * `aquatope load` end to end: the real locust (Debian's /usr/bin/locust) runs
 * locust/locustfile.py for ~30 s against a local OpenWhisk whose workflow
 * actions run as child `node` processes, started through `startRuntime`.
 * Afterwards no process the run started is left.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOAD_OPTIONS_HELP, runLoadCommand } from '../../src/cli/load-command';
import { parseLocustStats } from '../../src/load/locust-stats';
import type { RuntimeHandle } from '../../src/load/run-load';
import {
  azure2019Csv,
  descendantPids,
  isAlive,
  processesMentioning,
  startChildProcessWorkflowHost,
  tempDir,
  watchDescendants,
  WORKFLOWS,
} from '../load/load-fixtures';
import { describeWithTool } from '../support/debian-tools';
const describeTool = describeWithTool('locust');

const dir = tempDir('aquatope-load-cmd-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noInterrupts = { subscribe: () => () => undefined };

describe('aquatope load: options', () => {
  it('answers an unknown option or a bad value with the message and the help, exit code 2', async () => {
    const lines: string[] = [];
    const startRuntime = jest.fn(async (): Promise<RuntimeHandle> => {
      throw new Error('must not start');
    });
    const deps = { env: {}, log: (l: string) => lines.push(l), startRuntime, interrupts: noInterrupts };
    expect(await runLoadCommand(['--run-time', '10'], deps)).toBe(2);
    expect(lines[0]).toMatch(/^aquatope load: Unknown option '--run-time'/);
    expect(lines.join('\n')).toContain(LOAD_OPTIONS_HELP.trimEnd());
    lines.length = 0;
    expect(await runLoadCommand(['--speedup', '0'], deps)).toBe(2);
    expect(lines[0]).toBe('aquatope load: --speedup must be a finite number > 0, got "0"');
    expect(startRuntime).not.toHaveBeenCalled();
  });

  it('documents every option with its default', () => {
    for (const flag of ['--trace FILE', '--functions SPEC', '--minutes A:B', '--speedup X', '--max-users N', '--pacing S', '--workflows', '--params JSON', '--host URL', '--out DIR', '--seed S']) {
      expect(LOAD_OPTIONS_HELP).toContain(`  ${flag}`);
    }
    expect(LOAD_OPTIONS_HELP).toContain('(default top:3)');
    expect(LOAD_OPTIONS_HELP).toContain('(default 0:10)');
  });
});

describeTool('aquatope load: a 30-second run against a local OpenWhisk', () => {
  it('sends the trace-shaped load with no failed request and leaves no process behind', async () => {
    // 3 minutes at speedup 6 = 10 s each; 20, 40 and 30 invocations a minute -> 2, 4 and 3 users, one request a second each.
    const trace = join(dir, 'invocations_per_function_md.anon.d01.csv');
    writeFileSync(trace, azure2019Csv([[10, 20, 10], [5, 10, 10], [5, 10, 10]]));
    const out = join(dir, 'out');
    const lines: string[] = [];
    const startRuntime = async (): Promise<RuntimeHandle> => (await startChildProcessWorkflowHost(51)).handle;
    const before = new Set(descendantPids());
    const watch = watchDescendants(200);
    let locustPid = 0;
    const started = Date.now();
    const code = await runLoadCommand(['--trace', trace, '--functions', 'first:3', '--minutes', '0:3', '--speedup', '6', '--max-users', '10', '--out', out], {
      env: { PATH: '/usr/bin:/bin', HOME: dir },
      log: (l) => lines.push(l),
      startRuntime,
      interrupts: noInterrupts,
      onLocustStarted: (pid) => {
        locustPid = pid;
      },
    });
    const elapsedS = (Date.now() - started) / 1000;
    const seen = watch.stop();
    process.stderr.write(`load smoke run: ${elapsedS.toFixed(1)} s; last lines:\n${lines.slice(-6).join('\n')}\n`);
    expect(code).toBe(0);

    const summary = parseLocustStats(readFileSync(join(out, 'locust_stats.csv'), 'utf8'), 'locust_stats.csv');
    expect(summary.aggregated.requests).toBeGreaterThan(30);
    expect(summary.aggregated.failures).toBe(0);
    expect(summary.workflows.map((w) => w.name).sort()).toEqual([...WORKFLOWS].sort());
    expect(summary.aggregated.medianMs).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('users per minute [2,4,3]'))).toBe(true);
    expect(elapsedS).toBeGreaterThan(29);

    // Nothing the run started is left: locust, the action processes, anything else.
    expect(locustPid).toBeGreaterThan(0);
    expect(seen.has(locustPid)).toBe(true);
    const startedPids = [...seen].filter((p) => !before.has(p));
    expect(startedPids.length).toBeGreaterThan(1);
    expect(startedPids.filter(isAlive)).toEqual([]);
    expect(processesMentioning(out)).toEqual([]);
    expect(processesMentioning('locustfile.py').filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir))).toEqual([]);
  }, 90_000);
});
