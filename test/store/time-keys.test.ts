import { canonicalInstant, canonicalMinute, epochMsOf } from '../../src/store/time-keys';

describe('time keys', () => {
  it.each([
    ['2024-05-01T12:34:00Z', '2024-05-01T12:34:00.000Z'],
    ['2024-05-01T12:34Z', '2024-05-01T12:34:00.000Z'],
    ['2024-05-01T14:34:00+02:00', '2024-05-01T12:34:00.000Z'],
    ['2024-05-01T12:34:56.7Z', '2024-05-01T12:34:56.700Z'],
  ])('canonicalInstant(%p) is %p', (iso, canonical) => {
    expect(canonicalInstant(iso, 't')).toBe(canonical);
  });

  it.each(['', '2024-05-01', '2024-05-01T12:34:00', '2024-13-01T00:00:00Z', 'May 1 2024 12:34 GMT', '2024-05-01 12:34:00Z'])(
    'canonicalInstant(%p) is a RangeError naming the field and value',
    (iso) => {
      expect(() => canonicalInstant(iso, 'fireTime')).toThrow(
        new RangeError(`fireTime: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:34:00Z, found ${JSON.stringify(iso)}`),
      );
    },
  );

  it.each(['2024-05-01T12:34:01Z', '2024-05-01T12:34:00.001Z'])('canonicalMinute(%p) is a RangeError: not on a minute', (iso) => {
    expect(() => canonicalMinute(iso, 'minute')).toThrow(new RangeError(`minute: expected the start of a minute (seconds 0), found ${JSON.stringify(iso)}`));
  });

  it('canonical instants sort as text in time order and epochMsOf reads them back', () => {
    const times = ['2024-05-01T23:59:00+00:00', '2024-05-02T00:30:00+02:00', '2024-05-01T09:00:00Z'].map((t) => canonicalInstant(t, 't'));
    expect([...times].sort()).toEqual(['2024-05-01T09:00:00.000Z', '2024-05-01T22:30:00.000Z', '2024-05-01T23:59:00.000Z']);
    expect(epochMsOf('2024-05-01T00:00:00.000Z')).toBe(1714521600000);
  });
});
