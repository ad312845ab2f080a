import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoadValidationError } from '../../src/load/load-errors';
import { buildLoadPlan } from '../../src/load/load-plan';
import { CONVERTED_TRACE_FILE, loadTraceForLoad, locustTraceArgs } from '../../src/load/load-trace';
import { readTrace } from '../../src/trace/read-trace';
import { azure2019Csv, tempDir } from './load-fixtures';

const REPO = join(__dirname, '..', '..');

describe('the trace of a load run', () => {
  const dir = tempDir('aquatope-load-trace-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes an official Azure 2019 file to locust as it is, with the resolved rows', async () => {
    const file = join(dir, 'official.csv');
    writeFileSync(file, azure2019Csv([[1, 2, 3], [9, 9, 9], [0, 5, 1]]));
    const load = await loadTraceForLoad({ trace: file, functions: { kind: 'top', count: 2 }, minutes: { start: 1, end: 3 }, seed: 1 });
    expect(load.officialLayout).toBe(true);
    expect(load.rows).toEqual([1, 2]);
    expect(load.counts.map((c) => Array.from(c))).toEqual([[9, 9], [5, 1]]);
    expect(locustTraceArgs(load, { start: 1, end: 3 }, dir)).toEqual({ trace: file, functions: '1,2', minutes: '1:3', converted: false });
  });

  it('converts the vHive layout: the chosen rows and minutes, readable by the project parser and the locustfile alike', async () => {
    const file = join(dir, 'x_inv.csv');
    writeFileSync(file, 'HashFunction,HashOwner,HashApp,minute_1,minute_2,minute_3,minute_4\nf0,o0,a0,1,2,3,4\nf1,o1,a1,60,0,120,30\n');
    const minutes = { start: 1, end: 4 };
    const load = await loadTraceForLoad({ trace: file, functions: { kind: 'indices', indices: [1, 0] }, minutes, seed: 1 });
    expect(load.officialLayout).toBe(false);
    const out = tempDir('aquatope-load-out-');
    const args = locustTraceArgs(load, minutes, out);
    expect(args).toEqual({ trace: join(out, CONVERTED_TRACE_FILE), functions: 'first:2', minutes: '0:3', converted: true });
    expect(readFileSync(args.trace, 'utf8')).toBe('HashOwner,HashApp,HashFunction,Trigger,2,3,4\no1,a1,f1,unknown,0,120,30\no0,a0,f0,unknown,2,3,4\n');
    const reread = await readTrace(args.trace);
    expect(reread.firstMinuteLabel).toBe(2);
    const plan = buildLoadPlan({ counts: load.counts, speedup: 3, pacingS: 1, maxUsers: 100, workflows: ['a', 'b'] });
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(join(REPO, 'locust'))})`,
      'import locustfile as lf',
      `o = lf.ShapeOptions(trace=${JSON.stringify(args.trace)}, functions=lf.parse_function_spec("first:2"), minutes=(0, 3), speedup=3.0, max_users=100, pacing_s=1.0, workflows=("a", "b"))`,
      'p = lf.build_plan(lf.read_trace(o.trace, o.functions, o.minutes), o)',
      'print(json.dumps({"users": list(p.users), "weights": [list(w) for w in p.weights]}))',
    ].join('\n');
    const printed = execFileSync('/usr/bin/python3', ['-c', script], { env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' }, encoding: 'utf8' });
    expect(JSON.parse(printed)).toEqual({ users: plan.users, weights: plan.weights });
    expect(plan.users).toEqual([0, 6, 2]);
    rmSync(out, { recursive: true, force: true });
  });

  it('converts a one-column series and the synthetic trace, filling ids the 2019 layout needs', async () => {
    const series = join(dir, 'series.csv');
    writeFileSync(series, '0\n4\n5\n6\n');
    const load = await loadTraceForLoad({ trace: series, functions: { kind: 'first', count: 1 }, minutes: { start: 0, end: 3 }, seed: 1 });
    const out = tempDir('aquatope-load-out-');
    const args = locustTraceArgs(load, { start: 0, end: 3 }, out);
    expect(readFileSync(args.trace, 'utf8')).toBe('HashOwner,HashApp,HashFunction,Trigger,1,2,3\nrow0,row0,series,unknown,4,5,6\n');
    const synthetic = await loadTraceForLoad({ functions: { kind: 'top', count: 3 }, minutes: { start: 0, end: 20 }, seed: 1 });
    expect(synthetic.trace.functions).toHaveLength(200);
    expect(synthetic.officialLayout).toBe(false);
    expect(synthetic.rows).toHaveLength(3);
    const again = await loadTraceForLoad({ functions: { kind: 'top', count: 3 }, minutes: { start: 0, end: 20 }, seed: 1 });
    expect(again.rows).toEqual(synthetic.rows);
    const converted = await readTrace(locustTraceArgs(synthetic, { start: 0, end: 20 }, out).trace);
    expect(converted.functions.map((f) => Array.from(f.counts))).toEqual(synthetic.counts.map((c) => Array.from(c)));
    rmSync(out, { recursive: true, force: true });
  });

  it.each([
    ['a row that does not parse', 'official.csv', azure2019Csv([[1, 2], [3, 4]]).replace('3,4', '3,-4'), { start: 0, end: 2 }, /official-bad\.csv:3:6: expected a non-negative integer count, found "-4"/],
    ['a header of no layout', 'noheader.csv', 'a,b,c\n1,2,3\n', { start: 0, end: 1 }, /noheader\.csv:1:1: expected a header of one of the accepted layouts/],
    ['minutes past the end', 'short.csv', azure2019Csv([[1, 2]]), { start: 0, end: 3 }, /--minutes "0:3": the trace .*short\.csv has 2 minutes \(0:2 at most\)/],
  ])('rejects %s, naming the file', async (_what, name, text, minutes, message) => {
    const file = join(dir, name === 'official.csv' ? 'official-bad.csv' : name);
    writeFileSync(file, text);
    const p = loadTraceForLoad({ trace: file, functions: { kind: 'first', count: 1 }, minutes, seed: 1 });
    await expect(p).rejects.toThrow(LoadValidationError);
    await expect(loadTraceForLoad({ trace: file, functions: { kind: 'first', count: 1 }, minutes, seed: 1 })).rejects.toThrow(message);
  });

  it('rejects a missing file and rows the trace does not have', async () => {
    await expect(loadTraceForLoad({ trace: join(dir, 'nope.csv'), functions: { kind: 'first', count: 1 }, minutes: { start: 0, end: 1 }, seed: 1 })).rejects.toThrow(
      /--trace .*nope\.csv: cannot read the trace \(ENOENT/,
    );
    const file = join(dir, 'two.csv');
    writeFileSync(file, azure2019Csv([[1], [2]]));
    await expect(loadTraceForLoad({ trace: file, functions: { kind: 'indices', indices: [0, 2] }, minutes: { start: 0, end: 1 }, seed: 1 })).rejects.toThrow(
      /--functions: index 2 is outside the trace .*two\.csv \(2 functions, 0..1\)/,
    );
    // first:N and top:N take all rows of a smaller trace.
    expect((await loadTraceForLoad({ trace: file, functions: { kind: 'first', count: 3 }, minutes: { start: 0, end: 1 }, seed: 1 })).rows).toEqual([0, 1]);
    expect((await loadTraceForLoad({ trace: file, functions: { kind: 'top', count: 3 }, minutes: { start: 0, end: 1 }, seed: 1 })).rows).toEqual([1, 0]);
  });
});
