import { SYSTEM_COMBINATIONS } from '../../benchmark/system-bench';
import { UsageError } from '../../src/cli/parse-options';
import { combinationName, parseCombinations, runSystemCommand } from '../../src/cli/system-command';

describe('parseCombinations', () => {
  it('reads policies, methods and an optional tuning percentile, in order', () => {
    expect(parseCombinations('openwhisk-default+max-resources, aquatope@0.999+aquatope@p99.9,fixed-10+cherrypick,aquatope@0.99+aquatope@p99-12.5%')).toEqual([
      { policy: 'openwhisk-default', method: 'max-resources' },
      { policy: 'aquatope@0.999', method: 'aquatope', tunePercentile: 99.9 },
      { policy: 'fixed-10', method: 'cherrypick' },
      { policy: 'aquatope@0.99', method: 'aquatope', tunePercentile: 99, tuneMargin: 0.125 },
    ]);
    expect(combinationName({ policy: 'aquatope@0.99', method: 'aquatope', tunePercentile: 99, tuneMargin: 0.125 })).toBe('aquatope@0.99+aquatope@p99-12.5%');
  });

  it('reads a dag: prefix as workflow-aware prewarming around the policy, and names it back', () => {
    const [c] = parseCombinations('dag:hybrid-histogram+cherrypick@p99');
    expect(c).toEqual({ policy: 'hybrid-histogram', method: 'cherrypick', tunePercentile: 99, dagPrewarm: true });
    expect(combinationName(c)).toBe('dag:hybrid-histogram+cherrypick@p99');
    expect(parseCombinations('dag:fixed-10+max-resources')).toEqual([{ policy: 'fixed-10', method: 'max-resources', dagPrewarm: true }]);
  });

  it.each([
    ['/cpu', 'cpuPerGB'],
    ['/burst-cpu', 'burstCpuPerGB'],
  ])('reads a %sRATIO suffix as %s, after or without a percentile, and names it back', (suffix, field) => {
    const first = `dag:aquatope@0.99/0.99999+aquatope@p99-15%${suffix}1.5`;
    const second = `hybrid-histogram+cherrypick${suffix}2`;
    const [a, b] = parseCombinations(`${first},${second}`);
    expect(a).toEqual({ policy: 'aquatope@0.99/0.99999', method: 'aquatope', tunePercentile: 99, tuneMargin: 0.15, dagPrewarm: true, [field]: 1.5 });
    expect(b).toEqual({ policy: 'hybrid-histogram', method: 'cherrypick', [field]: 2 });
    expect([combinationName(a), combinationName(b)]).toEqual([first, second]);
  });

  it('reads back every default combination from its name', () => {
    const names = SYSTEM_COMBINATIONS.map(combinationName);
    expect(names).toContain('dag:aquatope@0.99/0.99999+aquatope@p99-15%/burst-cpu1.5');
    expect(parseCombinations(names.join(','))).toEqual(SYSTEM_COMBINATIONS);
  });

  it.each([
    ['', /empty entry in ""/],
    ['openwhisk-default+max-resources,', /empty entry/],
    ['openwhisk-default', /"openwhisk-default" is not POLICY\+METHOD/],
    ['+max-resources', /"\+max-resources" is not POLICY\+METHOD/],
    ['openwhisk-default+', /"openwhisk-default\+" is not POLICY\+METHOD/],
    ['lru+max-resources', /"lru\+max-resources".*lru/],
    ['dag:+max-resources', /"dag:\+max-resources".*unknown policy ""/],
    ['dag:dag:fixed-10+max-resources', /unknown policy "dag:fixed-10"/],
    ['openwhisk-default+magic', /unknown method "magic"/],
    ['openwhisk-default+aquatope@p99@p90', /more than one @/],
    ['openwhisk-default+aquatope@p0', /strictly between 0 and 100>\[-<margin>%\], got "p0"/],
    ['openwhisk-default+aquatope@p99-100%', /margin must be below 100%, got "100%"/],
    ['openwhisk-default+aquatope@p99-10', /got "p99-10"/],
    ['openwhisk-default+aquatope@p99--5%', /got "p99--5%"/],
    ['openwhisk-default+aquatope@p100', /got "p100"/],
    ['openwhisk-default+aquatope@99', /got "99"/],
    ['openwhisk-default+aquatope@pX', /got "pX"/],
    ['openwhisk-default+aquatope@p99/cpu0', /expected \/cpu<cores per GB, a number > 0>, got "\/cpu0"/],
    ['openwhisk-default+aquatope/cpu', /got "\/cpu"/],
    ['openwhisk-default+aquatope/cpu-1', /got "\/cpu-1"/],
    ['openwhisk-default+aquatope/cpuX', /got "\/cpuX"/],
    ['openwhisk-default+aquatope@p99/burst-cpu0', /expected \/burst-cpu<cores per GB, a number > 0>, got "\/burst-cpu0"/],
    ['openwhisk-default+aquatope/burst-cpu', /got "\/burst-cpu"/],
    ['openwhisk-default+aquatope/burst-cpuX', /got "\/burst-cpuX"/],
    ['openwhisk-default+aquatope/cpu1/burst-cpu2', /use one of \/cpuRATIO and \/burst-cpuRATIO, not both/],
    ['openwhisk-default+aquatope/burst-cpu2/cpu1', /use one of \/cpuRATIO and \/burst-cpuRATIO, not both/],
  ])('rejects %p naming the bad entry', (text, message) => {
    expect(() => parseCombinations(text)).toThrow(UsageError);
    expect(() => parseCombinations(text)).toThrow(message);
  });
});

describe('runSystemCommand', () => {
  it('rejects a bad --combinations before loading any trace or model', async () => {
    const lines: string[] = [];
    await expect(runSystemCommand(['--combinations', 'openwhisk-default+magic', '--trace', '/nonexistent/trace.csv'], (l) => lines.push(l))).rejects.toThrow(/unknown method "magic"/);
    expect(lines).toEqual([]);
  });
});
