/**
 * CPU and memory limits over cgroup v1, the way `docker run --cpus --memory`
 * limits an OpenWhisk container: a CFS quota on the `cpu` controller and a
 * hard limit (with no swap beyond it) on the `memory` controller.
 *
 * Layout: a parent group `aquatope-<pid>-<n>` under both controllers, one
 * child group per container. The root directory is injectable so tests can
 * run against a plain temporary directory: there, control files are created
 * by the writes, and removing a group removes the plain files it holds (a
 * real cgroupfs never answers `ENOTEMPTY`, so that fallback never runs on it).
 *
 * Everything but {@link removeGroup} is synchronous: these are a handful of
 * tiny writes and reads on a pseudo file system.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where cgroup v1 controllers are mounted on most systems. */
export const DEFAULT_CGROUP_ROOT = '/sys/fs/cgroup';

/** The CFS period written to every container group, µs (Docker's default: 100 ms). */
export const CFS_PERIOD_US = 100_000;

/** The smallest CFS quota the kernel accepts, µs (1 ms). */
export const MIN_CFS_QUOTA_US = 1_000;

/** The prefix of every group this module makes (see {@link listAquatopeGroups}). */
export const GROUP_PREFIX = 'aquatope-';

/** A failed cgroup operation; the message names the path and the errno code. */
export class CgroupError extends Error {
  constructor(
    message: string,
    /** The file or directory the operation was on. */
    readonly path: string,
    /** The errno code (`EACCES`, `ENOENT`, …), or `EINVAL` for a bad value. */
    readonly code: string,
  ) {
    super(message);
    this.name = 'CgroupError';
  }
}

/** The errno code of a Node fs error, or `UNKNOWN`. */
function errnoOf(err: unknown): string {
  // Not `instanceof Error`: errors from another realm (a test sandbox) fail that test.
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return 'UNKNOWN';
}

function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string') return err.message;
  return String(err);
}

function failure(what: string, path: string, err: unknown): CgroupError {
  if (err instanceof CgroupError) return err;
  return new CgroupError(`cannot ${what} ${path}: ${errnoOf(err)} (${messageOf(err)})`, path, errnoOf(err));
}

/** Whether cgroups can be used: `{ writable: false, reason }` names the path and errno that failed. */
export type CgroupProbe = { writable: true } | { writable: false; reason: string };

/** A cgroup v1 controller this module uses. */
export type Controller = 'cpu' | 'memory';

/** The two controllers this module uses. */
export const CONTROLLERS: readonly Controller[] = ['cpu', 'memory'];

/**
 * Tries to create and remove a test group under the `cpu` and `memory`
 * controllers of `root` (default {@link DEFAULT_CGROUP_ROOT}). Never throws.
 */
export function probeCgroups(root: string = DEFAULT_CGROUP_ROOT): CgroupProbe {
  for (const controller of CONTROLLERS) {
    const base = join(root, controller);
    if (!existsSync(base)) return { writable: false, reason: `no cgroup v1 ${controller} controller at ${base} (ENOENT)` };
    const probe = join(base, `${GROUP_PREFIX}probe-${process.pid}`);
    try {
      mkdirSync(probe);
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') return { writable: false, reason: failure('create', probe, err).message };
    }
    try {
      removeDirectory(probe);
    } catch (err) {
      return { writable: false, reason: failure('remove', probe, err).message };
    }
  }
  return { writable: true };
}

/** The CFS quota of `cores` CPU cores, µs per {@link CFS_PERIOD_US}: `round(cores × 100,000)`, at least {@link MIN_CFS_QUOTA_US}. */
export function cpuQuotaUs(cores: number): number {
  if (!Number.isFinite(cores) || cores <= 0) throw new CgroupError(`a CPU limit must be a positive number of cores, got ${cores}`, '', 'EINVAL');
  return Math.max(MIN_CFS_QUOTA_US, Math.round(cores * CFS_PERIOD_US));
}

/** A memory limit of `memoryMB` MB in bytes (MB × 2^20). */
export function memoryLimitBytes(memoryMB: number): number {
  if (!Number.isFinite(memoryMB) || memoryMB <= 0) throw new CgroupError(`a memory limit must be a positive number of MB, got ${memoryMB}`, '', 'EINVAL');
  return Math.round(memoryMB * 2 ** 20);
}

/** The limits of one container group. */
export interface GroupLimits {
  /** Hard memory limit, MB (swap included: none beyond it). */
  memoryMB: number;
  /** CPU limit, cores (0.5 = half of one core per CFS period). */
  cpuCores: number;
}

/** One container's groups, one per controller. */
export interface ContainerGroup {
  /** The group's own name (the last path segment). */
  name: string;
  /** The group's directory under the `cpu` controller. */
  cpuDir: string;
  /** The group's directory under the `memory` controller. */
  memoryDir: string;
  /** The file a process writes its pid to, to join the `cpu` group. */
  cpuProcsFile: string;
  /** The file a process writes its pid to, to join the `memory` group. */
  memoryProcsFile: string;
}

