import { isAuthorised } from '../../src/local-openwhisk/basic-auth';

const auth = { uuid: 'u-1', key: 'secret' };
const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

describe('isAuthorised', () => {
  it('accepts exactly uuid:key in a Basic header', () => {
    expect(isAuthorised(basic('u-1:secret'), auth)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['another secret', basic('u-1:secreT')],
    ['a longer secret', basic('u-1:secret2')],
    ['another scheme', `Bearer ${Buffer.from('u-1:secret').toString('base64')}`],
    ['a header that is not base64', 'Basic !!!'],
  ])('refuses %s', (_what, header) => {
    expect(isAuthorised(header, auth)).toBe(false);
  });
});
