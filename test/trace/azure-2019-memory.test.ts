import * as fs from 'node:fs';
import * as path from 'node:path';
import { AZURE_2019_MEMORY_HEADER, readAzure2019Memory } from '../../src/trace/azure-2019-memory';
import { SHARED_DATA_DIR, rejection, tempFiles } from '../support/temp-files';

const dataDir = SHARED_DATA_DIR;
const mem1350 = path.join(dataDir, 'azure-functions-2019-invitro-resampled', '1350_mem.csv');

const files = tempFiles('mem');
const write = files.write;

const H =
  'HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,AverageAllocatedMb_pct99,AverageAllocatedMb_pct100';
const FIELDS = `expected 12 fields separated by commas (${H})`;

describe('readAzure2019Memory: valid files', () => {
  it('has the official header as its header constant', () => {
    expect(AZURE_2019_MEMORY_HEADER.join(',')).toBe(H);
  });

  it('reads each row: owner, app, sample count, average and the 8 percentiles in MB', async () => {
    const file = write(`${H}\no1,a1,20356,112,89,100,104,108,122,133,135,142\no2,a2,3,64.5,60,60,60,64,65,70,70.25,71\n`);
    expect(await readAzure2019Memory(file)).toEqual([
      { owner: 'o1', app: 'a1', sampleCount: 20356, averageMB: 112, percentilesMB: [89, 100, 104, 108, 122, 133, 135, 142] },
      { owner: 'o2', app: 'a2', sampleCount: 3, averageMB: 64.5, percentilesMB: [60, 60, 60, 64, 65, 70, 70.25, 71] },
    ]);
  });
});

describe('readAzure2019Memory: malformed files', () => {
  const ok = 'o,a,10,100,90,91,92,93,94,95,96,97';
  it.each([
    ['a non-numeric SampleCount', `${H}\no,a,ten,100,90,91,92,93,94,95,96,97\n`, ':2:3: expected a non-negative integer (SampleCount), found "ten"'],
    ['a non-integer SampleCount', `${H}\no,a,2.5,100,90,91,92,93,94,95,96,97\n`, ':2:3: expected a non-negative integer (SampleCount), found "2.5"'],
    ['a negative average', `${H}\no,a,10,-100,90,91,92,93,94,95,96,97\n`, ':2:4: expected a non-negative number (AverageAllocatedMb, MB), found "-100"'],
    ['a non-numeric percentile', `${H}\no,a,10,100,90,91,92,x,94,95,96,97\n`, ':2:8: expected a non-negative number (AverageAllocatedMb_pct50, MB), found "x"'],
    [
      'a decreasing percentile',
      `${H}\n${ok}\no,a,10,100,90,91,92,93,94,95,96,95.5\n`,
      ':3:12: expected a value >= 96 (AverageAllocatedMb_pct99): percentiles must not decrease, found "95.5"',
    ],
    ['an empty HashApp', `${H}\no,,10,100,90,91,92,93,94,95,96,97\n`, ':2:2: expected a non-empty HashApp'],
    ['a missing field', `${H}\no,a,10,100,90,91,92,93,94,95,96\n`, `:2:12: ${FIELDS}, found "11 fields"`],
    ['an extra field', `${H}\n${ok},98\n`, `:2:13: ${FIELDS}, found "13 fields"`],
    ['a wrong header column', `${H.replace('SampleCount', 'Samples')}\n${ok}\n`, `:1:3: expected header column "SampleCount" (header ${H}), found "Samples"`],
    ['an empty file', '', ':0: expected a header line'],
    ['a header and no data rows', `${H}\n`, ':2:1: expected at least one data row after the header'],
    ['a blank line between rows', `${H}\n${ok}\n\n${ok}\n`, ':3:1: expected a data row (blank lines are not allowed)'],
  ])('rejects %s', async (_what, content, suffix) => {
    const file = write(content);
    const err = await rejection(readAzure2019Memory(file));
    expect(err.message).toBe(`${file}${suffix}`);
  });
});

const hasMem = fs.existsSync(mem1350);
if (!hasMem) console.warn(`skipping the 1350_mem.csv tests: ${mem1350} is absent (see ../shared/data/README.md)`);
(hasMem ? describe : describe.skip)('readAzure2019Memory on ../shared/data 1350_mem.csv', () => {
  it('reads 1350 rows, each with 8 non-decreasing percentiles, and the first two rows exactly', async () => {
    const rows = await readAzure2019Memory(mem1350);
    expect(rows).toHaveLength(1350);
    for (const r of rows) {
      expect(r.percentilesMB).toHaveLength(8);
      for (let i = 1; i < 8; i++) expect(r.percentilesMB[i]).toBeGreaterThanOrEqual(r.percentilesMB[i - 1]);
    }
    const h1 = '1779fd3337dd353e424d808d9190aff8f09e46a8cbbe6469079b2d7f0e246e37';
    const h2 = 'bd28ee142ca5b46259f6e27fc3a4216f447bd5843c406e63219cff30e73b135b';
    expect(rows[0]).toEqual({ owner: h1, app: h1, sampleCount: 900, averageMB: 188, percentilesMB: [172, 185, 185, 187, 188, 205, 214, 214] });
    expect(rows[1]).toEqual({ owner: h2, app: h2, sampleCount: 20356, averageMB: 112, percentilesMB: [89, 100, 104, 108, 122, 133, 135, 142] });
  });
});
