/**
 * `aquatope bench bo`: the resource manager's bench on modelled workflows
 * (`--workflow NAME|all`, `--qos tight|medium|loose|all`) or measured
 * profiles (`--profile FILE[,FILE...]`: each its own target, or with `--qos`
 * the levels by the same rule on the measured runs: a multiple of the p95 at
 * every stage's largest measured configuration, see src/workflow/profile-qos.ts). One directory per workflow and
 * target with bo.json, bo.md and bo.svg; with more than one, a summary.md
 * and summary.json of the medians over them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBoBench, type BoReport } from '../../benchmark/bo-bench';
import { boPlotSvg } from '../../benchmark/report/bo-plot';
import { boMarkdown } from '../../benchmark/report/bo-table';
import { lookupWorkflow, workflowNames } from '../../benchmark/workflows';
import { QOS_FACTORS, QOS_PERCENTILE, withQos, type QosLevel } from '../../benchmark/workflows/modelled-workflow';
import { profileQosTarget } from '../workflow/profile-qos';
import { readProfileFile } from '../adapters/profile-file';
import { quantileSorted } from '../core/stats';
import { isMethodName, METHOD_NAMES, type MethodName } from '../tuning/method-registry';
import { profileWorkflow } from '../workflow/profile-workflow';
import type { Workflow } from '../workflow/workflow-types';
import { parsePositiveInt } from './parse-options';

/** A usage error of `bench bo` (exit code 2). */
export class BoUsageError extends Error {}

const LEVELS: readonly QosLevel[] = ['tight', 'medium', 'loose'];

/** Options of the bo bench as parsed. */
export interface BoCommand {
  readonly workflows: readonly string[];
  readonly levels: readonly QosLevel[];
  /** Profile files (empty: modelled workflows). */
  readonly profiles: readonly string[];
  /** With profiles: whether `--qos` was given (else each profile's own target). */
  readonly profileLevels: boolean;
  readonly seeds: number;
  readonly methods: readonly MethodName[];
  readonly out: string;
}

function isLevel(s: string): s is QosLevel {
  return LEVELS.some((l) => l === s);
}

/** Parses `bench bo` arguments. @throws BoUsageError naming the bad value */
export function parseBoArgs(args: readonly string[]): BoCommand {
  const { values, positionals } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: true,
    options: { workflow: { type: 'string' }, profile: { type: 'string' }, qos: { type: 'string' }, seeds: { type: 'string' }, methods: { type: 'string' }, out: { type: 'string' } },
  });
  if (positionals.length > 0) throw new BoUsageError(`unexpected argument "${positionals[0]}"`);
  if ((values.workflow === undefined) === (values.profile === undefined)) throw new BoUsageError('give exactly one of --workflow NAME|all and --profile FILE');
  const workflows = values.workflow === undefined ? [] : values.workflow === 'all' ? [...workflowNames] : values.workflow.split(',');
  for (const w of workflows) if (!workflowNames.some((n) => n === w)) throw new BoUsageError(`--workflow: unknown workflow "${w}" (known: ${workflowNames.join(', ')}, all)`);
  const levelNames = values.qos === undefined ? ['medium'] : values.qos === 'all' ? [...LEVELS] : values.qos.split(',');
  const levels = levelNames.map((l) => {
    if (!isLevel(l)) throw new BoUsageError(`--qos: unknown level "${l}" (known: ${LEVELS.join(', ')}, all)`);
    return l;
  });
  const methodNames = values.methods === undefined ? [...METHOD_NAMES] : values.methods.split(',');
  const methods = methodNames.map((m) => {
    if (!isMethodName(m)) throw new BoUsageError(`--methods: unknown method "${m}" (known: ${METHOD_NAMES.join(', ')})`);
    return m;
  });
  let seeds = 10;
  if (values.seeds !== undefined) {
    try {
      seeds = parsePositiveInt('--seeds', values.seeds);
    } catch (e) {
      throw new BoUsageError(e instanceof Error ? e.message : String(e));
    }
  }
  const profiles = values.profile === undefined ? [] : values.profile.split(',').map((f) => f.trim()).filter((f) => f !== '');
  if (values.profile !== undefined && profiles.length === 0) throw new BoUsageError(`--profile: expected FILE[,FILE...], found ${JSON.stringify(values.profile)}`);
  return { workflows, levels, profiles, profileLevels: values.profile !== undefined && values.qos !== undefined, seeds, methods, out: values.out ?? join('reports', 'bo') };
}

