import { keptWarmRuns, readSebsResult, SEBS_RESULT_HEADER } from '../../../benchmark/workflows/sebs-result-csv';
import { rejection, tempFiles } from '../../support/temp-files';

const files = tempFiles('sebs');
const H = 'memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used';

describe('readSebsResult', () => {
  it('has the AWS header of the SeBS artifact', () => {
    expect(SEBS_RESULT_HEADER.join(',')).toBe(H);
  });

  it('reads every column: memory MB, type, is_cold, times in µs, mem_used in MB (empty allowed)', async () => {
    const file = files.write(`${H}\n512,warm,False,438695,0.411693,1009898,440460,92.0\n3008,cold,True,819766,0.406839,1595922,0,\n`);
    expect(await readSebsResult(file)).toEqual([
      { line: 2, memoryMB: 512, type: 'warm', isCold: false, execTimeUs: 438695, providerTimeUs: 440460, memUsedMB: 92 },
      { line: 3, memoryMB: 3008, type: 'cold', isCold: true, execTimeUs: 819766, providerTimeUs: 0, memUsedMB: undefined },
    ]);
  });

  it.each([
    ['a GCP header (no mem_used)', 'memory,type,is_cold,exec_time,connection_time,client_time,provider_time\n', ':1:8: expected 8 fields separated by commas'],
    ['a fractional memory', `${H}\n512.5,warm,False,1,0.4,1,1,92\n`, ':2:1: expected a non-negative integer (memory, MB), found "512.5"'],
    ['an unknown type', `${H}\n512,hot,False,1,0.4,1,1,92\n`, ':2:2: expected one of cold, warm, burst, sequential (type), found "hot"'],
    ['an is_cold that is not True/False', `${H}\n512,warm,false,1,0.4,1,1,92\n`, ':2:3: expected True or False (is_cold), found "false"'],
    ['a negative exec_time', `${H}\n512,warm,False,-4,0.4,1,1,92\n`, ':2:4: expected a non-negative number (exec_time, µs), found "-4"'],
    ['a non-numeric mem_used', `${H}\n512,warm,False,1,0.4,1,1,lots\n`, ':2:8: expected a non-negative number (mem_used, MB), found "lots"'],
    ['a short row', `${H}\n512,warm,False,1\n`, ':2:5: expected 8 fields separated by commas'],
  ])('rejects %s with file, line and column', async (_what, content, suffix) => {
    const file = files.write(content);
    const err = await rejection(readSebsResult(file));
    expect(err.message.startsWith(`${file}${suffix}`)).toBe(true);
  });
});

describe('keptWarmRuns', () => {
  it('keeps warm rows only, drops what SeBS drops (type/is_cold disagreeing, zero times) and converts µs to ms', async () => {
    const file = files.write(
      [
        H,
        '512,warm,False,438695,0.4,1009898,440460,92.0', // kept
        '512,cold,True,938695,0.4,1509898,940460,93.0', // cold
        '512,warm,True,338695,0.4,1009898,340460,92.0', // type and is_cold disagree
        '512,warm,False,0,0.4,1009898,340460,92.0', // exec_time 0
        '256,warm,False,519206,0.39,1142344,0,', // provider_time 0 (and no mem_used)
        '1024,warm,False,186100,0.4,700000,187000,93.5', // kept
      ].join('\n'),
    );
    expect(keptWarmRuns(file, await readSebsResult(file))).toEqual([
      { memoryMB: 512, execMs: 438.695, memUsedMB: 92 },
      { memoryMB: 1024, execMs: 186.1, memUsedMB: 93.5 },
    ]);
  });

  it('rejects a kept warm row without mem_used, naming the file, line and column', async () => {
    const file = files.write(`${H}\n512,warm,False,438695,0.4,1009898,440460,\n`);
    expect(() => keptWarmRuns(file, [])).not.toThrow();
    const rows = await readSebsResult(file);
    expect(() => keptWarmRuns(file, rows)).toThrow(`${file}:2:8: expected a mem_used value (MB) on a warm row with a provider time`);
  });
});
