import { parsePercentiles, readCsvTable } from '../../src/trace/csv-table';
import { tempFiles } from '../support/temp-files';

const files = tempFiles('csv-table');
const write = (name: string, content: string): string => files.write(content, name);

describe('readCsvTable', () => {
  it('hands every data row and its 1-based line number to parseRow, in file order', async () => {
    const file = write('ok.csv', 'a,b\n1,x\n2,y\n');
    const rows = await readCsvTable(file, ['a', 'b'], (f, line) => `${line}:${f[0]}${f[1]}`);
    expect(rows).toEqual(['2:1x', '3:2y']);
  });

  it.each([
    ['empty.csv', '', 'expected a header line'],
    ['header-only.csv', 'a,b\n', 'expected at least one data row after the header'],
    ['blank.csv', 'a,b\n1,x\n\n2,y\n', ':3:1: expected a data row (blank lines are not allowed)'],
    ['fields.csv', 'a,b\n1,x,extra\n', ':2:3: expected 2 fields separated by commas'],
    ['header.csv', 'a,c\n1,x\n', ':1:'],
  ])('rejects %s with a message naming the place', async (name, content, message) => {
    const file = write(name, content);
    await expect(readCsvTable(file, ['a', 'b'], () => 0)).rejects.toThrow(message);
  });
});

describe('parsePercentiles', () => {
  const columns = ['id', 'p1', 'p50', 'p99'];
  it('parses the percentile columns from the first one on', () => {
    expect(parsePercentiles('f.csv', 4, ['x', '1', '2.5', '9'], columns, 1, 'ms')).toEqual([1, 2.5, 9]);
  });
  it('names the column that decreases', () => {
    expect(() => parsePercentiles('f.csv', 4, ['x', '3', '2', '9'], columns, 1, 'ms')).toThrow(
      'f.csv:4:3: expected a value >= 3 (p1): percentiles must not decrease, found "2"',
    );
  });
});
