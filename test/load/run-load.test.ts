/**
 * `npm run load` around locust: bad input is refused before any load with a
 * clear error and no locust started; the time limit and interrupts stop the
 * locust process group and the runtime; the key reaches locust only through
 * its environment. Locust is replaced by small shell scripts here; the real
 * one runs in test/cli/load-command.test.ts.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoadCommand } from '../../src/cli/load-command';
import { parseActivationQuery } from '../../src/local-openwhisk/list-query';
import { LoadInterruptedError, LoadRunError, LoadValidationError } from '../../src/load/load-errors';
import { parseLoadArgs } from '../../src/load/load-options';
import { CONVERTED_TRACE_FILE } from '../../src/load/load-trace';
import { DEFAULT_KILL_GRACE_MS, findLocust } from '../../src/load/locust-process';
import { processInterrupts, runLoad, type InterruptSource, type LoadDeps, type RuntimeHandle } from '../../src/load/run-load';
import { azure2019Csv, closedPort, isAlive, processesMentioning, startInProcessWorkflowHost, tempDir, writeScript, type WorkflowHost } from './load-fixtures';
import { describeWithTool } from '../support/debian-tools';
const describeTool = describeWithTool('locust');

/**
 * Whether `pid` is gone within 3 s: a process sent SIGTERM or SIGKILL with its
 * group ends a moment after the call that signalled it returns.
 */
async function goneWithin(pid: number): Promise<boolean> {
  for (let waited = 0; waited < 3000; waited += 50) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isAlive(pid);
}

const dir = tempDir('aquatope-run-load-');
const trace = join(dir, 'trace.csv');
const marker = join(dir, 'locust-started');
/** A "locust" that only records that it was started. */
const markerLocust = writeScript(join(dir, 'marker-locust'), `echo started >> ${marker}`);
/** A "locust" that never ends on its own: records its pid and its child's, then waits. */
const sleeperLocust = writeScript(join(dir, 'sleeper-locust'), `echo $$ > ${join(dir, 'sleeper.pid')}\nsleep 60 &\necho $! > ${join(dir, 'sleeper-child.pid')}\nwait`);
/** A "locust" that records its arguments and environment and writes a stats file under its --csv prefix. */
const writerLocust = writeScript(
  join(dir, 'writer-locust'),
  [
    `printf '%s\\n' "$@" > ${join(dir, 'args.txt')}`,
    `env > ${join(dir, 'env.txt')}`,
    'prefix=""; prev=""',
    'for a in "$@"; do if [ "$prev" = "--csv" ]; then prefix="$a"; fi; prev="$a"; done',
    'printf "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%%,95%%,100%%\\n" > "$prefix"_stats.csv',
    'printf "POST,ml-inference,5,${FAILS:-0},60,61.0,55,70,100,1.0,0.0,60,70,70\\n,Aggregated,5,${FAILS:-0},60,61.0,55,70,100,1.0,0.0,60,70,70\\n" >> "$prefix"_stats.csv',
    'exit ${FAILS:-0}',
  ].join('\n'),
);

let host: WorkflowHost;
const logs: string[] = [];

/** A handle on the shared host whose stop is only counted (the host outlives each test). */
function countedRuntime(): { startRuntime: jest.Mock<Promise<RuntimeHandle>, []>; stop: jest.Mock<Promise<void>, []> } {
  const stop = jest.fn(async () => undefined);
  const startRuntime = jest.fn(async () => ({ apiHost: host.handle.apiHost, apiKey: host.handle.apiKey, stop }));
  return { startRuntime, stop };
}

function deps(extra: Partial<LoadDeps> = {}): LoadDeps {
  return {
    env: { PATH: '/usr/bin:/bin' },
    log: (line) => logs.push(line),
    startRuntime: async () => {
      throw new Error('startRuntime must not be called');
    },
    locustPath: markerLocust,
    interrupts: { subscribe: () => () => undefined },
    ...extra,
  };
}

beforeAll(async () => {
  host = await startInProcessWorkflowHost(41);
  writeFileSync(trace, azure2019Csv([[60, 120, 0], [30, 0, 90], [0, 0, 6]]));
});
afterAll(async () => {
  await host.handle.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  logs.length = 0;
  rmSync(marker, { force: true });
});