function writeValue(file: string, value: number): void {
  try {
    writeFileSync(file, `${value}\n`);
  } catch (err) {
    throw failure('write', file, err);
  }
}

function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST') throw failure('create', dir, err);
  }
}

/**
 * `rmdir`; on `ENOTEMPTY` (only a plain-directory fake answers that: cgroupfs
 * removes a group with its control files) the plain files are removed first.
 */
function removeDirectory(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (err) {
    if (errnoOf(err) !== 'ENOTEMPTY') throw err;
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isFile()) unlinkSync(path);
    }
    rmdirSync(dir);
  }
}

/** A number from a control file, or undefined when the file is missing or holds no number. */
function readNumber(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const value = Number.parseInt(text.trim(), 10);
  return Number.isFinite(value) ? value : undefined;
}

/** What `memory.oom_control` says. */
export interface OomControl {
  /** `oom_kill_disable`: the kernel pauses instead of killing. */
  oomKillDisable: boolean;
  /** `under_oom`: the group is out of memory now. */
  underOom: boolean;
  /** `oom_kill`: processes the OOM killer killed in the group (Linux ≥ 4.13; undefined when the line is absent). */
  oomKill?: number;
}

/** Parses the text of `memory.oom_control` (`key value` lines). */
export function parseOomControl(text: string): OomControl {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key === undefined || value === undefined) continue;
    const n = Number.parseInt(value, 10);
    if (Number.isFinite(n)) values.set(key, n);
  }
  const oomKill = values.get('oom_kill');
  return { oomKillDisable: values.get('oom_kill_disable') === 1, underOom: values.get('under_oom') === 1, ...(oomKill === undefined ? {} : { oomKill }) };
}

/** A container group's memory events so far. */
export interface MemoryEvents {
  /**
   * OOM kills in the group: the `oom_kill` count when the kernel reports it,
   * otherwise 1 when there is evidence (`under_oom` set, or `memory.failcnt`
   * above zero: the limit was hit), else 0.
   */
  oomKills: number;
  /** Whether `oomKills` is the kernel's count (true) or inferred from `under_oom`/`failcnt` (false). */
  counted: boolean;
  /** `memory.max_usage_in_bytes`: the group's peak usage, bytes (0 when unreadable). */
  peakBytes: number;
  /** `memory.failcnt`: times the limit was hit (0 when unreadable). */
  failcnt: number;
}

/** Reads a container group's OOM kills and peak memory. Missing files read as zero (a group being removed). */
export function readMemoryEvents(group: Pick<ContainerGroup, 'memoryDir'>): MemoryEvents {
  let control: OomControl = { oomKillDisable: false, underOom: false };
  try {
    control = parseOomControl(readFileSync(join(group.memoryDir, 'memory.oom_control'), 'utf8'));
  } catch {
    // A vanished group has no events left to report.
  }
  const failcnt = readNumber(join(group.memoryDir, 'memory.failcnt')) ?? 0;
  const peakBytes = readNumber(join(group.memoryDir, 'memory.max_usage_in_bytes')) ?? 0;
  if (control.oomKill !== undefined) return { oomKills: control.oomKill, counted: true, peakBytes, failcnt };
  return { oomKills: control.underOom || failcnt > 0 ? 1 : 0, counted: false, peakBytes, failcnt };
}

/** The pids in a container's groups (both controllers, deduplicated). */
export function groupPids(group: Pick<ContainerGroup, 'cpuDir' | 'memoryDir'>): number[] {
  const pids = new Set<number>();
  for (const dir of [group.cpuDir, group.memoryDir]) {
    let text = '';
    try {
      text = readFileSync(join(dir, 'cgroup.procs'), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const pid = Number.parseInt(line.trim(), 10);
      if (Number.isInteger(pid) && pid > 0) pids.add(pid);
    }
  }
  return [...pids];
}

/** How {@link removeGroup} retries. */
export interface RemoveOptions {
  /** Give up after this long, ms (default 2,000). */
  timeoutMs?: number;
  /** Wait between tries, ms (default 20). */
  retryMs?: number;
  /** Called before each retry, e.g. to SIGKILL the pids still listed (default: nothing). */
  beforeRetry?: () => void;
}

async function removeWithRetry(dir: string, options: RemoveOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const retryMs = options.retryMs ?? 20;
  const start = Date.now();
  for (;;) {
    try {
      removeDirectory(dir);
      return;
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() - start >= timeoutMs) throw failure('remove', dir, err);
    }
    options.beforeRetry?.();
    await new Promise<void>((resolve) => setTimeout(resolve, retryMs));
  }
}

/**
 * Removes a container's groups (`rmdir` under both controllers), retrying
 * while the kernel answers `EBUSY` (processes still leaving). Call it once
 * the group's processes are gone. A missing group is not an error.
 */
