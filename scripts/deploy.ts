/**
 * `npm run deploy [-- options]` / `npm run undeploy [-- options]`: applies
 * `manifests/manifest.yaml` with `manifests/deployment.yaml` to the OpenWhisk
 * that `__OW_API_HOST` / `__OW_API_KEY` (or `~/.wskprops`: APIHOST, AUTH)
 * name, through `src/deploy/deploy.ts`. `$NAME` placeholders in the files are
 * read from the environment (e.g. COUCHDB_URL, AQUATOPE_WORKFLOW).
 *
 * Options: --manifest FILE, --deployment FILE|none, --skip-feeds (create
 * triggers without their alarm feeds), --require-feeds (fail when a feed's
 * provider is missing; default: warn and go on), --allow-unset (leave out
 * inputs whose variable is unset; default: fail), --namespace NS.
 * Exit code 2 for a usage error, 1 for a failed deploy.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { deployManifest, undeployManifest, type DeployOptions, type FeedMode } from '../src/deploy/deploy';
import { DeployError } from '../src/deploy/manifest-entities';

const USAGE = [
  'usage: npm run deploy   [-- --manifest FILE] [--deployment FILE|none] [--skip-feeds | --require-feeds] [--allow-unset] [--namespace NS]',
  '       npm run undeploy [-- --manifest FILE] [--deployment FILE|none] [--namespace NS]',
].join('\n');

interface Args {
  command: 'deploy' | 'undeploy';
  manifest: string;
  deployment: string | undefined;
  feeds: FeedMode;
  allowUnset: boolean;
  namespace: string | undefined;
}

function parseArgs(argv: readonly string[], cwd: string): Args | string {
  const [command, ...rest] = argv;
  if (command !== 'deploy' && command !== 'undeploy') return `expected deploy or undeploy, found ${JSON.stringify(command ?? '')}\n${USAGE}`;
  const defaultDeployment = resolve(cwd, 'manifests', 'deployment.yaml');
  const args: Args = {
    command,
    manifest: resolve(cwd, 'manifests', 'manifest.yaml'),
    deployment: existsSync(defaultDeployment) ? defaultDeployment : undefined,
    feeds: 'auto',
    allowUnset: false,
    namespace: undefined,
  };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[i + 1];
    const needValue = (): string | undefined => (value === undefined || value.startsWith('--') ? undefined : value);
    switch (flag) {
      case '--help':
      case '-h':
        return USAGE;
      case '--skip-feeds':
      case '--require-feeds': {
        const mode: FeedMode = flag === '--skip-feeds' ? 'skip' : 'require';
        if (args.feeds !== 'auto' && args.feeds !== mode) return `--skip-feeds and --require-feeds exclude each other\n${USAGE}`;
        args.feeds = mode;
        break;
      }
      case '--allow-unset':
        args.allowUnset = true;
        break;
      case '--manifest':
      case '--deployment':
      case '--namespace': {
        const v = needValue();
        if (v === undefined) return `${flag}: expected a value, found ${value === undefined ? 'nothing' : JSON.stringify(value)}\n${USAGE}`;
        if (flag === '--manifest') args.manifest = resolve(cwd, v);
        else if (flag === '--deployment') args.deployment = v === 'none' ? undefined : resolve(cwd, v);
        else args.namespace = v;
        i++;
        break;
      }
      default:
        return `unknown argument ${JSON.stringify(flag)}\n${USAGE}`;
    }
  }
  if (command === 'undeploy' && args.feeds !== 'auto') return `${args.feeds === 'skip' ? '--skip-feeds' : '--require-feeds'}: only for deploy\n${USAGE}`;
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), process.cwd());
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`);
    return args === USAGE ? 0 : 2;
  }
  const options: DeployOptions = {
    manifestPath: args.manifest,
    ...(args.deployment === undefined ? {} : { deploymentPath: args.deployment }),
    env: process.env,
    homeDir: homedir(),
    feeds: args.feeds,
    allowUnset: args.allowUnset,
    ...(args.namespace === undefined ? {} : { namespace: args.namespace }),
    log: (line) => process.stdout.write(`${line.trimEnd()}\n`),
    warn: (line) => process.stderr.write(`warning: ${line}\n`),
  };
  try {
    const report = args.command === 'deploy' ? await deployManifest(options) : await undeployManifest(options);
    const verb = args.command === 'deploy' ? 'deployed' : 'undeployed';
    process.stdout.write(
      `${verb} ${args.command === 'deploy' ? 'to' : 'from'} ${report.apiHost} (namespace ${report.namespace}): packages ${report.packages.join(', ')}; actions ${report.actions.join(', ')}; triggers ${report.triggers.join(', ') || 'none'}; rules ${report.rules.join(', ') || 'none'}` +
        `${report.feeds.length > 0 ? `; feeds ${report.feeds.map((f) => `${f.trigger} ${f.status}`).join(', ')}` : ''}${report.warnings.length > 0 ? ` (${report.warnings.length} warning${report.warnings.length > 1 ? 's' : ''})` : ''}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof DeployError) process.stderr.write(`${args.command}: ${err.message}\n`);
    else process.stderr.write(`${args.command} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`deploy crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
