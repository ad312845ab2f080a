/**
 * `npm run build [-- --out DIR] [--only a,b]`: bundles and zips every action
 * and compiles every composition (`compositions/<name>.js`) into its
 * conductor action (see `src/deploy/build-actions.ts`) into `DIR/actions/`
 * (default `dist/` under the current directory, which npm sets to the
 * repository root) and prints each bundle's size. `--only` names actions or
 * compositions. Exit code 2 for a usage error, 1 for a failed build.
 */
import { resolve } from 'node:path';
import { buildAll, formatBytes } from '../src/deploy/build-actions';
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
    const { actions, compositions } = await buildAll({ rootDir, outDir, ...(args.only === undefined ? {} : { only: args.only }), log: (line) => process.stdout.write(`${line}\n`) });
    const total = [...actions, ...compositions].reduce((sum, b) => sum + b.zipBytes, 0);
    const what = `${actions.length} action${actions.length === 1 ? '' : 's'} and ${compositions.length} composition${compositions.length === 1 ? '' : 's'}`;
    process.stdout.write(`built ${what} into ${outDir}/actions (${formatBytes(total)} of zips) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
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
