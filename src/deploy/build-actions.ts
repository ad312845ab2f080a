/**
 * `npm run build`: each `actions/<name>/index.ts` bundled by esbuild (Node
 * 20, CommonJS, minified, every dependency inlined, so nothing is needed from
 * `node_modules` at run time) into `<outDir>/actions/<name>/index.js`, and
 * zipped with a `package.json` (`{"main":"index.js"}`) and the action's
 * declared extra files (see `action-sources.ts`) into
 * `<outDir>/actions/<name>.zip`: what `wsk action create --kind nodejs:20
 * <name>.zip` and the manifest deploy. The folder `<outDir>/actions/<name>/`
 * holds the same files as the zip. One esbuild run builds every action.
 *
 * Compositions (`compositions/<name>.js`, see `compose-conductor.ts`) are
 * compiled by openwhisk-composer into their conductor actions and written the
 * same way, `<outDir>/actions/<name>.zip`, with composer's portable JSON
 * beside it as `<name>.composition.json`.
 *
 * The real workflows (`benchmark/workflows/<workflow>/`, see
 * `workflow-sources.ts`) are built the same way into `<outDir>/workflows/`:
 * each stage `<workflow>/<stage>/index.ts` into `<workflow>/<stage>.zip` (and
 * the folder `<workflow>/<stage>/`), one esbuild run for all of them, and the
 * workflow's `composition.js` into its conductor action
 * `<workflow>/invoke.zip` with `invoke.composition.json` beside it.
 *
 * {@link buildAll} (what `npm run build` runs) builds all three;
 * {@link buildActions} only the action folders, {@link buildWorkflows} only
 * the workflows.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { BuildError, findActionSources, resolveExtraFiles, type ActionSource, type ExtraFile } from './action-sources';
import { bundleConductor, compileComposition, findCompositionSources, type Annotation, type CompositionSource } from './compose-conductor';
import { findWorkflowSources, WORKFLOW_ENTRY_ACTION, WORKFLOWS_DIR, type WorkflowSource } from './workflow-sources';
import { writeZip, type ZipInput } from './zip-writer';

/** Options of {@link buildActions}. */
export interface BuildOptions {
  /** Repository root: `actions/` is read from it and extra files resolve against it. */
  rootDir: string;
  /** Output root: bundles go to `<outDir>/actions/` (the CLI uses `<rootDir>/dist`). */
  outDir: string;
  /**
   * Build only these actions (default: every one found); with {@link buildAll}, actions, compositions or
   * workflows (`ml-inference`: its stages and its conductor; `ml-inference/fetch`: one stage, `ml-inference/invoke`: the conductor).
   */
  only?: readonly string[];
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** One built action. */
export interface BuiltAction {
  name: string;
  /** Absolute path of the bundle, `<outDir>/actions/<name>/index.js`. */
  bundlePath: string;
  /** Absolute path of the zip, `<outDir>/actions/<name>.zip`. */
  zipPath: string;
  /** Size of `index.js`, bytes. */
  bundleBytes: number;
  /** Size of the zip, bytes. */
  zipBytes: number;
  /** The zip's entries, in order. */
  entries: string[];
}

/** A built composition: its conductor action, like any built action, and what composer made of it. */
export interface BuiltComposition extends BuiltAction {
  /** Absolute path of composer's JSON, `<outDir>/actions/<name>.composition.json`. */
  compositionPath: string;
  /** The annotations composer gives the conductor action (`conductor`, `provide-api-key`, versions): the manifest must set `conductor` and `provide-api-key`. */
  annotations: Annotation[];
}

/** How every action and stage is bundled: Node 20, CommonJS, minified, every dependency inlined. */
const BUNDLE_OPTIONS = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, logLevel: 'warning' } as const;

/** The `package.json` every zip carries: the nodejs runtime `require`s its `main`. */
export const ZIP_PACKAGE_JSON = `${JSON.stringify({ main: 'index.js' })}\n`;

