import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { runKeepaliveBench, type KeepaliveReport } from '../../benchmark/keepalive-bench';
import { keepalivePlotSvg } from '../../benchmark/report/keepalive-plot';
import { keepaliveMarkdown } from '../../benchmark/report/keepalive-table';
import { boMarkdown } from '../../benchmark/report/bo-table';
import { runBoStepBench } from '../../benchmark/bo-step-bench';
import { systemMarkdown } from '../../benchmark/system-bench';
import { runSystemCommand, SYSTEM_OPTIONS_HELP } from './system-command';
import { lookupWorkflow } from '../../benchmark/workflows';
import { BoUsageError, parseBoArgs, runBoCommand, summaryMarkdown, type BoCommand } from './bo-command';
import { POLICY_NAMES_HELP, validatePolicyNames } from '../pool/policy-registry';
import { clusterConfig } from '../sim/cluster-config';
import { loadWorkload } from './load-workload';
import { parseMinuteRange, parsePositiveInt, parseSeed, UsageError } from './parse-options';
import { runTrain } from './train-run';
import { forecastMarkdown } from '../../benchmark/report/forecast-table';
import { loadForecastModel } from '../adapters/model-files';
import { initTensorflow } from '../adapters/tfjs-backend';
import { aquatopeForecaster } from '../forecast/aquatope-forecaster';
import type { Forecaster } from '../forecast/forecast-types';
import { FORECAST_OPTIONS_HELP, parseForecastArgs } from './forecast-options';
import { evaluateHeldOut, runForecastCommand } from './forecast-run';
import { defaultModelDir, repoRoot } from './repo-paths';
import { runTickCommand, TICK_OPTIONS_HELP } from './tick-run';
import { parseStartArgs, runStartCommand, START_OPTIONS_HELP } from './start-command';
import { runtimeMarkdown } from '../runtime/runtime-report';
import { parseProfileArgs, PROFILE_OPTIONS_HELP, runProfileCommand } from './profile-command';
import { LIVE_OPTIONS_HELP, parseLiveArgs, runLiveCommand, startLiveRuntimeForLoad } from './live-command';
import { LOAD_OPTIONS_HELP, runLoadCommand } from './load-command';
import { liveSessionMarkdown } from '../runtime/live-session';

const USAGE = `usage:
  aquatope start [options]           the local runtime: deploy the manager into a local OpenWhisk and run it on a replayed trace
  aquatope bench keepalive [options] run keep-alive/prewarm policies on the same arrivals
  aquatope bench forecast [options]  score the forecaster, aquatope-2023 and naive baselines on held-out minutes
  aquatope bench tick [options]      time one forecasting tick for every function (the forecaster action's minute)
  aquatope bench bo [options]        tune workflows' CPU and memory with every method against the true optimum
  aquatope bench bo-step [--observations N] [--repetitions K]
                                     time one joint-GP step (two fits, one acquisition) at 100 observations in 8-D
  aquatope bench system [options]    the workflows for a day under trace-shaped load, pool policy and tuning together
  aquatope train [options]           train the forecaster and write it with its model card
  aquatope start --live [options]    the real workflows for real under cgroup limits, Locust load, managed vs. stock
  aquatope load [options]            Locust load shaped by a trace against an OpenWhisk (the live local one by default)
  aquatope profile [options]         measure a real workflow's stages under real CPU and memory limits into a profile

bench keepalive options:
  --trace FILE        invocation trace (Azure 2019 either layout, Azure 2021, one-column series); synthetic when absent
  --durations FILE    Azure 2019 duration percentiles (default: the sibling file of --trace, if any)
  --memory FILE       Azure 2019 app memory percentiles (default: the sibling file of --trace, if any)
  --functions N       first N functions of the trace
  --minutes A:B       minutes [A, B) as 0-based offsets from the trace's first minute
  --seed S            seed of arrivals, durations and the synthetic trace (default 1)
  --policies a,b,...  ${POLICY_NAMES_HELP} (default: openwhisk-default,fixed-20,hybrid-histogram,oracle)
  --out DIR           where keepalive.json, keepalive.md and keepalive.svg go (default reports/keepalive)
  --invokers N        invokers in the simulated cluster (default 10)
  --invoker-memory MB user memory per invoker (default 32768)
  --model DIR         forecaster of the aquatope@<risk> policies (default: the committed models/default)

bench bo options:
  --workflow NAME     a modelled workflow (ml-inference, video-pipeline, social-network), a comma list, or all
  --profile FILE      a measured profile instead (its own target; see README "Profiles")
  --qos LEVEL         tight, medium (default), loose, a comma list, or all (modelled workflows only)
  --seeds K           runs per method, seeds 1..K (default 10)
  --methods a,b,...   aquatope, max-resources, power-tuning, power-tuning-qos, cherrypick, aquatope-2023, random (default all)
  --out DIR           where bo.json, bo.md and bo.svg go, one folder per workflow and level when several (default reports/bo)

${START_OPTIONS_HELP}
${LIVE_OPTIONS_HELP}
${LOAD_OPTIONS_HELP}
${PROFILE_OPTIONS_HELP}
${SYSTEM_OPTIONS_HELP}
${FORECAST_OPTIONS_HELP}
${TICK_OPTIONS_HELP}
train options:
  --trace FILE        a training trace (repeatable; default: the first 960 minutes of
                      ../shared/data's 1350_inv.csv and the first 11 days of its 14-day
                      function, or the synthetic trace when that folder is absent)
  --minutes A:B       the minutes of the trace to train on (one for all, or one per --trace);
                      minutes after B are evaluated as held-out data in the model card
  --epochs N          stage 1 (encoder-decoder) epochs (default 10)
  --predictor-epochs N stage 2 (prediction network) epochs (default 30)
  --windows N         training windows per epoch (default 24000)
  --seed S            seed of every random draw (default 1)
  --out DIR           where the model and CARD.md go (default models/default)
`;

