/**
 * `aquatope load` (`npm run load -- [options]`): Locust load shaped by an
 * Azure trace against OpenWhisk. Parses the options, runs {@link runLoad} and
 * prints the per-workflow summary; returns the exit code.
 */
import { formatFunctionSpec } from '../load/function-spec';
import { errorMessage, HostUnreachableError, LoadInterruptedError, LoadRunError, LoadValidationError } from '../load/load-errors';
import {
  DEFAULT_LOAD_FUNCTIONS,
  DEFAULT_LOAD_MAX_USERS,
  DEFAULT_LOAD_MINUTES,
  DEFAULT_LOAD_OUT,
  DEFAULT_LOAD_PACING_S,
  DEFAULT_LOAD_SEED,
  DEFAULT_LOAD_SPEEDUP,
  DEFAULT_LOAD_WORKFLOWS,
  parseLoadArgs,
  type LoadOptions,
} from '../load/load-options';
import { DEFAULT_LOAD_SYNTHETIC_FUNCTIONS } from '../load/load-trace';
import { summaryMarkdown } from '../load/locust-stats';
import { runLoad, type LoadDeps, type LoadResult } from '../load/run-load';
import { UsageError } from './parse-options';

/** The `load` block of the usage text (options with their defaults), in the style of the other commands' blocks. */
export const LOAD_OPTIONS_HELP = `load options (Locust load shaped by a trace; needs Debian's python3-locust):
  --trace FILE        invocation trace (any layout of bench keepalive; default: the synthetic
                      trace of ${DEFAULT_LOAD_SYNTHETIC_FUNCTIONS} functions, seed --seed)
  --functions SPEC    rows to replay: first:N, top:N (the N busiest over --minutes; all rows
                      of a smaller trace) or 0-based indices like 0,3,7 (default ${formatFunctionSpec(DEFAULT_LOAD_FUNCTIONS)})
  --minutes A:B       minutes [A, B) as 0-based offsets from the trace's first minute
                      (default ${DEFAULT_LOAD_MINUTES.start}:${DEFAULT_LOAD_MINUTES.end})
  --speedup X         one trace minute lasts 60/X s; finite, > 0 (default ${DEFAULT_LOAD_SPEEDUP})
  --max-users N       ceiling on Locust's users (default ${DEFAULT_LOAD_MAX_USERS}); users of a minute =
                      its invocations x X / 60 per s x --pacing, rounded
  --pacing S          seconds between one user's requests (default ${DEFAULT_LOAD_PACING_S})
  --workflows a,b,... workflow (package with an invoke action) of each chosen function,
                      round-robin (default ${DEFAULT_LOAD_WORKFLOWS.join(',')})
  --params JSON       parameters of every invocation (default {})
  --host URL          an OpenWhisk API host, key from AQUATOPE_API_KEY or __OW_API_KEY
                      (default: start the local runtime)
  --out DIR           where locust_stats.csv and load-summary.json go (default ${DEFAULT_LOAD_OUT})
  --seed S            seed of the synthetic trace and the workflow choice (default ${DEFAULT_LOAD_SEED})
`;

/** What {@link runLoadCommand} needs: {@link LoadDeps}, and where the summary goes. */
export interface LoadCommandDeps extends LoadDeps {
  /** Receives the summary table (default: {@link LoadDeps.log}, line by line). */
  readonly print?: (text: string) => void;
}

/** Exit codes of {@link runLoadCommand}. */
export const LOAD_EXIT = {
  /** Every request succeeded. */
  ok: 0,
  /** Some requests failed, or the run failed (locust crashed or timed out). */
  failed: 1,
  /** A bad option, trace, host or key, or no locust: nothing was sent. */
  invalid: 2,
  /** Interrupted (SIGINT / SIGTERM); everything started was stopped. */
  interrupted: 130,
};

/** node's `parseArgs` errors (checked by shape: they may come from another realm). */
function isParseArgsError(e: unknown): e is { readonly code: string; readonly message: string } {
  return typeof e === 'object' && e !== null && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS') && 'message' in e && typeof e.message === 'string';
}

function printResult(result: LoadResult, print: (text: string) => void): void {
  const { aggregated } = result.summary;
  print(summaryMarkdown(result.summary));
  print(
    `${aggregated.requests} requests, ${aggregated.failures} failed, median ${aggregated.medianMs.toFixed(0)} ms, ` +
      `p95 ${aggregated.p95Ms === null ? 'n/a' : `${aggregated.p95Ms.toFixed(0)} ms`} against ${result.host} ` +
      `(${(result.locust.elapsedMs / 1000).toFixed(1)} s); statistics in ${result.statsFile}\n`,
  );
}

/**
 * Runs `load` with the arguments after the command name.
 *
 * @returns the exit code ({@link LOAD_EXIT}): 0 all requests succeeded, 1 some
 *   failed or the run failed, 2 invalid input (nothing sent), 130 interrupted
 */
export async function runLoadCommand(argv: string[], deps: LoadCommandDeps): Promise<number> {
  const print = deps.print ?? ((text: string) => text.split('\n').forEach((l) => deps.log(l)));
  let options: LoadOptions;
  try {
    options = parseLoadArgs(argv);
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      deps.log(`aquatope load: ${e.message}`);
      deps.log('');
      LOAD_OPTIONS_HELP.trimEnd().split('\n').forEach((l) => deps.log(l));
      return LOAD_EXIT.invalid;
    }
    throw e;
  }
  try {
    const result = await runLoad(options, deps);
    printResult(result, print);
    return result.summary.aggregated.failures > 0 || result.locust.code !== 0 ? LOAD_EXIT.failed : LOAD_EXIT.ok;
  } catch (e) {
    if (e instanceof HostUnreachableError || e instanceof LoadValidationError) {
      deps.log(`aquatope load: ${e.message}`);
      return LOAD_EXIT.invalid;
    }
    if (e instanceof LoadInterruptedError) {
      deps.log(`aquatope load: ${e.message}`);
      return LOAD_EXIT.interrupted;
    }
    deps.log(`aquatope load: ${e instanceof LoadRunError ? '' : 'unexpected error: '}${errorMessage(e)}`);
    return LOAD_EXIT.failed;
  }
}
