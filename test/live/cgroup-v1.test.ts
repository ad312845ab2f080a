import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CgroupError,
  CgroupParent,
  cpuQuotaUs,
  groupPids,
  listAquatopeGroups,
  memoryLimitBytes,
  parseOomControl,
  probeCgroups,
  readMemoryEvents,
  removeGroup,
} from '../../src/live/cgroup-v1';

/** A plain directory standing in for /sys/fs/cgroup: `cpu/` and `memory/` controllers. */
function fakeRoot(options: { swapAccounting?: boolean } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'aquatope-fake-cgroup-'));
  mkdirSync(join(root, 'cpu'));
  mkdirSync(join(root, 'memory'));
  if (options.swapAccounting === true) writeFileSync(join(root, 'memory', 'memory.memsw.limit_in_bytes'), '9223372036854771712\n');
  return root;
}

const read = (path: string): string => readFileSync(path, 'utf8');

describe('cgroup v1 over a fake root', () => {
  const roots: string[] = [];
  const root = (options: { swapAccounting?: boolean } = {}): string => {
    const r = fakeRoot(options);
    roots.push(r);
    return r;
  };
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('probes writable controllers and leaves no probe group behind', () => {
    const r = root();
    expect(probeCgroups(r)).toEqual({ writable: true });
    expect(listAquatopeGroups(r)).toEqual([]);
  });

  it('says which path is missing when a controller is absent', () => {
    const r = root();
    rmSync(join(r, 'memory'), { recursive: true });
    expect(probeCgroups(r)).toEqual({ writable: false, reason: `no cgroup v1 memory controller at ${join(r, 'memory')} (ENOENT)` });
  });

  it('names the path and errno when the probe group cannot be created', () => {
    const r = root();
    rmSync(join(r, 'cpu'), { recursive: true });
    writeFileSync(join(r, 'cpu'), 'not a directory');
    const probe = probeCgroups(r);
    expect(probe.writable).toBe(false);
    if (probe.writable) return;
    expect(probe.reason).toContain(`cannot create ${join(r, 'cpu', `aquatope-probe-${process.pid}`)}: ENOTDIR`);
  });

  it('computes quotas and limits: round(cores x 100,000) at least 1,000 us, MB x 2^20 bytes', () => {
    expect(cpuQuotaUs(1)).toBe(100_000);
    expect(cpuQuotaUs(0.5)).toBe(50_000);
    expect(cpuQuotaUs(256 / 1769)).toBe(14_471);
    expect(cpuQuotaUs(0.001)).toBe(1_000);
    expect(cpuQuotaUs(2.5)).toBe(250_000);
    expect(memoryLimitBytes(128)).toBe(134_217_728);
    expect(() => cpuQuotaUs(0)).toThrow(CgroupError);
    expect(() => memoryLimitBytes(Number.NaN)).toThrow('a memory limit must be a positive number of MB, got NaN');
  });

  it('creates a parent under both controllers and a child per container with its limits', async () => {
    const r = root();
    const parent = new CgroupParent(r);
    expect(parent.name).toMatch(new RegExp(`^aquatope-${process.pid}-\\d+$`));
    expect(parent.dir('cpu')).toBe(join(r, 'cpu', parent.name));
    const group = parent.createContainer('c1', { memoryMB: 128, cpuCores: 0.5 });
    expect(group).toEqual({
      name: 'c1',
      cpuDir: join(r, 'cpu', parent.name, 'c1'),
      memoryDir: join(r, 'memory', parent.name, 'c1'),
      cpuProcsFile: join(r, 'cpu', parent.name, 'c1', 'cgroup.procs'),
      memoryProcsFile: join(r, 'memory', parent.name, 'c1', 'cgroup.procs'),
    });
    expect(read(join(group.cpuDir, 'cpu.cfs_period_us'))).toBe('100000\n');
    expect(read(join(group.cpuDir, 'cpu.cfs_quota_us'))).toBe('50000\n');
    expect(read(join(group.memoryDir, 'memory.limit_in_bytes'))).toBe('134217728\n');
    // No swap accounting on this fake: no memsw file is made up.
    expect(existsSync(join(group.memoryDir, 'memory.memsw.limit_in_bytes'))).toBe(false);
    expect(listAquatopeGroups(r)).toEqual([join(r, 'cpu', parent.name), join(r, 'memory', parent.name)]);
    await parent.close();
    expect(listAquatopeGroups(r)).toEqual([]);
  });

  it('limits swap to the memory limit when swap accounting exists', async () => {
    const r = root({ swapAccounting: true });
    const parent = new CgroupParent(r);
    const group = parent.createContainer('c7', { memoryMB: 256, cpuCores: 1 });
    expect(read(join(group.memoryDir, 'memory.memsw.limit_in_bytes'))).toBe(`${256 * 2 ** 20}\n`);
    await parent.close();
  });

  it('gives two parents in one process distinct names', async () => {
    const r = root();
    const a = new CgroupParent(r);
    const b = new CgroupParent(r);
    expect(a.name).not.toBe(b.name);
    await Promise.all([a.close(), b.close()]);
    expect(listAquatopeGroups(r)).toEqual([]);
  });

  it('refuses a group name that is not a plain segment', () => {
    const parent = new CgroupParent(root());
    expect(() => parent.createContainer('../escape', { memoryMB: 128, cpuCores: 1 })).toThrow("not a group name: '../escape'");
  });

  it('names the file and errno when a limit cannot be written, and leaves no group', () => {
    const r = root();
    const parent = new CgroupParent(r);
    // A directory where the quota file should be: the write fails with EISDIR.
    mkdirSync(join(parent.dir('cpu'), 'c2', 'cpu.cfs_quota_us'), { recursive: true });
    let error: unknown;
    try {
      parent.createContainer('c2', { memoryMB: 128, cpuCores: 1 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CgroupError);
    if (!(error instanceof CgroupError)) return;
    expect(error.message).toContain(`cannot write ${join(parent.dir('cpu'), 'c2', 'cpu.cfs_quota_us')}: EISDIR`);
    expect(error.code).toBe('EISDIR');
    expect(existsSync(join(parent.dir('memory'), 'c2'))).toBe(false);
  });

  it('names the parent path when it cannot be created', () => {
    const r = root();
    rmSync(join(r, 'memory'), { recursive: true });
    expect(() => new CgroupParent(r)).toThrow(`cannot create ${join(r, 'memory', 'aquatope-')}`);
    // The cpu half it made is gone again.
    expect(listAquatopeGroups(r)).toEqual([]);
  });

  it('parses memory.oom_control with and without the oom_kill line', () => {
    expect(parseOomControl('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n')).toEqual({ oomKillDisable: false, underOom: false, oomKill: 3 });
    expect(parseOomControl('oom_kill_disable 1\nunder_oom 1\n')).toEqual({ oomKillDisable: true, underOom: true });
    expect(parseOomControl('')).toEqual({ oomKillDisable: false, underOom: false });
  });

  it('reads OOM kills from oom_kill, else from under_oom or failcnt evidence, and the peak', () => {
    const dir = join(root(), 'memory');
    const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
    write('memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    write('memory.failcnt', '0\n');
    write('memory.max_usage_in_bytes', '134217728\n');
    expect(readMemoryEvents({ memoryDir: dir })).toEqual({ oomKills: 2, counted: true, peakBytes: 134_217_728, failcnt: 0 });
    write('memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\n');
    write('memory.failcnt', '17\n');
    expect(readMemoryEvents({ memoryDir: dir })).toMatchObject({ oomKills: 1, counted: false, failcnt: 17 });
    write('memory.failcnt', '0\n');
    expect(readMemoryEvents({ memoryDir: dir })).toMatchObject({ oomKills: 0, counted: false });
    write('memory.oom_control', 'oom_kill_disable 0\nunder_oom 1\n');
    expect(readMemoryEvents({ memoryDir: dir })).toMatchObject({ oomKills: 1, counted: false });
  });

  it('reads a vanished group as no events', () => {
    expect(readMemoryEvents({ memoryDir: join(root(), 'memory', 'gone') })).toEqual({ oomKills: 0, counted: false, peakBytes: 0, failcnt: 0 });
  });

  it("lists a group's pids from both controllers, once each", async () => {
    const r = root();
    const parent = new CgroupParent(r);
    const group = parent.createContainer('c3', { memoryMB: 128, cpuCores: 1 });
    writeFileSync(group.cpuProcsFile, '101\n102\n');
    writeFileSync(group.memoryProcsFile, '102\n103\n\n');
    expect(groupPids(group).sort()).toEqual([101, 102, 103]);
    await parent.close();
    expect(groupPids(group)).toEqual([]);
  });

  it('removes a container group, tolerates one already gone, and names the path when removal fails', async () => {
    const r = root();
    const parent = new CgroupParent(r);
    const group = parent.createContainer('c4', { memoryMB: 128, cpuCores: 1 });
    await parent.removeContainer(group);
    expect(existsSync(group.cpuDir)).toBe(false);
    expect(existsSync(group.memoryDir)).toBe(false);
    await expect(removeGroup(group)).resolves.toBeUndefined();
    // A nested directory: rmdir fails (ENOTEMPTY) even after the plain files are gone.
    const stuck = parent.createContainer('c5', { memoryMB: 128, cpuCores: 1 });
    mkdirSync(join(stuck.cpuDir, 'nested'));
    await expect(removeGroup(stuck, { timeoutMs: 50 })).rejects.toThrow(`cannot remove ${stuck.cpuDir}: ENOTEMPTY`);
  });
});
