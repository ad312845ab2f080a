import { readProfileFile } from '../../src/adapters/profile-file';
import { ProfileError } from '../../src/workflow/profile';
import { tempFiles } from '../support/temp-files';

const files = tempFiles('profile', '.json');

const VALID = {
  workflow: 'w',
  qos: { percentile: 95, targetMs: 1000 },
  prices: { gbSecond: 0.0000166667, cpuCoreSecond: 0 },
  stages: [{ name: 'only', after: [] }],
  measurements: [{ stage: 'only', config: { memoryMB: 256 }, latencyMs: [10, 12] }],
};

describe('readProfileFile', () => {
  it('reads a valid profile file, with or without a byte-order mark', async () => {
    const plain = await readProfileFile(files.write(JSON.stringify(VALID)));
    expect(plain.measurements[0].runs.map((r) => r.latencyMs)).toEqual([10, 12]);
    expect(await readProfileFile(files.write(`\ufeff${JSON.stringify(VALID)}`))).toEqual(plain);
  });

  it('puts the file name in front of the field path of an invalid profile', async () => {
    const file = files.write(JSON.stringify({ ...VALID, qos: { percentile: 120, targetMs: 1000 } }));
    await expect(readProfileFile(file)).rejects.toThrow(new ProfileError('qos.percentile', 'expected a number in (0, 100), found 120', file));
    await expect(readProfileFile(file)).rejects.toThrow(`${file}: qos.percentile: expected a number in (0, 100), found 120`);
  });

  it('rejects a missing file with Node\'s error', async () => {
    await expect(readProfileFile(files.pathOf('absent.json'))).rejects.toThrow('ENOENT');
  });
});
