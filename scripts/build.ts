/**
 * `npm run build [-- --out DIR] [--only a,b]`: bundles and zips every action
 * and compiles every composition (`compositions/<name>.js`) into its
 * conductor action (see `src/deploy/build-actions.ts`) into `DIR/actions/`,
 * and every real workflow's stages and conductor
 * (`benchmark/workflows/<workflow>/`) into `DIR/workflows/<workflow>/`
 * (default `DIR`: `dist/` under the current directory, which npm sets to the
 * repository root), and prints each bundle's size. `--only` names actions,
 * compositions, workflows or `<workflow>/<stage>`. Exit code 2 for a usage
 * error, 1 for a failed build.
 */
import { resolve } from 'node:path';
import { allBuiltZips, buildAll, formatBytes } from '../src/deploy/build-actions';
import { BuildError } from '../src/deploy/action-sources';

const USAGE = 'usage: npm run build [-- --out DIR] [--only NAME,NAME...]';

interface BuildArgs {
  out: string | undefined;
  only: string[] | undefined;
}

function parseArgs(argv: readonly string[]): BuildArgs | string {
  const args: BuildArgs = { out: undefined, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') return USAGE;
    if (flag !== '--out' && flag !== '--only') return `unknown argument ${JSON.stringify(flag)}\n${USAGE}`;
    if (value === undefined || value.startsWith('--')) return `${flag}: expected a value, found ${value === undefined ? 'nothing' : JSON.stringify(value)}\n${USAGE}`;
    if (flag === '--out') args.out = value;
    else args.only = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    i++;
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`);
    return args === USAGE ? 0 : 2;
  }
  const rootDir = process.cwd();
  const outDir = resolve(rootDir, args.out ?? 'dist');
  const started = Date.now();
  try {
    const built = await buildAll({ rootDir, outDir, ...(args.only === undefined ? {} : { only: args.only }), log: (line) => process.stdout.write(`${line}\n`) });
    const { actions, compositions, workflows } = built;
    const total = allBuiltZips(built).reduce((sum, b) => sum + b.zipBytes, 0);
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
    const stages = workflows.reduce((n, w) => n + w.stages.length, 0);
    const conductors = workflows.filter((w) => w.invoke !== undefined).length;
    const what = `${plural(actions.length, 'action')} and ${plural(compositions.length, 'composition')} into ${outDir}/actions, ${plural(workflows.length, 'workflow')} (${plural(stages, 'stage')}, ${plural(conductors, 'conductor')}) into ${outDir}/workflows`;
    process.stdout.write(`built ${what} (${formatBytes(total)} of zips) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  } catch (err) {
    if (err instanceof BuildError) process.stderr.write(`build: ${err.message}\n`);
    else process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`build crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
