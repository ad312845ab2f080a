import { crc32, readZip, ZipError } from '../../src/local-openwhisk/zip-reader';
import { makeZip } from './zip-fixture';

describe('readZip', () => {
  it.each([
    ['deflated', true],
    ['stored', false],
  ])('reads the files of a %s zip, skipping nothing', (_what, deflate) => {
    const zip = makeZip({ 'index.js': 'exports.main = () => ({ a: 1 });\n', 'lib/util.js': 'module.exports = 42;\n' }, deflate);
    const entries = readZip(zip).map((e) => [e.path, e.data.toString('utf8')]);
    expect(entries).toEqual([
      ['index.js', 'exports.main = () => ({ a: 1 });\n'],
      ['lib/util.js', 'module.exports = 42;\n'],
    ]);
  });

  it('computes the standard CRC-32 ("123456789" -> cbf43926)', () => {
    expect(crc32(Buffer.from('123456789')).toString(16)).toBe('cbf43926');
  });

  it.each([
    ['text that is not a zip', Buffer.from('definitely not a zip archive, just text'), 'no end of central directory'],
    ['a path escaping the directory', makeZip({ '../evil.js': 'x' }), "entry '../evil.js' has an unsafe path"],
    ['an absolute path', makeZip({ '/etc/passwd': 'x' }), 'unsafe path'],
  ])('rejects %s', (_what, zip, message) => {
    expect(() => readZip(zip)).toThrow(ZipError);
    expect(() => readZip(zip)).toThrow(message);
  });

  it('rejects an entry whose data does not match its CRC', () => {
    const zip = makeZip({ 'a.txt': 'hello' }, false);
    const at = zip.indexOf('hello');
    zip.write('jello', at);
    expect(() => readZip(zip)).toThrow("entry 'a.txt' fails its CRC check");
  });
});
