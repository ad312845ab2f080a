import { parseWskProps, resolvePlatformConfig } from '../../src/platform/platform-config';
import { PlatformError } from '../../src/platform/platform-error';

const PROPS = '# wsk properties\nAPIHOST=https://ow.example.org\nAUTH=props-uuid:props-secret\n\nNAMESPACE = team\n';

/** A file system of one `.wskprops` under /home/u. */
const readFile = (path: string): string | undefined => (path === '/home/u/.wskprops' ? PROPS : path === '/etc/other.props' ? 'APIHOST=other\nAUTH=o:k\n' : undefined);

describe('parseWskProps', () => {
  it('reads KEY=VALUE lines, trimming, skipping comments and blank lines', () => {
    expect(parseWskProps(PROPS)).toEqual({ APIHOST: 'https://ow.example.org', AUTH: 'props-uuid:props-secret', NAMESPACE: 'team' });
  });
});

describe('resolvePlatformConfig', () => {
  it('prefers explicit options over the environment and .wskprops', () => {
    const config = resolvePlatformConfig({ apiHost: 'http://127.0.0.1:1', apiKey: 'a:b', env: { __OW_API_HOST: 'env-host', __OW_API_KEY: 'e:k' }, homeDir: '/home/u', readFile });
    expect(config).toEqual({ apiHost: 'http://127.0.0.1:1', apiKey: 'a:b', namespace: 'team', source: { apiHost: 'options', apiKey: 'options' } });
  });

  it('takes __OW_API_HOST / __OW_API_KEY / __OW_NAMESPACE from the env object over .wskprops', () => {
    const config = resolvePlatformConfig({ env: { __OW_API_HOST: 'env-host', __OW_API_KEY: 'e:k', __OW_NAMESPACE: 'ns' }, homeDir: '/home/u', readFile });
    expect(config).toEqual({ apiHost: 'env-host', apiKey: 'e:k', namespace: 'ns', source: { apiHost: 'env', apiKey: 'env' } });
  });

  it('falls back to ~/.wskprops (APIHOST, AUTH, NAMESPACE)', () => {
    expect(resolvePlatformConfig({ env: {}, homeDir: '/home/u', readFile })).toMatchObject({ apiHost: 'https://ow.example.org', apiKey: 'props-uuid:props-secret', namespace: 'team' });
  });

  it('reads the file WSK_CONFIG_FILE names instead of ~/.wskprops', () => {
    expect(resolvePlatformConfig({ env: { WSK_CONFIG_FILE: '/etc/other.props' }, homeDir: '/home/u', readFile })).toMatchObject({ apiHost: 'other', apiKey: 'o:k', namespace: '_' });
  });

  it.each([
    ['nothing anywhere', { env: {}, homeDir: '/nowhere', readFile }, 'no API host (looked in options, __OW_API_HOST/__OW_API_KEY or /nowhere/.wskprops)'],
    ['a host but no key', { env: { __OW_API_HOST: 'h' } }, 'no API key'],
    ['a key without a colon', { apiHost: 'h', apiKey: 'justasecret' }, 'the API key from options is not of the form uuid:secret'],
    ['blank values', { apiHost: '  ', env: { __OW_API_HOST: '' } }, 'no API host'],
  ])('fails with a config error for %s', (_what, sources, message) => {
    expect(() => resolvePlatformConfig(sources)).toThrow(PlatformError);
    expect(() => resolvePlatformConfig(sources)).toThrow(message);
  });
});
