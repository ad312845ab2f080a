import { SeededRng } from '../../src/core/rng';
import { activationId, formatAuthKey, generateAuthKey } from '../../src/local-openwhisk/ids';

describe('ids from the injected rng', () => {
  it('generates an auth key of a v4-style UUID and 64 alphanumerics, the same for the same seed', () => {
    const a = generateAuthKey(new SeededRng(42));
    expect(a.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.key).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(generateAuthKey(new SeededRng(42))).toEqual(a);
    expect(generateAuthKey(new SeededRng(43))).not.toEqual(a);
    expect(formatAuthKey(a)).toBe(`${a.uuid}:${a.key}`);
  });

  it('draws activation ids of 32 hex digits', () => {
    const rng = new SeededRng(1);
    const ids = new Set(Array.from({ length: 100 }, () => activationId(rng)));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });
});