export async function removeGroup(group: Pick<ContainerGroup, 'cpuDir' | 'memoryDir'>, options: RemoveOptions = {}): Promise<void> {
  await removeWithRetry(group.cpuDir, options);
  await removeWithRetry(group.memoryDir, options);
}

/** Counts parents made in this process, so two invokers in one process never share one. */
let parentsMade = 0;

/**
 * The parent group of one invoker (`aquatope-<pid>-<n>` under `cpu` and
 * `memory`, no limits of its own) and the container groups under it.
 */
export class CgroupParent {
  /** The parent's name, `aquatope-<pid>-<n>`. */
  readonly name: string;
  private readonly dirs: Record<Controller, string>;
  private readonly made = new Set<ContainerGroup>();

  /** Creates the parent under both controllers of `root` (default {@link DEFAULT_CGROUP_ROOT}); throws a {@link CgroupError} naming the path. */
  constructor(readonly root: string = DEFAULT_CGROUP_ROOT) {
    parentsMade += 1;
    this.name = `${GROUP_PREFIX}${process.pid}-${parentsMade}`;
    this.dirs = { cpu: join(root, 'cpu', this.name), memory: join(root, 'memory', this.name) };
    makeDirectory(this.dirs.cpu);
    try {
      makeDirectory(this.dirs.memory);
    } catch (err) {
      try {
        removeDirectory(this.dirs.cpu);
      } catch {
        // Reported by listAquatopeGroups; the creation error matters more.
      }
      throw err;
    }
  }

  /** The parent's directory under `controller`. */
  dir(controller: Controller): string {
    return this.dirs[controller];
  }

  /**
   * Creates the child group `name` with `limits`: `cpu.cfs_period_us` 100,000,
   * `cpu.cfs_quota_us` from {@link cpuQuotaUs}, `memory.limit_in_bytes` and then
   * (when swap accounting exists) `memory.memsw.limit_in_bytes` to the same
   * value. On failure nothing is left behind and a {@link CgroupError} names the path.
   */
  createContainer(name: string, limits: GroupLimits): ContainerGroup {
    if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.')) throw new CgroupError(`not a group name: '${name}'`, name, 'EINVAL');
    const quota = cpuQuotaUs(limits.cpuCores);
    const bytes = memoryLimitBytes(limits.memoryMB);
    const cpuDir = join(this.dirs.cpu, name);
    const memoryDir = join(this.dirs.memory, name);
    const group: ContainerGroup = { name, cpuDir, memoryDir, cpuProcsFile: join(cpuDir, 'cgroup.procs'), memoryProcsFile: join(memoryDir, 'cgroup.procs') };
    try {
      makeDirectory(cpuDir);
      makeDirectory(memoryDir);
      writeValue(join(cpuDir, 'cpu.cfs_period_us'), CFS_PERIOD_US);
      writeValue(join(cpuDir, 'cpu.cfs_quota_us'), quota);
      // The memory limit first: the kernel refuses a memsw limit below it.
      writeValue(join(memoryDir, 'memory.limit_in_bytes'), bytes);
      const memsw = 'memory.memsw.limit_in_bytes';
      if (existsSync(join(memoryDir, memsw)) || existsSync(join(this.root, 'memory', memsw))) writeValue(join(memoryDir, memsw), bytes);
    } catch (err) {
      for (const dir of [cpuDir, memoryDir]) {
        try {
          removeDirectory(dir);
        } catch {
          // Best effort: the original error is the one to report.
        }
      }
      throw err;
    }
    this.made.add(group);
    return group;
  }

  /** Removes a container group made here (see {@link removeGroup}). */
  async removeContainer(group: ContainerGroup, options: RemoveOptions = {}): Promise<void> {
    await removeGroup(group, options);
    this.made.delete(group);
  }

  /** Removes every container group still here and then the parent (under both controllers). */
  async close(options: RemoveOptions = {}): Promise<void> {
    for (const group of [...this.made]) await this.removeContainer(group, options);
    await removeWithRetry(this.dirs.cpu, options);
    await removeWithRetry(this.dirs.memory, options);
  }
}

/**
 * Every `aquatope-*` group under the `cpu` and `memory` controllers of `root`
 * (default {@link DEFAULT_CGROUP_ROOT}), as full paths: what was left behind
 * (tests check it is empty of their own groups). A missing controller lists nothing.
 */
export function listAquatopeGroups(root: string = DEFAULT_CGROUP_ROOT): string[] {
  const out: string[] = [];
  for (const controller of CONTROLLERS) {
    const base = join(root, controller);
    let entries: string[] = [];
    try {
      entries = readdirSync(base);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(base, entry);
      if (!entry.startsWith(GROUP_PREFIX)) continue;
      try {
        if (statSync(path).isDirectory()) out.push(path);
      } catch {
        // Removed while listing.
      }
    }
  }
  return out.sort();
}