/** Medians over reports of each method's headline numbers. */
export interface BoSummaryRow {
  readonly name: string;
  readonly reports: number;
  readonly finalCostVsOptimum: number;
  readonly finalFeasibleRate: number;
  readonly probeViolationRate: number;
  readonly invocationsSpent: number;
  readonly msPerStep: number;
}

function median(xs: number[]): number {
  return quantileSorted(xs.slice().sort((a, b) => a - b), 0.5);
}

/** The medians over `reports` per method. */
export function summarise(reports: readonly BoReport[]): BoSummaryRow[] {
  const names = [...new Set(reports.flatMap((r) => r.methods.map((m) => m.name)))];
  return names.map((name) => {
    const rows = reports.flatMap((r) => r.methods.filter((m) => m.name === name));
    return {
      name,
      reports: rows.length,
      finalCostVsOptimum: median(rows.map((m) => m.finalCostVsOptimum.median)),
      finalFeasibleRate: median(rows.map((m) => m.finalFeasibleRate)),
      probeViolationRate: median(rows.map((m) => m.probeViolationRate)),
      invocationsSpent: median(rows.map((m) => m.invocationsSpent.median)),
      msPerStep: median(rows.map((m) => m.msPerStep)),
    };
  });
}

/** The summary as Markdown. */
export function summaryMarkdown(reports: readonly BoReport[]): string {
  const lines = [
    `# Resource manager: medians over ${reports.length} workflow x target combinations`,
    '',
    `Combinations: ${reports.map((r) => `${r.workflow} p${r.qos.percentile}<=${r.qos.targetMs}`).join('; ')}; seeds ${reports[0]?.seeds.join(', ') ?? ''}.`,
    '',
    '| method | final cost vs optimum | final feasible | probes violating | invocations | ms per step |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const s of summarise(reports)) {
    lines.push(`| ${s.name} | +${(s.finalCostVsOptimum * 100).toFixed(1)}% | ${(s.finalFeasibleRate * 100).toFixed(0)}% | ${(s.probeViolationRate * 100).toFixed(1)}% | ${s.invocationsSpent.toFixed(0)} | ${s.msPerStep.toFixed(1)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs `bench bo` and writes its files; returns the reports and the output directory. */
export async function runBoCommand(cmd: BoCommand, log: (line: string) => void): Promise<{ reports: BoReport[]; out: string }> {
  const targets: { workflow: Workflow; dir: string }[] = [];
  if (cmd.profiles.length > 0) {
    const levels: readonly (QosLevel | null)[] = cmd.profileLevels ? cmd.levels : [null];
    const many = cmd.profiles.length * levels.length > 1;
    for (const file of cmd.profiles) {
      const profile = await readProfileFile(file);
      const base = profileWorkflow(profile);
      for (const level of levels) {
        const workflow = level === null ? base : { ...base, qos: profileQosTarget(profile, QOS_PERCENTILE, QOS_FACTORS[level]) };
        targets.push({ workflow, dir: many ? join(cmd.out, `${profile.workflow}-${level ?? 'own'}`) : cmd.out });
      }
    }
  } else {
    const many = cmd.workflows.length * cmd.levels.length > 1;
    for (const name of cmd.workflows) {
      for (const level of cmd.levels) targets.push({ workflow: withQos(lookupWorkflow(name), level), dir: many ? join(cmd.out, `${name}-${level}`) : cmd.out });
    }
  }
  const seeds = Array.from({ length: cmd.seeds }, (_, i) => i + 1);
  const reports: BoReport[] = [];
  for (const { workflow, dir } of targets) {
    const report = runBoBench(workflow, {
      seeds,
      methods: cmd.methods,
      clock: { nowMs: () => performance.now() },
      onRun: (method, seed, run) => log(`${workflow.name} p${workflow.qos.percentile}<=${workflow.qos.targetMs}: ${method} seed ${seed}: ${run.steps.length} probes, ${run.invocationsSpent} invocations (${run.stopReason})`),
    });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bo.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(dir, 'bo.md'), boMarkdown(report));
    writeFileSync(join(dir, 'bo.svg'), await boPlotSvg(report));
    reports.push(report);
  }
  if (reports.length > 1) {
    writeFileSync(join(cmd.out, 'summary.json'), `${JSON.stringify({ reports: reports.map((r) => ({ workflow: r.workflow, qos: r.qos })), summary: summarise(reports) }, null, 2)}\n`);
    writeFileSync(join(cmd.out, 'summary.md'), summaryMarkdown(reports));
  }
  return { reports, out: cmd.out };
}
