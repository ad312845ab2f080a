import * as fs from 'node:fs';
import * as path from 'node:path';
import { AZURE_2019_DURATIONS_HEADER, readAzure2019Durations } from '../../src/trace/azure-2019-durations';
import { SHARED_DATA_DIR, rejection, tempFiles } from '../support/temp-files';

const dataDir = SHARED_DATA_DIR;
const run1350 = path.join(dataDir, 'azure-functions-2019-invitro-resampled', '1350_run.csv');

const files = tempFiles('run');
const write = files.write;

const H =
  'HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100';
const FIELDS = `expected 14 fields separated by commas (${H})`;

describe('readAzure2019Durations: valid files', () => {
  it('has the official header as its header constant', () => {
    expect(AZURE_2019_DURATIONS_HEADER.join(',')).toBe(H);
  });

  it('reads each row: ids, average/min/max in ms, count, the 7 percentiles in ms (decimals and ties allowed)', async () => {
    const file = write(`${H}\no1,a1,f1,287,1440,42.0,38909.0,42,46,78,109,204,1358,38909\no2,a2,f2,0.5,1,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5\n`);
    expect(await readAzure2019Durations(file)).toEqual([
      { owner: 'o1', app: 'a1', func: 'f1', averageMs: 287, count: 1440, minimumMs: 42, maximumMs: 38909, percentilesMs: [42, 46, 78, 109, 204, 1358, 38909] },
      { owner: 'o2', app: 'a2', func: 'f2', averageMs: 0.5, count: 1, minimumMs: 0.5, maximumMs: 0.5, percentilesMs: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5] },
    ]);
  });

  it('reads \\r\\n line endings', async () => {
    const rows = await readAzure2019Durations(write(`${H}\r\no,a,f,1,2,3,4,5,6,7,8,9,10,11\r\n`));
    expect(rows.map((r) => r.percentilesMs)).toEqual([[5, 6, 7, 8, 9, 10, 11]]);
  });
});

describe('readAzure2019Durations: malformed files', () => {
  const ok = 'o,a,f,10,3,1,20,1,2,5,10,15,19,20';
  it.each([
    ['a non-numeric Average', `${H}\no,a,f,abc,3,1,20,1,2,5,10,15,19,20\n`, ':2:4: expected a non-negative number (Average, ms), found "abc"'],
    ['a negative Minimum', `${H}\no,a,f,10,3,-1,20,1,2,5,10,15,19,20\n`, ':2:6: expected a non-negative number (Minimum, ms), found "-1"'],
    ['a non-integer Count', `${H}\no,a,f,10,1.5,1,20,1,2,5,10,15,19,20\n`, ':2:5: expected a non-negative integer (Count), found "1.5"'],
    ['an empty percentile', `${H}\no,a,f,10,3,1,20,1,2,,10,15,19,20\n`, ':2:10: expected a non-negative number (percentile_Average_25, ms)'],
    [
      'a decreasing percentile',
      `${H}\n${ok}\no,a,f,10,3,1,20,1,2,5,10,9,19,20\n`,
      ':3:12: expected a value >= 10 (percentile_Average_50): percentiles must not decrease, found "9"',
    ],
    ['an empty HashFunction', `${H}\no,a,,10,3,1,20,1,2,5,10,15,19,20\n`, ':2:3: expected a non-empty HashFunction'],
    ['a missing field', `${H}\no,a,f,10,3,1,20,1,2,5,10,15,19\n`, `:2:14: ${FIELDS}, found "13 fields"`],
    ['an extra field', `${H}\n${ok},21\n`, `:2:15: ${FIELDS}, found "15 fields"`],
    ['a wrong header column', `${H.replace('Count', 'Cnt')}\n${ok}\n`, `:1:5: expected header column "Count" (header ${H}), found "Cnt"`],
    ['a header missing its last column', `${H.replace(',percentile_Average_100', '')}\n${ok}\n`, `:1:14: expected 14 fields separated by commas (header ${H}), found "13 fields"`],
    ['an empty file', '', ':0: expected a header line'],
    ['a header and no data rows', `${H}\n`, ':2:1: expected at least one data row after the header'],
    ['a blank line between rows', `${H}\n${ok}\n\n${ok}\n`, ':3:1: expected a data row (blank lines are not allowed)'],
  ])('rejects %s', async (_what, content, suffix) => {
    const file = write(content);
    const err = await rejection(readAzure2019Durations(file));
    expect(err.message).toBe(`${file}${suffix}`);
  });
});

const hasRun = fs.existsSync(run1350);
if (!hasRun) console.warn(`skipping the 1350_run.csv tests: ${run1350} is absent (see ../shared/data/README.md)`);
(hasRun ? describe : describe.skip)('readAzure2019Durations on ../shared/data 1350_run.csv', () => {
  it('reads 1350 rows, each with 7 non-decreasing percentiles, and the first two rows exactly', async () => {
    const rows = await readAzure2019Durations(run1350);
    expect(rows).toHaveLength(1350);
    for (const r of rows) {
      expect(r.percentilesMs).toHaveLength(7);
      for (let i = 1; i < 7; i++) expect(r.percentilesMs[i]).toBeGreaterThanOrEqual(r.percentilesMs[i - 1]);
    }
    const h1 = '1779fd3337dd353e424d808d9190aff8f09e46a8cbbe6469079b2d7f0e246e37';
    const h2 = 'bd28ee142ca5b46259f6e27fc3a4216f447bd5843c406e63219cff30e73b135b';
    expect(rows[0]).toEqual({ owner: h1, app: h1, func: h1, averageMs: 224, count: 1, minimumMs: 224, maximumMs: 224, percentilesMs: [224, 224, 224, 224, 224, 224, 224] });
    expect(rows[1]).toEqual({ owner: h2, app: h2, func: h2, averageMs: 287, count: 1440, minimumMs: 42, maximumMs: 38909, percentilesMs: [42, 46, 78, 109, 204, 1358, 38909] });
  });
});
