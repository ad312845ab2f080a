import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above this file with a package.json (works from src/ and from dist/). */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** `../shared/data` beside the repository, where the real traces are. */
export function sharedDataDir(): string {
  return resolve(repoRoot(), '..', 'shared', 'data');
}

/** The committed default forecaster. */
export function defaultModelDir(): string {
  return join(repoRoot(), 'models', 'default');
}
