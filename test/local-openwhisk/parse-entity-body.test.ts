import { ApiError } from '../../src/local-openwhisk/api-error';
import { parseActionBody, parseLimits, parseRuleBody } from '../../src/local-openwhisk/parse-entity-body';

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof ApiError) return `${err.status} ${err.message}`;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('parseActionBody', () => {
  it('maps nodejs:default to nodejs:20 and keeps main, binary and limits', () => {
    expect(parseActionBody({ exec: { kind: 'nodejs:default', code: 'c', binary: true, main: 'run' }, limits: { memory: 512 } }, false)).toEqual({
      exec: { kind: 'nodejs:20', code: 'c', binary: true, main: 'run' },
      limits: { memory: 512 },
    });
  });

  it('ignores limits.cpu on stock OpenWhisk and validates it with the CPU-limit extension', () => {
    expect(parseLimits({ cpu: 0.5 }, false)).toEqual({});
    expect(parseLimits({ cpu: 0.5 }, true)).toEqual({ cpu: 0.5 });
    expect(messageOf(() => parseLimits({ cpu: 0 }, true))).toBe('400 The request content was malformed:\nlimits.cpu: expected a number from 0.01 to 64 cores, found 0');
  });

  it.each([
    [{ limits: { memory: 4096 } }, 'limits.memory: expected an integer from 128 to 2048 MB, found 4096'],
    [{ limits: { timeout: 50 } }, 'limits.timeout: expected an integer from 100 to 300000 ms, found 50'],
    [{ limits: { logs: 'ten' } }, 'limits.logs: expected an integer from 0 to 10 MB, found "ten"'],
    [{ limits: [] }, 'limits: expected an object, found an array'],
    [{ annotations: [{ key: 'k' }] }, 'annotations[0].value: missing'],
    [{ publish: 'yes' }, 'publish: expected a boolean, found "yes"'],
    [{ exec: { kind: 'sequence', components: ['a', 3] } }, 'exec.components[1]: expected an action name, found 3'],
  ])('rejects %j: %s', (body, message) => {
    expect(messageOf(() => parseActionBody(body, false))).toBe(`400 The request content was malformed:\n${message}`);
  });
});

describe('parseRuleBody', () => {
  it.each([
    [{ trigger: '' }, 'trigger: expected a fully qualified name, found ""'],
    [{ action: 7 }, 'action: expected a fully qualified name, found 7'],
    [{ status: 'on' }, 'status: expected "active" or "inactive", found "on"'],
  ])('rejects %j: %s', (body, message) => {
    expect(messageOf(() => parseRuleBody(body))).toBe(`400 The request content was malformed:\n${message}`);
  });
});