/** `1234567` → `1.18 MiB`, `2048` → `2.0 KiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

function select(sources: readonly ActionSource[], only: readonly string[] | undefined): ActionSource[] {
  if (only === undefined) return [...sources];
  const known = new Set(sources.map((s) => s.name));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new BuildError(`unknown action${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')} (found: ${[...known].join(', ') || 'none'})`);
  }
  return sources.filter((s) => only.includes(s.name));
}

/** Writes a bundle, its `package.json` and extra files into `<actionsOut>/<name>/` and zips them into `<actionsOut>/<name>.zip`. */
function writeBundle(actionsOut: string, name: string, bundle: Buffer, extras: readonly ExtraFile[]): BuiltAction {
  const dir = join(actionsOut, name);
  const bundlePath = join(dir, 'index.js');
  const files: ZipInput[] = [
    { path: 'index.js', data: bundle },
    { path: 'package.json', data: Buffer.from(ZIP_PACKAGE_JSON, 'utf8') },
  ];
  for (const extra of extras) {
    if (extra.path === 'index.js' || extra.path === 'package.json') {
      throw new BuildError(`actions/${name}/bundle.json: ${extra.source} would replace the zip's ${extra.path}`);
    }
    files.push({ path: extra.path, data: readFileSync(extra.source) });
  }
  for (const file of files) {
    const target = join(dir, ...file.path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.data);
  }
  const zip = writeZip(files);
  const zipPath = join(actionsOut, `${name}.zip`);
  writeFileSync(zipPath, zip);
  return { name, bundlePath, zipPath, bundleBytes: bundle.length, zipBytes: zip.length, entries: files.map((f) => f.path) };
}

/**
 * Builds the actions. Resolves with one record per action, sorted by name;
 * rejects with a {@link BuildError} (bad action folder or extra file) or
 * esbuild's error (a compile error, with its messages already logged).
 */
