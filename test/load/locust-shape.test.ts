/**
 * The locustfile's shape, run under Debian's /usr/bin/python3 (which has
 * locust): its user counts for a small hand-written trace against numbers
 * computed by hand, and against the TypeScript twin (buildLoadPlan).
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLoadPlan, usersFor } from '../../src/load/load-plan';
import { azure2019Csv, tempDir } from './load-fixtures';
import { describeWithTool } from '../support/debian-tools';
const describeTool = describeWithTool('locust');

const REPO = join(__dirname, '..', '..');
const PYTHON = '/usr/bin/python3';

/** Runs `script` with the locustfile imported as `lf`; returns what it prints. */
function python(script: string): string {
  const prelude = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(join(REPO, 'locust'))})`,
    'import locustfile as lf',
    'def attempt(f):',
    '    try:',
    '        return f()',
    '    except lf.LoadConfigError as e:',
    '        return {"error": str(e)}',
  ].join('\n');
  const out = execFileSync(PYTHON, ['-c', `${prelude}\n${script}`], {
    cwd: REPO,
    env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return out;
}

// Minutes 0..4 of four functions. Offsets 1..4 of rows 0, 1 and 3 are replayed below.
const ROWS = [
  [30, 0, 90, 600, 8],
  [15, 45, 0, 600, 0],
  [0, 0, 0, 0, 0],
  [3, 3, 3, 3, 3],
];

describeTool('the locustfile shape (TraceShape) under /usr/bin/python3', () => {
  const dir = tempDir('aquatope-shape-');
  const trace = join(dir, 'invocations_per_function_md.anon.d01.csv');
  const bad = join(dir, 'bad.csv');
  interface ShapeResult {
    plan: { minute_s: number; users: number[]; weights: number[][]; spawn_rate: number };
    ticks: [number, (number | null)[] | null][];
    top: number[];
    first: number[];
    errors: Record<string, { error?: string }>;
  }
  let result: ShapeResult;

  beforeAll(() => {
    writeFileSync(trace, azure2019Csv(ROWS));
    writeFileSync(bad, azure2019Csv(ROWS).replace('owner2,app2,func2,http,0,0,0,0,0', 'owner2,app2,func2,http,0,0,zero,0,0'));
    const printed = python(`
o = lf.ShapeOptions(trace=${JSON.stringify(trace)}, functions=lf.parse_function_spec("0,1,3"), minutes=(1, 5),
                    speedup=2.0, max_users=20, pacing_s=1.5, workflows=lf.DEFAULT_WORKFLOWS)
plan = lf.build_plan(lf.read_trace(o.trace, o.functions, o.minutes), o)
shape = lf.TraceShape(plan)
times = [0, 29.9, 30, 59.99, 60, 89.9, 90, 119.9, 120, 500]
top = [f.index for f in lf.read_trace(o.trace, lf.parse_function_spec("top:2"), (0, 5))]
first = [f.index for f in lf.read_trace(o.trace, lf.parse_function_spec("first:2"), (0, 5))]
errors = {
  "bad_count": attempt(lambda: lf.read_trace(${JSON.stringify(bad)}, lf.parse_function_spec("first:1"), (0, 2))),
  "missing": attempt(lambda: lf.read_trace(${JSON.stringify(join(dir, 'missing.csv'))}, lf.parse_function_spec("first:1"), (0, 2))),
  "minutes": attempt(lambda: lf.read_trace(o.trace, o.functions, (0, 6))),
  "index": attempt(lambda: lf.read_trace(o.trace, lf.parse_function_spec("0,4"), (0, 2))),
  "speedup0": attempt(lambda: lf._positive_number("--speedup", "0")),
  "speedupabc": attempt(lambda: lf._positive_number("--speedup", "abc")),
  "functions": attempt(lambda: lf.parse_function_spec("first:0")),
  "key": attempt(lambda: lf.read_api_key({})),
}
print(json.dumps({
  "plan": {"minute_s": plan.minute_s, "users": list(plan.users), "weights": [list(w) for w in plan.weights], "spawn_rate": plan.spawn_rate},
  "ticks": [[t, None if shape.tick_at(t) is None else list(shape.tick_at(t))] for t in times],
  "top": top, "first": first,
  "errors": {k: (v if isinstance(v, dict) else {}) for k, v in errors.items()},
}))
`);
    result = JSON.parse(printed);
  }, 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds each minute for 60/speedup s with users = rate x pacing, rounded, capped; None after the last minute', () => {
    // Offsets 1..4 of rows 0, 1, 3: totals 48, 93, 1203, 11 invocations; x 2 / 60 per s x 1.5 s:
    // 2.4 -> 2, 4.65 -> 5, 60.15 -> 20 (the cap), 0.55 -> 1.
    expect(result.plan.minute_s).toBe(30);
    expect(result.plan.users).toEqual([2, 5, 20, 1]);
    expect(result.ticks).toEqual([
      [0, [2, 20]],
      [29.9, [2, 20]],
      [30, [5, 20]],
      [59.99, [5, 20]],
      [60, [20, 20]],
      [89.9, [20, 20]],
      [90, [1, 20]],
      [119.9, [1, 20]],
      [120, null],
      [500, null],
    ]);
  });

  it('weights the workflows by their functions round-robin (row 0, 1, 3 -> ml-inference, video-pipeline, social-network)', () => {
    expect(result.plan.weights).toEqual([
      [0, 45, 3],
      [90, 0, 3],
      [600, 600, 3],
      [8, 0, 3],
    ]);
  });

  it('picks first:N in row order and top:N by invocations over the minutes', () => {
    expect(result.first).toEqual([0, 1]);
    expect(result.top).toEqual([0, 1]);
  });

  it('agrees with the TypeScript plan minute by minute', () => {
    const counts = [0, 1, 3].map((r) => Uint32Array.from(ROWS[r].slice(1, 5)));
    const plan = buildLoadPlan({ counts, speedup: 2, pacingS: 1.5, maxUsers: 20, workflows: ['ml-inference', 'video-pipeline', 'social-network'] });
    expect(plan.users).toEqual(result.plan.users);
    expect(plan.weights).toEqual(result.plan.weights);
    expect(plan.durationS).toBe(120);
    // Rounding is half up on both sides (Python's round() would give 0 for 0.5).
    expect(usersFor(15, 2, 1, 10)).toBe(1);
  });

  it('rejects bad input with messages naming the file and line, or the option', () => {
    const e = result.errors;
    expect(e['bad_count'].error).toBe(`${bad}:4:7: expected a non-negative integer count, found "zero"`);
    expect(e['missing'].error).toMatch(new RegExp(`^${join(dir, 'missing.csv')}: cannot read the trace`));
    expect(e['minutes'].error).toMatch(/--minutes "0:6": the trace .* has 5 minutes/);
    expect(e['index'].error).toMatch(/--functions: index 4 is outside the trace .* \(4 functions, 0..3\)/);
    expect(e['speedup0'].error).toBe('--speedup must be a finite number > 0, got "0"');
    expect(e['speedupabc'].error).toBe('--speedup must be a finite number > 0, got "abc"');
    expect(e['functions'].error).toMatch(/--functions "first:0"/);
    expect(e['key'].error).toMatch(/AQUATOPE_API_KEY/);
  });
});
