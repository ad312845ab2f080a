import { InvalidParamError, ISO_TIME, preview } from '../../src/params/invalid-param';

describe('invalid-param', () => {
  it('names the param first in the message and keeps it as a field', () => {
    const e = new InvalidParamError('definition.stages[1].after', 'expected a list of stage names, found 3');
    expect(e.message).toBe('definition.stages[1].after: expected a list of stage names, found 3');
    expect(e.param).toBe('definition.stages[1].after');
    expect(e.name).toBe('InvalidParamError');
  });

  it.each([
    [undefined, 'nothing'],
    ['x', '"x"'],
    [12, '12'],
    [{ a: 1 }, '{"a":1}'],
    ['y'.repeat(100), `"${'y'.repeat(76)}...`],
  ])('previews %p as %p', (value, shown) => {
    expect(preview(value)).toBe(shown);
  });

  it.each([
    ['2026-12-03T14:00Z', true],
    ['2026-12-03T14:00:05.123+01:00', true],
    ['2026-12-03T14:00', false],
    ['2026-12-03 14:00Z', false],
    ['yesterday', false],
  ])('accepts %p as an ISO time with a zone: %p', (text, ok) => {
    expect(ISO_TIME.test(text)).toBe(ok);
  });
});
