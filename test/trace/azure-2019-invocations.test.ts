import * as fs from 'node:fs';
import * as path from 'node:path';
import { matchAzure2019Layout, readAzure2019Invocations } from '../../src/trace/azure-2019-invocations';
import { SHARED_DATA_DIR, rejection, tempFiles } from '../support/temp-files';

const dataDir = SHARED_DATA_DIR;
const inv1350 = path.join(dataDir, 'azure-functions-2019-invitro-resampled', '1350_inv.csv');

const files = tempFiles('inv');
const write = files.write;

const OFFICIAL = 'HashOwner,HashApp,HashFunction,Trigger';
const INVITRO = 'HashFunction,HashOwner,HashApp';

describe('readAzure2019Invocations: valid files', () => {
  it('reads the official layout (owner, app, function, trigger, minutes 1..3) in row order', async () => {
    const file = write(`${OFFICIAL},1,2,3\nown1,app1,fn1,http,0,5,12\nown2,app2,fn2,timer,1,0,0\n`);
    const trace = await readAzure2019Invocations(file);
    expect(trace.source).toBe(file);
    expect(trace.firstMinuteLabel).toBe(1);
    expect(trace.minutes).toBe(3);
    expect(trace.functions.map((f) => [f.id, f.owner, f.app, f.trigger, Array.from(f.counts)])).toEqual([
      ['fn1', 'own1', 'app1', 'http', [0, 5, 12]],
      ['fn2', 'own2', 'app2', 'timer', [1, 0, 0]],
    ]);
    expect(trace.functions[0].counts).toBeInstanceOf(Uint32Array);
  });

  it('reads the vHive in-vitro layout (function first, no trigger) with minutes minute_480..minute_483', async () => {
    const file = write(`${INVITRO},minute_480,minute_481,minute_482,minute_483\nfnA,ownA,appA,7,0,0,3\n`);
    const trace = await readAzure2019Invocations(file);
    expect(trace.firstMinuteLabel).toBe(480);
    expect(trace.minutes).toBe(4);
    expect(trace.functions).toHaveLength(1);
    const f = trace.functions[0];
    expect([f.id, f.owner, f.app, f.trigger]).toEqual(['fnA', 'ownA', 'appA', '']);
    expect(Array.from(f.counts)).toEqual([7, 0, 0, 3]);
  });

  it('accepts an official-layout range 480..959 and records 480 as the first label and 480 minutes', async () => {
    const labels = Array.from({ length: 480 }, (_, i) => String(480 + i));
    const counts = Array.from({ length: 480 }, (_, i) => String(i % 7));
    const trace = await readAzure2019Invocations(write(`${OFFICIAL},${labels.join(',')}\no,a,f,queue,${counts.join(',')}\n`));
    expect(trace.firstMinuteLabel).toBe(480);
    expect(trace.minutes).toBe(480);
    expect(trace.functions[0].counts[6]).toBe(6);
    expect(trace.functions[0].counts[7]).toBe(0);
    expect(trace.functions[0].counts[479]).toBe(479 % 7);
  });

  it('reads \\r\\n files and a last row without a final newline the same as \\n files', async () => {
    const lf = await readAzure2019Invocations(write(`${OFFICIAL},1,2\no,a,f,http,1,2\no,a,g,event,3,4\n`));
    const crlf = await readAzure2019Invocations(write(`${OFFICIAL},1,2\r\no,a,f,http,1,2\r\no,a,g,event,3,4`));
    expect(crlf.functions.map((f) => [f.id, f.trigger, Array.from(f.counts)])).toEqual([
      ['f', 'http', [1, 2]],
      ['g', 'event', [3, 4]],
    ]);
    expect(crlf.functions.map((f) => Array.from(f.counts))).toEqual(lf.functions.map((f) => Array.from(f.counts)));
  });

  it('keeps duplicate rows (the in-vitro samples repeat functions) and counts up to 4294967295, and 12.0 as 12', async () => {
    const trace = await readAzure2019Invocations(write(`${INVITRO},minute_1,minute_2\nh,h,h,4294967295,12.0\nh,h,h,1,0\n`));
    expect(trace.functions.map((f) => [f.id, Array.from(f.counts)])).toEqual([
      ['h', [4294967295, 12]],
      ['h', [1, 0]],
    ]);
  });
});

