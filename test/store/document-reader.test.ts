import { DocumentReader } from '../../src/store/document-reader';
import { MalformedDocumentError } from '../../src/store/store-error';

const root = (value: unknown): DocumentReader => new DocumentReader('doc-1', value);

describe('DocumentReader', () => {
  it('reads nested fields and names their JSON path in errors', () => {
    const r = root({ a: { list: [{ n: 1 }, { n: -2 }] } });
    expect(r.field('a').field('list').array((e) => e.field('n').number())).toEqual([1, -2]);
    expect(() => r.field('a').field('list').array((e) => e.field('n').number({ min: 0 }))).toThrow(
      new MalformedDocumentError('doc-1', 'a.list[1].n', 'expected a finite number >= 0, found -2'),
    );
  });

  it.each([
    [{ x: 'str' }, (r: DocumentReader) => r.field('x').number(), 'x: expected a finite number, found "str"'],
    [{ x: 2 }, (r: DocumentReader) => r.field('x').number({ integer: true, max: 1 }), 'x: expected an integer <= 1, found 2'],
    [{ x: 0 }, (r: DocumentReader) => r.field('x').number({ above: 0, below: 1 }), 'x: expected a finite number > 0 and < 1, found 0'],
    [{ x: 1 }, (r: DocumentReader) => r.field('x').string(), 'x: expected a non-empty string, found 1'],
    [{ x: 'yes' }, (r: DocumentReader) => r.field('x').boolean(), 'x: expected true or false, found "yes"'],
    [{ x: {} }, (r: DocumentReader) => r.field('x').array((e) => e), 'x: expected an array, found {}'],
    [{ x: [1] }, (r: DocumentReader) => r.field('x').array((e) => e, 2), 'x: expected at least 2 element(s), found 1'],
    [{ x: 'b' }, (r: DocumentReader) => r.field('x').oneOf(['a', 'c']), 'x: expected one of "a", "c", found "b"'],
    [{ x: '2024-05-01T12:34:00Z' }, (r: DocumentReader) => r.field('x').instant(), 'x: expected an ISO 8601 UTC time like 2024-05-01T12:34:56.000Z, found "2024-05-01T12:34:00Z"'],
    [{ x: '2024-05-01T12:34:05.000Z' }, (r: DocumentReader) => r.field('x').minute(), 'x: expected the start of a minute like 2024-05-01T12:34:00.000Z, found "2024-05-01T12:34:05.000Z"'],
    [{}, (r: DocumentReader) => r.field('x').string(), 'x: missing'],
    [[1, 2], (r: DocumentReader) => r.field('x'), 'document: expected an object, found [1,2]'],
    [{ x: null }, (r: DocumentReader) => r.field('x').field('y'), 'x: expected an object, found null'],
  ])('%j read wrongly gives "malformed document doc-1: %s"', (value, read, message) => {
    expect(() => read(root(value))).toThrow(`malformed document doc-1: ${message}`);
  });

  it('optionalField is undefined for an absent or null field; nullable passes null through', () => {
    const r = root({ a: null, b: 3 });
    expect(r.optionalField('a')).toBeUndefined();
    expect(r.optionalField('z')).toBeUndefined();
    expect(r.optionalField('b')?.number()).toBe(3);
    expect(r.field('a').nullable((x) => x.number())).toBeNull();
  });
});
