import * as fs from 'node:fs';
import * as path from 'node:path';
import { readAzure2019Invocations } from '../../src/trace/azure-2019-invocations';
import { readAzure2021Invocations, recordsToTrace } from '../../src/trace/azure-2021-invocations';
import { readMinuteSeries } from '../../src/trace/minute-series';
import { ACCEPTED_TRACE_LAYOUTS, readTrace } from '../../src/trace/read-trace';
import type { InvocationTrace } from '../../src/trace/types';
import { SHARED_DATA_DIR, rejection, tempFiles } from '../support/temp-files';

const dataDir = SHARED_DATA_DIR;

const files = tempFiles('trace');
const write = files.write;

/** A trace as plain data, for deep comparison. */
function plain(t: InvocationTrace): unknown {
  return { ...t, functions: t.functions.map((f) => ({ ...f, counts: Array.from(f.counts) })) };
}

const total = (t: InvocationTrace): number => t.functions.reduce((s, f) => s + f.counts.reduce((a, c) => a + c, 0), 0);

const LAYOUTS =
  'Azure 2019 per-minute (HashOwner,HashApp,HashFunction,Trigger,1,2,…); ' +
  'vHive in-vitro per-minute (HashFunction,HashOwner,HashApp,minute_1,minute_2,…); ' +
  'Azure 2021 per-invocation (app,func,end_timestamp,duration); ' +
  'single-column per-minute series (one header token, e.g. "0", then one count per line)';

describe('readTrace: dispatch on the header line', () => {
  it('lists the four accepted layouts', () => {
    expect(ACCEPTED_TRACE_LAYOUTS.join('; ')).toBe(LAYOUTS);
  });

  it('reads an official Azure 2019 file with the 2019 reader (trigger kept, first label 10)', async () => {
    const file = write('HashOwner,HashApp,HashFunction,Trigger,10,11\no,a,f,timer,1,0\n');
    const trace = await readTrace(file);
    expect(plain(trace)).toEqual({
      source: file,
      firstMinuteLabel: 10,
      minutes: 2,
      functions: [{ id: 'f', owner: 'o', app: 'a', trigger: 'timer', counts: [1, 0] }],
    });
    expect(plain(trace)).toEqual(plain(await readAzure2019Invocations(file)));
  });

  it('reads a vHive in-vitro file with the 2019 reader (no trigger)', async () => {
    const file = write('HashFunction,HashOwner,HashApp,minute_1,minute_2\nf,o,a,4,5\n');
    expect(plain(await readTrace(file))).toEqual({
      source: file,
      firstMinuteLabel: 1,
      minutes: 2,
      functions: [{ id: 'f', owner: 'o', app: 'a', trigger: '', counts: [4, 5] }],
    });
  });

  it('reads an Azure 2021 file as records binned per minute by start time', async () => {
    const file = write('app,func,end_timestamp,duration\nA,f,130,5\nA,f,10,20\nB,g,61,0.5\n');
    expect(plain(await readTrace(file))).toEqual({
      source: file,
      firstMinuteLabel: 0,
      minutes: 3,
      functions: [
        { id: 'f', owner: '', app: 'A', trigger: '', counts: [1, 0, 1] },
        { id: 'g', owner: '', app: 'B', trigger: '', counts: [0, 1, 0] },
      ],
    });
  });

  it('reads a single-token header as a one-column minute series named after the file', async () => {
    const file = write('0\n2\n0\n9\n', 'fn42.csv');
    expect(plain(await readTrace(file))).toEqual({
      source: file,
      firstMinuteLabel: 1,
      minutes: 3,
      functions: [{ id: 'fn42', owner: '', app: '', trigger: '', counts: [2, 0, 9] }],
    });
  });

  it('passes the chosen reader\'s errors through (a bad count in a 2019 file, no minute columns)', async () => {
    const bad = write('HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,-2\n');
    expect((await rejection(readTrace(bad))).message).toBe(`${bad}:2:6: expected a non-negative integer count, found "-2"`);
    const noMinutes = write('HashFunction,HashOwner,HashApp\nf,o,a\n');
    expect((await rejection(readTrace(noMinutes))).message).toBe(
      `${noMinutes}:1:4: expected minute columns after HashApp (HashFunction,HashOwner,HashApp,minute_1,minute_2,…)`,
    );
  });
});