describe('readAzure2019Invocations: malformed files', () => {
  const H = `${OFFICIAL},1,2`; // 6 fields
  const FIELDS = 'expected 6 fields separated by commas (4 id columns and 2 minute columns, as in the header)';
  it.each([
    ['a non-numeric count', `${H}\no,a,f,http,3,x\n`, ':2:6: expected a non-negative integer count, found "x"'],
    ['a negative count', `${H}\no,a,f,http,-1,2\n`, ':2:5: expected a non-negative integer count, found "-1"'],
    ['a non-integer count', `${H}\no,a,f,http,1,2.5\n`, ':2:6: expected a non-negative integer count, found "2.5"'],
    ['an empty count', `${H}\no,a,f,http,,2\n`, ':2:5: expected a non-negative integer count'],
    ['a count above 2^32-1', `${H}\no,a,f,http,4294967296,2\n`, ':2:5: expected a count of at most 4294967295, found "4294967296"'],
    ['a bad count on line 3 of a \\r\\n file', `${H}\r\no,a,f,http,1,2\r\no,a,g,http,1,z\r\n`, ':3:6: expected a non-negative integer count, found "z"'],
    ['a missing minute field', `${H}\no,a,f,http,3\n`, `:2:6: ${FIELDS}, found "5 fields"`],
    ['an extra field', `${H}\no,a,f,http,3,4,5\n`, `:2:7: ${FIELDS}, found "7 fields"`],
    ['a trailing comma', `${H}\no,a,f,http,3,4,\n`, `:2:7: ${FIELDS}, found "7 fields"`],
    ['a row with only two id fields', `${H}\no,a\n`, `:2:3: ${FIELDS}, found "2 fields"`],
    ['an empty HashOwner', `${H}\n,a,f,http,1,2\n`, ':2:1: expected a non-empty HashOwner'],
    ['an empty HashFunction (in-vitro layout)', `${INVITRO},minute_1\n,o,a,1\n`, ':2:1: expected a non-empty HashFunction'],
    [
      'a missing header (data on line 1)',
      'o,a,f,http,1,2\no,a,f,http,1,2\n',
      ':1:1: expected header column "HashOwner" (HashOwner,HashApp,HashFunction,Trigger,1,2,…) or "HashFunction" (HashFunction,HashOwner,HashApp,minute_1,minute_2,…), found "o"',
    ],
    [
      'a wrong id column',
      'HashOwner,HashApp,HashFunc,Trigger,1\no,a,f,http,1\n',
      ':1:3: expected header column "HashFunction" (HashOwner,HashApp,HashFunction,Trigger,1,2,…), found "HashFunc"',
    ],
    ['a header with no minute columns (official)', `${OFFICIAL}\no,a,f,http\n`, ':1:5: expected minute columns after Trigger (HashOwner,HashApp,HashFunction,Trigger,1,2,…)'],
    ['a header with no minute columns (in-vitro)', `${INVITRO}\nf,o,a\n`, ':1:4: expected minute columns after HashApp (HashFunction,HashOwner,HashApp,minute_1,minute_2,…)'],
    [
      'non-contiguous minute headers',
      `${INVITRO},minute_480,minute_481,minute_483\nf,o,a,1,2,3\n`,
      ':1:6: expected minute column "minute_482" (minute columns must be contiguous), found "minute_483"',
    ],
    ['repeated minute headers', `${OFFICIAL},1,2,2\no,a,f,http,1,2,3\n`, ':1:7: expected minute column "3" (minute columns must be contiguous), found "2"'],
    [
      'bare minute labels in the in-vitro layout',
      `${INVITRO},1,2\nf,o,a,1,2\n`,
      ':1:4: expected a minute column label like "minute_1" (HashFunction,HashOwner,HashApp,minute_1,minute_2,…), found "1"',
    ],
    ['an empty file', '', ':0: expected a header line'],
    ['an empty first line', '\no,a,f,http,1,2\n', ':1:1: expected a header line'],
    ['a header and no data rows', `${H}\n`, ':2:1: expected at least one data row after the header'],
    ['a blank line between rows', `${H}\no,a,f,http,1,2\n\no,a,g,http,1,2\n`, ':3:1: expected a data row (blank lines are not allowed)'],
    ['a blank line after the last row', `${H}\no,a,f,http,1,2\n\n`, ':3:1: expected a data row (blank lines are not allowed)'],
  ])('rejects %s', async (_what, content, suffix) => {
    const file = write(content);
    const err = await rejection(readAzure2019Invocations(file));
    expect(err.message).toBe(`${file}${suffix}`);
    expect(err.file).toBe(file);
  });

  it('rejects a missing file with ENOENT', async () => {
    await expect(readAzure2019Invocations(files.pathOf('nope.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('matchAzure2019Layout', () => {
  it('recognises both layouts by their id columns only, and nothing else', () => {
    expect(matchAzure2019Layout(`${OFFICIAL},1,2`)?.name).toBe('Azure 2019');
    expect(matchAzure2019Layout(OFFICIAL)?.name).toBe('Azure 2019');
    expect(matchAzure2019Layout(`${INVITRO},minute_1`)?.name).toBe('vHive in-vitro');
    expect(matchAzure2019Layout('HashOwner,HashApp,HashFunction,Average,Count')).toBeUndefined();
    expect(matchAzure2019Layout('app,func,end_timestamp,duration')).toBeUndefined();
  });
});

const has1350 = fs.existsSync(inv1350);
if (!has1350) console.warn(`skipping the 1350_inv.csv tests: ${inv1350} is absent (see ../shared/data/README.md)`);
(has1350 ? describe : describe.skip)('readAzure2019Invocations on ../shared/data 1350_inv.csv (vHive in-vitro sample)', () => {
  it('reads 1350 functions x 1440 minutes from minute_1, 927,272 invocations, 1..57,778 per function', async () => {
    const trace = await readAzure2019Invocations(inv1350);
    expect(trace.functions).toHaveLength(1350);
    expect(trace.minutes).toBe(1440);
    expect(trace.firstMinuteLabel).toBe(1);
    const totals = trace.functions.map((f) => f.counts.reduce((s, c) => s + c, 0));
    expect(totals.reduce((s, t) => s + t, 0)).toBe(927_272);
    expect(Math.min(...totals)).toBe(1);
    expect(Math.max(...totals)).toBe(57_778);
    expect(totals.indexOf(57_778)).toBe(1205); // file line 1207
    for (const f of trace.functions) expect(f.counts).toHaveLength(1440);
  });

  it('gives the first row its id, owner = app = id, no trigger, and its counts (481 in total, 1 in minute_1)', async () => {
    const trace = await readAzure2019Invocations(inv1350);
    const f = trace.functions[0];
    const hash = '1779fd3337dd353e424d808d9190aff8f09e46a8cbbe6469079b2d7f0e246e37';
    expect([f.id, f.owner, f.app, f.trigger]).toEqual([hash, hash, hash, '']);
    expect(f.counts[0]).toBe(1);
    expect(f.counts[1]).toBe(0);
    expect(f.counts.reduce((s, c) => s + c, 0)).toBe(481);
  });
});
