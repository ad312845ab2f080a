/**
 * The build of the real workflows: discovery of `benchmark/workflows/<workflow>/<stage>/index.ts`
 * and `<workflow>/composition.js`, the zips under `<outDir>/workflows/<workflow>/`,
 * self-contained (a stage's zip unpacked with no `node_modules` above it runs
 * in a fresh `node`), and `only` naming a workflow, a stage or a conductor.
 * The deploy test (test/deploy/deploy-workflows.test.ts) builds and runs all of them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isWorkflowName, workflowNames } from '../../benchmark/workflows/index';
import { REAL_WORKFLOWS } from '../../benchmark/workflows/real-workflows';
import { BuildError } from '../../src/deploy/action-sources';
import { allBuiltZips, buildAll, buildWorkflows, ZIP_PACKAGE_JSON } from '../../src/deploy/build-actions';
import { findWorkflowSources } from '../../src/deploy/workflow-sources';
import { readZip } from '../../src/local-openwhisk/zip-reader';

jest.setTimeout(60_000);

const REPO = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'aquatope-workflow-build-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function write(root: string, path: string, text: string): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

describe('findWorkflowSources', () => {
  it("finds the three workflows, each with the modelled stages and a composition; real/ (shared code) is not one", () => {
    const found = findWorkflowSources(REPO);
    expect(found.map((w) => w.name)).toEqual([...workflowNames].sort());
    for (const w of found) {
      if (!isWorkflowName(w.name)) throw new Error(`${w.name} is not a modelled workflow`);
      expect(w.stages.map((s) => s.name)).toEqual(REAL_WORKFLOWS[w.name].stages.map((s) => s.name).sort());
      expect(w.composition).toBe(join(REPO, 'benchmark', 'workflows', w.name, 'composition.js'));
    }
  });

  it('finds none without the folder, skips folders with neither stages nor a composition, and refuses bad names', () => {
    const root = mkdtempSync(join(work, 'root-'));
    expect(findWorkflowSources(root)).toEqual([]);
    write(root, 'benchmark/workflows/helpers/util.ts', 'export {};\n');
    write(root, 'benchmark/workflows/flow/step-one/index.ts', 'export function main() { return {}; }\n');
    expect(findWorkflowSources(root).map((w) => [w.name, w.stages.map((s) => s.name), w.composition])).toEqual([['flow', ['step-one'], undefined]]);
    write(root, 'benchmark/workflows/flow/composition.js', 'module.exports = null\n');
    write(root, 'benchmark/workflows/flow/invoke/index.ts', 'export function main() { return {}; }\n');
    expect(() => findWorkflowSources(root)).toThrow(BuildError);
    expect(() => findWorkflowSources(root)).toThrow(/flow\/invoke: a stage may not be named "invoke"/);
    rmSync(join(root, 'benchmark/workflows/flow/invoke'), { recursive: true });
    write(root, 'benchmark/workflows/flow/Step_Two/index.ts', 'export {};\n');
    expect(() => findWorkflowSources(root)).toThrow(/benchmark\/workflows\/flow\/Step_Two: a stage folder name must be kebab-case/);
  });
});

describe('buildWorkflows', () => {
  it('builds one stage into <outDir>/workflows/<workflow>/<stage>.zip and its folder; the zip runs with no node_modules', async () => {
    const out = join(work, 'one');
    const [built] = await buildWorkflows({ rootDir: REPO, outDir: out, only: ['social-network/text-filter'] });
    expect(built?.name).toBe('social-network');
    expect(built?.invoke).toBeUndefined();
    const [stage] = built?.stages ?? [];
    expect(stage?.name).toBe('text-filter');
    expect(stage?.zipPath).toBe(join(out, 'workflows', 'social-network', 'text-filter.zip'));
    expect(existsSync(join(out, 'workflows', 'social-network', 'text-filter', 'index.js'))).toBe(true);
    const entries = readZip(readFileSync(join(out, 'workflows', 'social-network', 'text-filter.zip')));
    expect(entries.map((e) => e.path)).toEqual(['index.js', 'package.json']);
    expect(entries[1]?.data.toString('utf8')).toBe(ZIP_PACKAGE_JSON);
    // Unpacked where no node_modules is above it, run as the nodejs runtime does (require of the folder).
    const dir = mkdtempSync(join(tmpdir(), 'aquatope-unzipped-'));
    try {
      for (const e of entries) writeFileSync(join(dir, e.path), e.data);
      const runner = "require(process.cwd()).main(JSON.parse(process.argv[1])).then((r) => process.stdout.write(JSON.stringify(r)))";
      const post = { id: 'p', authorId: 1, createdAt: '2026-01-01T00:00:00Z', text: 'no SPAM #here', media: { width: 1, height: 1, sha256: 'x', thumbWidth: 1, thumbHeight: 1, thumbnail: 'AA==' } };
      const run = spawnSync(process.execPath, ['-e', runner, JSON.stringify({ post, passes: 3 })], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
      expect(run.stderr).toBe('');
      const result: unknown = JSON.parse(run.stdout);
      expect(result).toMatchObject({ post: { text: 'no **** #here', hashtags: ['here'] }, filter: { removed: 1 }, work: { passes: 3 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("compiles a workflow's composition into its conductor invoke.zip with composer's JSON beside it", async () => {
    const out = join(work, 'conductor');
    const all = await buildAll({ rootDir: REPO, outDir: out, only: ['video-pipeline/invoke'] });
    expect(all.actions).toEqual([]);
    expect(all.compositions).toEqual([]);
    const [built] = all.workflows;
    expect(built?.stages).toEqual([]);
    const invoke = built?.invoke;
    expect(invoke?.zipPath).toBe(join(out, 'workflows', 'video-pipeline', 'invoke.zip'));
    expect(invoke?.annotations.map((a) => a.key)).toEqual(expect.arrayContaining(['conductor', 'provide-api-key']));
    const json: unknown = JSON.parse(readFileSync(join(out, 'workflows', 'video-pipeline', 'invoke.composition.json'), 'utf8'));
    expect(JSON.stringify(json)).toContain('/_/video-pipeline/split');
    expect(JSON.stringify(json)).toContain('/_/video-pipeline/merge');
    expect(allBuiltZips(all)).toEqual([invoke]);
  });

  it('names an unknown workflow, stage or action', async () => {
    await expect(buildWorkflows({ rootDir: REPO, outDir: join(work, 'x'), only: ['ml-inference/nope'] })).rejects.toThrow(/unknown workflow "ml-inference\/nope" \(found: ml-inference, social-network, video-pipeline\)/);
    await expect(buildAll({ rootDir: REPO, outDir: join(work, 'x'), only: ['nope'] })).rejects.toThrow(/unknown action "nope" .*workflows: ml-inference, social-network, video-pipeline/);
  });
});