describe('readTrace: unrecognised files', () => {
  it.each([
    ['a durations file', 'HashOwner,HashApp,HashFunction,Average,Count\no,a,f,1,1\n', 'HashOwner,HashApp,HashFunction,Average,Count'],
    ['a memory file', 'HashOwner,HashApp,SampleCount,AverageAllocatedMb\no,a,1,1\n', 'HashOwner,HashApp,SampleCount,AverageAllocatedMb'],
    ['a 2021 header in another column order', 'func,app,end_timestamp,duration\nf,A,1,1\n', 'func,app,end_timestamp,duration'],
    ['a headerless 2019 row', 'o,a,f,http,1,2\n', 'o,a,f,http,1,2'],
  ])('rejects %s at line 1 listing the accepted layouts', async (_what, content, header) => {
    const file = write(content);
    const err = await rejection(readTrace(file));
    expect([err.line, err.column]).toEqual([1, 1]);
    expect(err.message).toBe(`${file}:1:1: expected a header of one of the accepted layouts: ${LAYOUTS}, found ${JSON.stringify(header)}`);
  });

  it.each([
    ['an empty file', '', ':0: expected a header line'],
    ['an empty first line', '\n0\n1\n', ':1:1: expected a header line'],
  ])('rejects %s', async (_what, content, suffix) => {
    const file = write(content);
    expect((await rejection(readTrace(file))).message).toBe(`${file}${suffix}`);
  });
});

const sources = {
  inv1350: path.join(dataDir, 'azure-functions-2019-invitro-resampled', '1350_inv.csv'),
  azure2021: path.join(dataDir, 'azure-functions-2021-head-sample', 'Azure2021_200.csv'),
  series14: path.join(dataDir, 'azure-functions-2019-one-function-14days', '40d07b9935b0d765eec41cedf70847d06699c0df3e24e1216e0ca893e6e8f71d.csv'),
};
const hasData = Object.values(sources).every((f) => fs.existsSync(f));
if (!hasData) console.warn(`skipping the readTrace tests on real traces: ${dataDir} (or one of its trace files) is absent (see ../shared/data/README.md)`);
(hasData ? describe : describe.skip)('readTrace on the ../shared/data traces', () => {
  it('reads 1350_inv.csv like readAzure2019Invocations: 1350 functions, 1440 minutes, 927,272 invocations', async () => {
    const trace = await readTrace(sources.inv1350);
    expect([trace.functions.length, trace.minutes, trace.firstMinuteLabel, total(trace)]).toEqual([1350, 1440, 1, 927_272]);
    expect(plain(trace)).toEqual(plain(await readAzure2019Invocations(sources.inv1350)));
  });

  it('reads Azure2021_200.csv as the binned records: 31 functions, 21 minutes, 199 invocations', async () => {
    const trace = await readTrace(sources.azure2021);
    expect([trace.functions.length, trace.minutes, trace.firstMinuteLabel, total(trace)]).toEqual([31, 21, 0, 199]);
    expect(plain(trace)).toEqual(plain(recordsToTrace(await readAzure2021Invocations(sources.azure2021), sources.azure2021)));
  });

  it('reads the 14-day series as one function of 20,160 minutes and 154,118 invocations', async () => {
    const trace = await readTrace(sources.series14);
    expect([trace.functions.length, trace.minutes, trace.firstMinuteLabel, total(trace)]).toEqual([1, 20_160, 1, 154_118]);
    expect(plain(trace)).toEqual(plain(await readMinuteSeries(sources.series14)));
  });
});
