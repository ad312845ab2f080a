/**
 * Tests that need a Debian package's program (ffmpeg for the video stages,
 * python3-locust for the load generator): `.ci/run` installs both; on a
 * machine without one, those tests skip with a printed reason.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where each tool's program is looked for first (Debian's path), then PATH. */
const TOOLS = { ffmpeg: { bin: 'ffmpeg', pkg: 'ffmpeg' }, locust: { bin: 'locust', pkg: 'python3-locust' } } as const;

function onPath(bin: string): boolean {
  if (existsSync(join('/usr/bin', bin))) return true;
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, bin)));
}

/** `describe` when the tool is installed; otherwise `describe.skip`, after printing why. */
export function describeWithTool(tool: keyof typeof TOOLS): jest.Describe {
  const t = TOOLS[tool];
  if (onPath(t.bin)) return describe;
  console.log(`skipped: these tests need ${t.bin} (Debian package ${t.pkg}; .ci/run installs it)`);
  return describe.skip;
}