export async function buildActions(options: BuildOptions): Promise<BuiltAction[]> {
  const log = options.log ?? ((): void => undefined);
  const sources = select(findActionSources(options.rootDir), options.only);
  if (sources.length === 0) throw new BuildError(`${join(options.rootDir, 'actions')}: no action folder with an index.ts`);
  const actionsOut = join(options.outDir, 'actions');
  // Extra files first: a missing model or wasm file fails before any bundling.
  const extras = new Map(sources.map((s) => [s.name, resolveExtraFiles(options.rootDir, s.name, s.extraFiles)]));
  for (const source of sources) {
    rmSync(join(actionsOut, source.name), { recursive: true, force: true });
    rmSync(join(actionsOut, `${source.name}.zip`), { force: true });
  }
  await build({
    absWorkingDir: options.rootDir,
    entryPoints: sources.map((s) => ({ in: s.entry, out: `${s.name}/index` })),
    outdir: actionsOut,
    ...BUNDLE_OPTIONS,
    // src/adapters/tfjs-backend.ts resolves the installed wasm package only when the wasm files are not
    // beside the bundle (running from source); in a bundle they always are (actions/forecaster/bundle.json).
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  const built: BuiltAction[] = [];
  for (const source of sources) {
    const bundle = readFileSync(join(actionsOut, source.name, 'index.js'));
    const record = writeBundle(actionsOut, source.name, bundle, extras.get(source.name) ?? []);
    built.push(record);
    const extraCount = record.entries.length - 2;
    log(`${source.name}: index.js ${formatBytes(record.bundleBytes)}, ${source.name}.zip ${formatBytes(record.zipBytes)}${extraCount > 0 ? ` (${extraCount} extra file${extraCount > 1 ? 's' : ''})` : ''}`);
  }
  return built;
}

/** Options of {@link buildCompositions}: {@link BuildOptions} with `only` naming compositions. */
export type CompositionBuildOptions = BuildOptions;

/**
 * Compiles each composition (all of `compositions/`, or `only` those) into
 * its conductor action: `<outDir>/actions/<name>/index.js` and `<name>.zip`
 * (the `nodejs:20` code, `openwhisk` bundled) and `<name>.composition.json`.
 * Resolves with one record per composition, sorted by name (none when there
 * is no `compositions/` folder); rejects with a {@link BuildError} naming the
 * file, e.g. for a composition named like an action folder.
 */
export async function buildCompositions(options: CompositionBuildOptions): Promise<BuiltComposition[]> {
  const log = options.log ?? ((): void => undefined);
  const all = findCompositionSources(options.rootDir);
  const only = options.only;
  const unknown = only === undefined ? [] : only.filter((name) => !all.some((c) => c.name === name));
  if (unknown.length > 0) throw new BuildError(`unknown composition${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')} (found: ${all.map((c) => c.name).join(', ') || 'none'})`);
  const sources: CompositionSource[] = only === undefined ? all : all.filter((c) => only.includes(c.name));
  const hasActions = sources.length > 0 && existsSync(join(options.rootDir, 'actions'));
  const actionNames = new Set(hasActions ? findActionSources(options.rootDir).map((a) => a.name) : []);
  const clash = sources.find((c) => actionNames.has(c.name));
  if (clash !== undefined) throw new BuildError(`compositions/${clash.name}.js: its conductor action would have the name of actions/${clash.name}; rename one of them`);
  const actionsOut = join(options.outDir, 'actions');
  const built: BuiltComposition[] = [];
  for (const source of sources) {
    const compiled = compileComposition(options.rootDir, source);
    rmSync(join(actionsOut, source.name), { recursive: true, force: true });
    rmSync(join(actionsOut, `${source.name}.zip`), { force: true });
    const bundle = await bundleConductor(options.rootDir, compiled);
    const record = writeBundle(actionsOut, source.name, bundle, []);
    const compositionPath = join(actionsOut, `${source.name}.composition.json`);
    writeFileSync(compositionPath, `${JSON.stringify(compiled.json, null, 2)}\n`);
    built.push({ ...record, compositionPath, annotations: compiled.annotations });
    log(`${source.name} (composition, conductor action): index.js ${formatBytes(record.bundleBytes)}, ${source.name}.zip ${formatBytes(record.zipBytes)}`);
  }
  return built;
}

/** A built real workflow: its stage actions and its composition's conductor, under `<outDir>/workflows/<name>/`. */
export interface BuiltWorkflow {
  /** The workflow (and its package). */
  name: string;
  /** Each built stage, sorted by name: `name` is the stage, the zip `<outDir>/workflows/<workflow>/<stage>.zip`. */
  stages: BuiltAction[];
  /** The conductor action `invoke` (`<outDir>/workflows/<workflow>/invoke.zip`), when the workflow has a composition and it was built. */
  invoke?: BuiltComposition;
}

/** Options of {@link buildWorkflows}: {@link BuildOptions} with `only` naming workflows or `<workflow>/<stage>`. */
export type WorkflowBuildOptions = BuildOptions;

/** The workflows, stages and conductors `only` selects (all without it); a {@link BuildError} for a name that is none of them. */
function selectWorkflows(all: readonly WorkflowSource[], only: readonly string[] | undefined): WorkflowSource[] {
  if (only === undefined) return [...all];
  const unknown = only.filter((name) => !isWorkflowTarget(all, name));
  if (unknown.length > 0) {
    throw new BuildError(`unknown workflow${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')} (found: ${all.map((w) => w.name).join(', ') || 'none'})`);
  }
  const out: WorkflowSource[] = [];
  for (const workflow of all) {
    if (only.includes(workflow.name)) {
      out.push(workflow);
      continue;
    }
    const stages = workflow.stages.filter((s) => only.includes(`${workflow.name}/${s.name}`));
    const invoke = workflow.composition !== undefined && only.includes(`${workflow.name}/${WORKFLOW_ENTRY_ACTION}`);
    if (stages.length > 0 || invoke) out.push({ name: workflow.name, stages, ...(invoke && workflow.composition !== undefined ? { composition: workflow.composition } : {}) });
  }
  return out;
}

/** Whether `name` is a workflow, one of its stages (`<workflow>/<stage>`) or its conductor (`<workflow>/invoke`). */
function isWorkflowTarget(all: readonly WorkflowSource[], name: string): boolean {
  return all.some((w) => w.name === name || w.stages.some((s) => `${w.name}/${s.name}` === name) || (w.composition !== undefined && name === `${w.name}/${WORKFLOW_ENTRY_ACTION}`));
}

/**
 * Builds the real workflows under `benchmark/workflows/` (all, or `only`
 * those named): every stage bundled by one esbuild run (jimp, TensorFlow.js
 * and the rest inlined) and zipped into `<outDir>/workflows/<workflow>/<stage>.zip`,
 * and each composition compiled into `<outDir>/workflows/<workflow>/invoke.zip`
 * with `invoke.composition.json`. Resolves with one record per workflow,
 * sorted by name (none when there is no workflow folder); rejects with a
 * {@link BuildError} or esbuild's error.
 */
export async function buildWorkflows(options: WorkflowBuildOptions): Promise<BuiltWorkflow[]> {
  const log = options.log ?? ((): void => undefined);
  const workflows = selectWorkflows(findWorkflowSources(options.rootDir), options.only);
  const out = join(options.outDir, 'workflows');
  const stages = workflows.flatMap((w) => w.stages.map((s) => ({ workflow: w.name, stage: s })));
  for (const { workflow, stage } of stages) {
    rmSync(join(out, workflow, stage.name), { recursive: true, force: true });
    rmSync(join(out, workflow, `${stage.name}.zip`), { force: true });
  }
  if (stages.length > 0) {
    await build({
      absWorkingDir: options.rootDir,
      entryPoints: stages.map(({ workflow, stage }) => ({ in: stage.entry, out: `${workflow}/${stage.name}/index` })),
      outdir: out,
      ...BUNDLE_OPTIONS,
    });
  }
  const built: BuiltWorkflow[] = [];
  for (const workflow of workflows) {
    const dir = join(out, workflow.name);
    const record: BuiltWorkflow = { name: workflow.name, stages: [] };
    for (const stage of workflow.stages) {
      const bundle = readFileSync(join(dir, stage.name, 'index.js'));
      const action = writeBundle(dir, stage.name, bundle, []);
      record.stages.push(action);
      log(`${workflow.name}/${stage.name}: index.js ${formatBytes(action.bundleBytes)}, ${stage.name}.zip ${formatBytes(action.zipBytes)}`);
    }
    if (workflow.composition !== undefined) {
      const compiled = compileComposition(options.rootDir, { name: WORKFLOW_ENTRY_ACTION, file: workflow.composition, label: `${WORKFLOWS_DIR}/${workflow.name}/composition.js` });
      rmSync(join(dir, WORKFLOW_ENTRY_ACTION), { recursive: true, force: true });
      rmSync(join(dir, `${WORKFLOW_ENTRY_ACTION}.zip`), { force: true });
      const bundle = await bundleConductor(options.rootDir, compiled);
      const action = writeBundle(dir, WORKFLOW_ENTRY_ACTION, bundle, []);
      const compositionPath = join(dir, `${WORKFLOW_ENTRY_ACTION}.composition.json`);
      writeFileSync(compositionPath, `${JSON.stringify(compiled.json, null, 2)}\n`);
      record.invoke = { ...action, compositionPath, annotations: compiled.annotations };
      log(`${workflow.name}/${WORKFLOW_ENTRY_ACTION} (composition, conductor action): index.js ${formatBytes(action.bundleBytes)}, ${WORKFLOW_ENTRY_ACTION}.zip ${formatBytes(action.zipBytes)}`);
    }
    built.push(record);
  }
  return built;
}

/** What {@link buildAll} built. */
export interface BuiltAll {
  actions: BuiltAction[];
  compositions: BuiltComposition[];
  /** The real workflows (`<outDir>/workflows/`). */
  workflows: BuiltWorkflow[];
}

/** Every zip of a build: actions, compositions, and each workflow's stages and conductor. */
export function allBuiltZips(built: BuiltAll): BuiltAction[] {
  return [...built.actions, ...built.compositions, ...built.workflows.flatMap((w) => [...w.stages, ...(w.invoke === undefined ? [] : [w.invoke])])];
}

/**
 * `npm run build`: every action folder, every composition and every real
 * workflow (or `only` those named: actions, compositions, workflows, or a
 * workflow's `<workflow>/<stage>`). Rejects with a {@link BuildError} for a
 * name that is none of them.
 */
export async function buildAll(options: BuildOptions): Promise<BuiltAll> {
  const only = options.only;
  if (only === undefined) return { actions: await buildActions(options), compositions: await buildCompositions(options), workflows: await buildWorkflows(options) };
  const actionNames = new Set(findActionSources(options.rootDir).map((s) => s.name));
  const compositionNames = new Set(findCompositionSources(options.rootDir).map((c) => c.name));
  const workflowSources = findWorkflowSources(options.rootDir);
  const unknown = only.filter((name) => !actionNames.has(name) && !compositionNames.has(name) && !isWorkflowTarget(workflowSources, name));
  if (unknown.length > 0) {
    throw new BuildError(
      `unknown action${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')} (found actions: ${[...actionNames].join(', ') || 'none'}; compositions: ${[...compositionNames].join(', ') || 'none'}; workflows: ${workflowSources.map((w) => w.name).join(', ') || 'none'})`,
    );
  }
  const actions = only.filter((name) => actionNames.has(name));
  const compositions = only.filter((name) => compositionNames.has(name));
  const workflows = only.filter((name) => isWorkflowTarget(workflowSources, name));
  return {
    actions: actions.length === 0 ? [] : await buildActions({ ...options, only: actions }),
    compositions: compositions.length === 0 ? [] : await buildCompositions({ ...options, only: compositions }),
    workflows: workflows.length === 0 ? [] : await buildWorkflows({ ...options, only: workflows }),
  };
}
