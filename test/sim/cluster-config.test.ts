import { DEFAULT_CLUSTER, clusterConfig, type ClusterConfig } from '../../src/sim/cluster-config';

describe('clusterConfig', () => {
  it('returns the documented defaults when given no overrides', () => {
    expect(clusterConfig()).toEqual({
      invokers: 10,
      invokerMemoryMB: 32768,
      invokerCores: 16,
      coldStartMs: 800,
      stemCellStartMs: 100,
      warmStartMs: 5,
      prewarmLoadMs: 800,
      stemCellsPerInvoker: 2,
      stemCellMemoryMB: 256,
      stemCellLoadMs: 700,
    });
    expect(clusterConfig({})).toEqual(DEFAULT_CLUSTER);
  });

  it('orders the start latencies as OpenWhisk does by default: warm < stem cell < cold, prewarm load = cold start', () => {
    const c = clusterConfig();
    expect(c.warmStartMs).toBeLessThan(c.stemCellStartMs);
    expect(c.stemCellStartMs).toBeLessThan(c.coldStartMs);
    expect(c.prewarmLoadMs).toBe(c.coldStartMs);
  });

  it('applies overrides and keeps the defaults of the other fields', () => {
    const c = clusterConfig({ invokers: 3, warmStartMs: 0, stemCellsPerInvoker: 0 });
    expect(c).toEqual({ ...DEFAULT_CLUSTER, invokers: 3, warmStartMs: 0, stemCellsPerInvoker: 0 });
  });

  it('lets the prewarm load follow the cold start unless it is given itself', () => {
    expect(clusterConfig({ coldStartMs: 1500 }).prewarmLoadMs).toBe(1500);
    expect(clusterConfig({ coldStartMs: 1500, prewarmLoadMs: 300 }).prewarmLoadMs).toBe(300);
    expect(clusterConfig({}).prewarmLoadMs).toBe(DEFAULT_CLUSTER.prewarmLoadMs);
  });

  it('keeps the default of a field given as undefined', () => {
    expect(clusterConfig({ invokers: undefined, invokerMemoryMB: 1024 })).toEqual({ ...DEFAULT_CLUSTER, invokerMemoryMB: 1024 });
  });

  it('applies an override of every field at once', () => {
    const all: ClusterConfig = {
      invokers: 1,
      invokerMemoryMB: 2048.5,
      invokerCores: 0.5,
      coldStartMs: 0,
      stemCellStartMs: 0,
      warmStartMs: 0,
      prewarmLoadMs: 0,
      stemCellsPerInvoker: 0,
      stemCellMemoryMB: 0,
      stemCellLoadMs: 0,
    };
    expect(clusterConfig(all)).toEqual(all);
  });

  it('returns a frozen object and leaves DEFAULT_CLUSTER and the overrides object unchanged', () => {
    const overrides = { invokers: 4 };
    const c = clusterConfig(overrides);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CLUSTER)).toBe(true);
    expect(DEFAULT_CLUSTER.invokers).toBe(10);
    expect(overrides).toEqual({ invokers: 4 });
    expect(c).not.toBe(DEFAULT_CLUSTER);
  });

  it.each<{ overrides: Partial<ClusterConfig>; message: string }>([
    { overrides: { invokers: 0 }, message: 'cluster config: invokers must be a positive number, got 0' },
    { overrides: { invokers: -2 }, message: 'cluster config: invokers must be a positive number, got -2' },
    { overrides: { invokers: 2.5 }, message: 'cluster config: invokers must be an integer, got 2.5' },
    { overrides: { invokers: Number.NaN }, message: 'cluster config: invokers must be a positive number, got NaN' },
    { overrides: { invokers: Number.POSITIVE_INFINITY }, message: 'cluster config: invokers must be a positive number, got Infinity' },
    { overrides: { invokerMemoryMB: 0 }, message: 'cluster config: invokerMemoryMB must be a positive number, got 0' },
    { overrides: { invokerMemoryMB: -1024 }, message: 'cluster config: invokerMemoryMB must be a positive number, got -1024' },
    { overrides: { invokerCores: 0 }, message: 'cluster config: invokerCores must be a positive number, got 0' },
    { overrides: { invokerCores: Number.NaN }, message: 'cluster config: invokerCores must be a positive number, got NaN' },
    { overrides: { coldStartMs: -1 }, message: 'cluster config: coldStartMs must be a non-negative number, got -1' },
    { overrides: { coldStartMs: Number.POSITIVE_INFINITY }, message: 'cluster config: coldStartMs must be a non-negative number, got Infinity' },
    { overrides: { stemCellStartMs: -0.5 }, message: 'cluster config: stemCellStartMs must be a non-negative number, got -0.5' },
    { overrides: { warmStartMs: Number.NaN }, message: 'cluster config: warmStartMs must be a non-negative number, got NaN' },
    { overrides: { prewarmLoadMs: -800 }, message: 'cluster config: prewarmLoadMs must be a non-negative number, got -800' },
    { overrides: { stemCellsPerInvoker: -1 }, message: 'cluster config: stemCellsPerInvoker must be a non-negative number, got -1' },
    { overrides: { stemCellsPerInvoker: 1.5 }, message: 'cluster config: stemCellsPerInvoker must be an integer, got 1.5' },
    { overrides: { stemCellMemoryMB: -256 }, message: 'cluster config: stemCellMemoryMB must be a non-negative number, got -256' },
    { overrides: { stemCellLoadMs: Number.NEGATIVE_INFINITY }, message: 'cluster config: stemCellLoadMs must be a non-negative number, got -Infinity' },
  ])('rejects a bad override with a RangeError naming the field and value: $message', ({ overrides, message }) => {
    expect(() => clusterConfig(overrides)).toThrow(RangeError);
    expect(() => clusterConfig(overrides)).toThrow(new RangeError(message));
  });

  it('reports the first bad field in declaration order (positive fields first) when several are bad', () => {
    expect(() => clusterConfig({ stemCellLoadMs: -1, invokerCores: 0, invokers: 1.5 })).toThrow(
      new RangeError('cluster config: invokerCores must be a positive number, got 0'),
    );
  });
});
