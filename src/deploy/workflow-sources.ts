/**
 * The real workflows the build knows: every folder
 * `benchmark/workflows/<workflow>/` that has stage folders
 * (`<workflow>/<stage>/index.ts`) or a `composition.js` is one (a folder with
 * neither, e.g. `real/` with the stages' shared code, is not). Each stage is
 * bundled like an action into `dist/workflows/<workflow>/<stage>.zip`; the
 * composition is compiled into the conductor action `<workflow>/invoke`,
 * `dist/workflows/<workflow>/invoke.zip`. The manifest
 * `manifests/workflows.yaml` deploys them, one package per workflow.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError } from './action-sources';

/** Where the workflows live, relative to the repository root (`/`-separated). */
export const WORKFLOWS_DIR = 'benchmark/workflows';

/** The conductor action of each workflow's composition. */
export const WORKFLOW_ENTRY_ACTION = 'invoke';

/** One stage folder of a workflow. */
export interface WorkflowStageSource {
  /** The folder name, which is the stage's action name in the workflow's package. */
  name: string;
  /** Absolute path of its `index.ts`. */
  entry: string;
}

/** A workflow found under `benchmark/workflows/`. */
export interface WorkflowSource {
  /** The folder name: the workflow's name and its package's. */
  name: string;
  /** Its stage folders, sorted by name. */
  stages: WorkflowStageSource[];
  /** Absolute path of its `composition.js`, when it has one. */
  composition?: string;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The workflows under `<rootDir>/benchmark/workflows`, sorted by name (none
 * when the folder is absent). Throws a {@link BuildError} for a workflow or
 * stage folder name that is not kebab-case, or a stage named `invoke` (the
 * composition's name) in a workflow with a composition.
 */
export function findWorkflowSources(rootDir: string): WorkflowSource[] {
  const dir = join(rootDir, ...WORKFLOWS_DIR.split('/'));
  if (!existsSync(dir)) return [];
  const out: WorkflowSource[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = join(dir, entry.name);
    const stages: WorkflowStageSource[] = [];
    for (const sub of readdirSync(folder, { withFileTypes: true })) {
      if (!sub.isDirectory() || !existsSync(join(folder, sub.name, 'index.ts'))) continue;
      if (!NAME.test(sub.name)) throw new BuildError(`${WORKFLOWS_DIR}/${entry.name}/${sub.name}: a stage folder name must be kebab-case (a-z, 0-9, '-'), found ${JSON.stringify(sub.name)}`);
      stages.push({ name: sub.name, entry: join(folder, sub.name, 'index.ts') });
    }
    const composition = join(folder, 'composition.js');
    const hasComposition = existsSync(composition);
    if (stages.length === 0 && !hasComposition) continue;
    if (!NAME.test(entry.name)) throw new BuildError(`${WORKFLOWS_DIR}/${entry.name}: a workflow folder name must be kebab-case (a-z, 0-9, '-'), found ${JSON.stringify(entry.name)}`);
    if (hasComposition && stages.some((s) => s.name === WORKFLOW_ENTRY_ACTION)) {
      throw new BuildError(`${WORKFLOWS_DIR}/${entry.name}/${WORKFLOW_ENTRY_ACTION}: a stage may not be named "${WORKFLOW_ENTRY_ACTION}", the name of the workflow's composition; rename it`);
    }
    stages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    out.push({ name: entry.name, stages, ...(hasComposition ? { composition } : {}) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