describe('bad input is refused before any load, with no locust started', () => {
  const bad = join(dir, 'bad.csv');
  const zeros = join(dir, 'zeros.csv');
  beforeAll(() => {
    writeFileSync(bad, azure2019Csv([[1, 2, 3], [4, 5, 6]]).replace('owner1,app1,func1,http,4,5,6', 'owner1,app1,func1,http,4,5.5,6'));
    writeFileSync(zeros, azure2019Csv([[0, 0, 0]]));
  });

  const cases: [string, () => Promise<string[]>, () => Promise<NodeJS.ProcessEnv>, RegExp][] = [
    ['a trace that does not parse (file and line)', async () => ['--trace', bad, '--minutes', '0:3'], async () => ({}), /bad\.csv:3:6: expected a non-negative integer count, found "5\.5"/],
    ['a trace file that is missing', async () => ['--trace', join(dir, 'missing.csv')], async () => ({}), /missing\.csv: cannot read the trace \(ENOENT/],
    ['--speedup 0', async () => ['--trace', trace, '--minutes', '0:3', '--speedup', '0'], async () => ({}), /--speedup must be a finite number > 0, got "0"/],
    ['--speedup=-1', async () => ['--trace', trace, '--minutes', '0:3', '--speedup=-1'], async () => ({}), /--speedup must be a finite number > 0, got "-1"/],
    ['--speedup -1', async () => ['--trace', trace, '--minutes', '0:3', '--speedup', '-1'], async () => ({}), /--speedup/],
    ['--speedup abc', async () => ['--trace', trace, '--minutes', '0:3', '--speedup', 'abc'], async () => ({}), /--speedup must be a finite number > 0, got "abc"/],
    ['minutes past the trace', async () => ['--trace', trace, '--minutes', '2:9'], async () => ({}), /--minutes "2:9": the trace .*trace\.csv has 3 minutes \(0:3 at most\)/],
    ['functions past the trace', async () => ['--trace', trace, '--minutes', '0:3', '--functions', '0,5'], async () => ({}), /--functions: index 5 is outside the trace .* \(3 functions, 0..2\)/],
    ['no users in any minute', async () => ['--trace', zeros, '--minutes', '0:3'], async () => ({}), /ask for no users in minutes 0:3/],
    [
      'a host that does not answer (a closed port)',
      async () => ['--trace', trace, '--minutes', '0:3', '--host', `http://127.0.0.1:${await closedPort()}`],
      async () => ({ AQUATOPE_API_KEY: host.handle.apiKey }),
      /the OpenWhisk host http:\/\/127\.0\.0\.1:\d+ does not answer \(GET http:\/\/127\.0\.0\.1:\d+\/api\/v1: connect ECONNREFUSED/,
    ],
    ['--host without a key', async () => ['--trace', trace, '--minutes', '0:3', '--host', host.handle.apiHost], async () => ({}), /--host needs an OpenWhisk API key: set AQUATOPE_API_KEY or __OW_API_KEY/],
    [
      'a key the host rejects',
      async () => ['--trace', trace, '--minutes', '0:3', '--host', host.handle.apiHost],
      async () => ({ __OW_API_KEY: `${host.handle.apiKey.split(':')[0]}:wrong` }),
      /rejects the API key \(GET .*\/api\/v1\/namespaces\/_\/actions\?limit=1 answered 401\)/,
    ],
    [
      'a workflow the host lacks',
      async () => ['--trace', trace, '--minutes', '0:3', '--host', host.handle.apiHost, '--workflows', 'ml-inference,nope'],
      async () => ({ AQUATOPE_API_KEY: host.handle.apiKey }),
      /has no action nope\/invoke/,
    ],
  ];

  it.each(cases)('%s: exit code 2', async (_what, argv, env, message) => {
    const startRuntime = jest.fn(async (): Promise<RuntimeHandle> => {
      throw new Error('must not start');
    });
    const code = await runLoadCommand(await argv(), { ...deps({ startRuntime }), env: { PATH: '/usr/bin:/bin', ...(await env()) } });
    expect(code).toBe(2);
    expect(logs.join('\n')).toMatch(message);
    expect(startRuntime).not.toHaveBeenCalled();
    expect(existsSync(marker)).toBe(false);
    expect(processesMentioning(markerLocust)).toEqual([]);
    expect(host.server.controller.listActivations(parseActivationQuery({}))).toEqual([]);
  });

  it('says to install python3-locust when there is no locust', () => {
    expect(() => findLocust({ PATH: dir }, join(dir, 'no-locust'))).toThrow(LoadValidationError);
    expect(() => findLocust({ PATH: dir }, join(dir, 'no-locust'))).toThrow(/locust not found .*install Debian's python3-locust/);
    const onPath = tempDir('aquatope-path-');
    writeScript(join(onPath, 'locust'), 'exit 0');
    expect(findLocust({ PATH: `/nonexistent:${onPath}` }, join(dir, 'no-locust'))).toBe(join(onPath, 'locust'));
    rmSync(onPath, { recursive: true, force: true });
  });
});

describeTool('running locust', () => {
  const options = (extra: string[] = []): ReturnType<typeof parseLoadArgs> =>
    parseLoadArgs(['--trace', trace, '--minutes', '0:2', '--speedup', '60', '--out', join(dir, 'out'), ...extra]);

  it('passes the key only in the environment and reads the statistics back; the runtime is stopped', async () => {
    const { startRuntime, stop } = countedRuntime();
    const result = await runLoad(options(['--params', '{"n":1}']), deps({ startRuntime, locustPath: writerLocust, env: { PATH: '/usr/bin:/bin', LOCUST_RUN_TIME: '5', __OW_API_KEY: 'other:key' } }));
    const args = readFileSync(join(dir, 'args.txt'), 'utf8').split('\n');
    const env = readFileSync(join(dir, 'env.txt'), 'utf8');
    expect(args.join(' ')).not.toContain(host.handle.apiKey.split(':')[1]);
    expect(args).toEqual(expect.arrayContaining(['--headless', '--host', host.handle.apiHost, '--trace', trace, '--functions', '0,1,2', '--minutes', '0:2', '--speedup', '60', '--params', '{"n":1}']));
    expect(args).not.toContain('--run-time');
    expect(env).toContain(`AQUATOPE_API_KEY=${host.handle.apiKey}\n`);
    expect(env).not.toContain('LOCUST_RUN_TIME');
    expect(env).not.toContain('__OW_API_KEY');
    expect(result.summary.aggregated).toMatchObject({ requests: 5, failures: 0, medianMs: 60, p95Ms: 70 });
    expect(result.plan.users).toEqual([50, 50]);
    expect(startRuntime).toHaveBeenCalledTimes(1);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(existsSync(join(dir, 'out', 'load-summary.json'))).toBe(true);
  });

  it('exits 1 when requests failed, 0 when none did', async () => {
    const { startRuntime } = countedRuntime();
    const argv = ['--trace', trace, '--minutes', '0:2', '--speedup', '60', '--out', join(dir, 'out')];
    expect(await runLoadCommand(argv, deps({ startRuntime, locustPath: writerLocust }))).toBe(0);
    expect(await runLoadCommand(argv, deps({ startRuntime, locustPath: writerLocust, env: { PATH: '/usr/bin:/bin', FAILS: '1' } }))).toBe(1);
    expect(logs.join('\n')).toContain('| Aggregated | 5 | 1 | 60 | 70 |');
  });

  it('stops locust and its children at the time limit, with an error, and stops the runtime', async () => {
    const { startRuntime, stop } = countedRuntime();
    const started = Date.now();
    await expect(runLoad(options(), deps({ startRuntime, locustPath: sleeperLocust, timeoutMarginMs: 500, killGraceMs: 500 }))).rejects.toThrow(
      new LoadRunError('locust did not finish within 2.5 s (the shape lasts 2 s): it was stopped'),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    const pid = Number(readFileSync(join(dir, 'sleeper.pid'), 'utf8'));
    const child = Number(readFileSync(join(dir, 'sleeper-child.pid'), 'utf8'));
    expect(await goneWithin(pid)).toBe(true);
    expect(await goneWithin(child)).toBe(true);
    expect(stop).toHaveBeenCalledTimes(1);
  }, 20_000);

  it('on an interrupt stops locust and the runtime; the command exits 130', async () => {
    const { startRuntime, stop } = countedRuntime();
    let fire: () => void = () => undefined;
    const interrupts: InterruptSource = {
      subscribe(handler) {
        fire = handler;
        return () => {
          fire = () => undefined;
        };
      },
    };
    const onLocustStarted = (): void => {
      setTimeout(() => fire(), 300);
    };
    const argv = ['--trace', trace, '--minutes', '0:2', '--speedup', '1', '--out', join(dir, 'out')];
    const code = await runLoadCommand(argv, deps({ startRuntime, locustPath: sleeperLocust, interrupts, onLocustStarted, killGraceMs: 500 }));
    expect(code).toBe(130);
    expect(logs.join('\n')).toMatch(/interrupted after .* s: locust and the runtime were stopped/);
    expect(await goneWithin(Number(readFileSync(join(dir, 'sleeper.pid'), 'utf8')))).toBe(true);
    expect(await goneWithin(Number(readFileSync(join(dir, 'sleeper-child.pid'), 'utf8')))).toBe(true);
    expect(stop).toHaveBeenCalledTimes(1);
  }, 20_000);

  it('an interrupt before the load stops the started runtime and sends nothing', async () => {
    const { stop } = countedRuntime();
    let fire: () => void = () => undefined;
    const interrupts: InterruptSource = {
      subscribe(handler) {
        fire = handler;
        return () => undefined;
      },
    };
    const startRuntime = jest.fn(async () => {
      fire();
      return { apiHost: host.handle.apiHost, apiKey: host.handle.apiKey, stop };
    });
    await expect(runLoad(options(), deps({ startRuntime, interrupts }))).rejects.toThrow(LoadInterruptedError);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(existsSync(marker)).toBe(false);
  });

  it('stops the real locust on an interrupt within the grace time, leaving no process', async () => {
    const { startRuntime, stop } = countedRuntime();
    let fire: () => void = () => undefined;
    const interrupts: InterruptSource = {
      subscribe(handler) {
        fire = handler;
        return () => undefined;
      },
    };
    let locustPid = 0;
    let firedAt = 0;
    const timers: NodeJS.Timeout[] = [];
    const interrupt = (): void => {
      if (firedAt !== 0) return;
      firedAt = Date.now();
      fire();
    };
    // The interrupt comes once locust has started its shape (it takes a few
    // seconds to import on a loaded machine), or after 12 s if it never does.
    const run = runLoad(options(['--speedup', '1']), {
      ...deps({ startRuntime, interrupts, locustPath: '/usr/bin/locust', env: { PATH: '/usr/bin:/bin', HOME: dir } }),
      log: (line) => {
        logs.push(line);
        if (line.includes('Shape test updating to')) timers.push(setTimeout(interrupt, 500));
      },
      onLocustStarted: (pid) => {
        locustPid = pid;
        timers.push(setTimeout(interrupt, 12_000));
      },
    });
    await expect(run).rejects.toThrow(LoadInterruptedError);
    timers.forEach((t) => clearTimeout(t));
    expect(logs.some((l) => l.includes('Shape test updating to'))).toBe(true);
    expect(Date.now() - firedAt).toBeLessThan(DEFAULT_KILL_GRACE_MS + 5000);
    expect(locustPid).toBeGreaterThan(0);
    expect(await goneWithin(locustPid)).toBe(true);
    expect(processesMentioning(join(dir, 'out'))).toEqual([]);
    expect(stop).toHaveBeenCalledTimes(1);
  }, 40_000);

  it('subscribes to SIGINT and SIGTERM while running and lets go afterwards', () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const off = processInterrupts.subscribe(() => undefined);
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual([before[0] + 1, before[1] + 1]);
    off();
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });

  it('runs the real locust on the synthetic trace, converted to the 2019 layout', async () => {
    const { startRuntime, stop } = countedRuntime();
    const out = join(dir, 'synthetic-out');
    const result = await runLoad(parseLoadArgs(['--minutes', '600:602', '--speedup', '30', '--max-users', '5', '--out', out]), {
      ...deps({ startRuntime, locustPath: '/usr/bin/locust', env: { PATH: '/usr/bin:/bin', HOME: dir } }),
    });
    expect(existsSync(join(out, CONVERTED_TRACE_FILE))).toBe(true);
    expect(logs.join('\n')).toContain(join(out, CONVERTED_TRACE_FILE));
    expect(result.rows).toHaveLength(3);
    expect(result.plan.durationS).toBe(4);
    expect(result.summary.aggregated.requests).toBeGreaterThan(0);
    expect(result.summary.aggregated.failures).toBe(0);
    expect(result.locust.code).toBe(0);
    expect(stop).toHaveBeenCalledTimes(1);
  }, 30_000);
});