const DEFAULT_POLICIES = ['openwhisk-default', 'fixed-20', 'hybrid-histogram', 'oracle'];

interface KeepaliveCommand {
  readonly trace?: string;
  readonly durations?: string;
  readonly memory?: string;
  readonly functions?: number;
  readonly minutes?: { start: number; end: number };
  readonly seed: number;
  readonly policies: string[];
  readonly out: string;
  readonly invokers?: number;
  readonly invokerMemoryMB?: number;
  /** Forecaster directory for aquatope@<risk> policies. */
  readonly model?: string;
}

function parseKeepalive(args: string[]): KeepaliveCommand {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      trace: { type: 'string' },
      durations: { type: 'string' },
      memory: { type: 'string' },
      functions: { type: 'string' },
      minutes: { type: 'string' },
      seed: { type: 'string' },
      policies: { type: 'string' },
      out: { type: 'string' },
      invokers: { type: 'string' },
      'invoker-memory': { type: 'string' },
      model: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const policies = values.policies === undefined ? DEFAULT_POLICIES : values.policies.split(',').map((p) => p.trim());
  try {
    validatePolicyNames(policies);
  } catch (e) {
    throw new UsageError(`--policies: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    trace: values.trace,
    durations: values.durations,
    memory: values.memory,
    functions: values.functions === undefined ? undefined : parsePositiveInt('--functions', values.functions),
    minutes: values.minutes === undefined ? undefined : parseMinuteRange('--minutes', values.minutes),
    seed: values.seed === undefined ? 1 : parseSeed('--seed', values.seed),
    policies,
    out: values.out ?? join('reports', 'keepalive'),
    invokers: values.invokers === undefined ? undefined : parsePositiveInt('--invokers', values.invokers),
    invokerMemoryMB: values['invoker-memory'] === undefined ? undefined : parsePositiveInt('--invoker-memory', values['invoker-memory']),
    model: values.model,
  };
}

/** A progress bar on stderr (plain lines when stderr is not a terminal). */
function progressBar(): SingleBar {
  return new SingleBar({
    stream: process.stderr,
    format: '{bar} {value}/{total} policies | {task}',
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 5000,
    hideCursor: true,
  });
}

async function keepalive(cmd: KeepaliveCommand): Promise<{ report: KeepaliveReport; out: string }> {
  process.stderr.write(cmd.trace === undefined ? 'generating the synthetic trace...\n' : `reading ${cmd.trace}...\n`);
  const loaded = await loadWorkload(cmd);
  const cluster = clusterConfig({
    ...(cmd.invokers === undefined ? {} : { invokers: cmd.invokers }),
    ...(cmd.invokerMemoryMB === undefined ? {} : { invokerMemoryMB: cmd.invokerMemoryMB }),
  });
  let forecaster: Forecaster | undefined;
  if (cmd.policies.some((p) => p.startsWith('aquatope@') || p.startsWith('aquatope-worth@'))) {
    const dir = cmd.model ?? defaultModelDir();
    process.stderr.write(`loading the forecaster from ${dir}...\n`);
    await initTensorflow();
    forecaster = aquatopeForecaster(await loadForecastModel(dir));
  }
  const bar = progressBar();
  bar.start(cmd.policies.length, 0, { task: 'drawing arrivals' });
  const report = runKeepaliveBench({
    workload: loaded.workload,
    policies: cmd.policies,
    seed: cmd.seed,
    cluster,
    clock: { nowMs: () => performance.now() },
    minuteRange: loaded.minuteRange,
    durationsFile: loaded.durationsFile,
    memoryFile: loaded.memoryFile,
    history: loaded.history,
    ...(forecaster === undefined ? {} : { forecaster }),
    onProgress: (done, total, policy) => {
      bar.setTotal(total);
      bar.update(done, { task: policy === '' ? 'done' : `simulating ${policy}` });
    },
  });
  bar.stop();
  const out = resolve(cmd.out);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'keepalive.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'keepalive.md'), keepaliveMarkdown(report));
  writeFileSync(join(out, 'keepalive.svg'), await keepalivePlotSvg(report));
  return { report, out };
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'start' && rest.includes('--live')) {
      const log = (line: string): void => {
        process.stderr.write(`${line}\n`);
      };
      const { report, out } = await runLiveCommand(parseLiveArgs(rest), { repo: repoRoot(), env: process.env, log });
      process.stdout.write(liveSessionMarkdown(report));
      process.stderr.write(`report written to ${out}/live.{json,md}\n`);
      return 0;
    }
    if (command === 'load') {
      const log = (line: string): void => {
        process.stderr.write(`${line}\n`);
      };
      return await runLoadCommand(rest, {
        env: process.env,
        log,
        print: (text) => process.stdout.write(`${text}\n`),
        startRuntime: () => startLiveRuntimeForLoad({ repo: repoRoot(), env: process.env, log }),
      });
    }
    if (command === 'start') {
      const { report, out } = await runStartCommand(parseStartArgs(rest), process.env);
      process.stdout.write(runtimeMarkdown(report));
      process.stderr.write(`report written to ${out}/runtime.{json,md}\n`);
      return 0;
    }
    if (command === 'profile') {
      await runProfileCommand(parseProfileArgs(rest), (line) => process.stderr.write(`${line}\n`));
      return 0;
    }
    if (command === 'train') {
      await runTrain(rest, argv, async (model, traces, seed) => evaluateHeldOut(model, traces, seed).results);
      return 0;
    }
    if (command === 'bench') {
      const [kind, ...opts] = rest;
      if (kind === 'tick') {
        const { report, out } = await runTickCommand(opts);
        process.stdout.write(
          `${report.functions} functions, ${report.forecaster}, horizon ${report.horizon}: mean tick ${report.meanTickMs.toFixed(0)} ms, max ${report.maxTickMs.toFixed(0)} ms over ${report.tickMs.length} ticks, peak RSS ${report.peakRssMB.toFixed(0)} MB\n`,
        );
        process.stderr.write(`report written to ${out}/tick.json\n`);
        return 0;
      }
      if (kind === 'forecast') {
        const { report, out } = await runForecastCommand(parseForecastArgs(opts));
        process.stdout.write(forecastMarkdown(report));
        process.stderr.write(`report written to ${out}/forecast.{json,md}\n`);
        return 0;
      }
      if (kind === 'system') {
        const { report, out } = await runSystemCommand(opts, (line) => process.stderr.write(`${line}\n`));
        process.stdout.write(systemMarkdown(report));
        process.stderr.write(`report written to ${out}/system.{json,md}\n`);
        return 0;
      }
      if (kind === 'bo-step') {
        const { values } = parseArgs({ args: opts, strict: true, options: { observations: { type: 'string' }, repetitions: { type: 'string' } } });
        const report = runBoStepBench(lookupWorkflow('social-network'), {
          observations: values.observations === undefined ? 100 : parsePositiveInt('--observations', values.observations),
          repetitions: values.repetitions === undefined ? 10 : parsePositiveInt('--repetitions', values.repetitions),
          clock: { nowMs: () => performance.now() },
        });
        process.stdout.write(
          `${report.observations} observations in ${report.dimensions} dimensions (${report.workflow}), ${report.repetitions} steps: ` +
            `fit ${report.fitMs.median.toFixed(0)} ms median (max ${report.fitMs.max.toFixed(0)}), acquisition ${report.acquisitionMs.median.toFixed(0)} (max ${report.acquisitionMs.max.toFixed(0)}), ` +
            `step ${report.stepMs.median.toFixed(0)} ms median, ${report.stepMs.max.toFixed(0)} ms max\n`,
        );
        return 0;
      }
      if (kind === 'bo') {
        let cmd: BoCommand;
        try {
          cmd = parseBoArgs(opts);
        } catch (e) {
          if (e instanceof BoUsageError) throw new UsageError(e.message);
          throw e;
        }
        const { reports, out } = await runBoCommand(cmd, (line) => process.stderr.write(`${line}\n`));
        for (const r of reports) process.stdout.write(`${boMarkdown(r)}\n`);
        if (reports.length > 1) process.stdout.write(summaryMarkdown(reports));
        process.stderr.write(`reports written under ${out}\n`);
        return 0;
      }
      if (kind !== 'keepalive') throw new UsageError(`unknown bench "${kind ?? ''}"; known: keepalive, forecast, tick, bo, bo-step, system`);
      const { report, out } = await keepalive(parseKeepalive(opts));
      process.stdout.write(keepaliveMarkdown(report));
      process.stderr.write(`report written to ${out}/keepalive.{json,md,svg}\n`);
      return 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`aquatope: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`aquatope: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`aquatope: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
