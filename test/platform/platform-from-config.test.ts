import { loadConfig } from '../../src/config/load-config';
import { platformFromConfig } from '../../src/platform/platform-from-config';

describe('platformFromConfig', () => {
  const env = { __OW_API_HOST: 'http://10.0.0.1:3233', __OW_API_KEY: 'envuuid:envsecret', COUCHDB_URL: 'http://127.0.0.1:5984' };

  it('takes the API host, key and namespace of the config (params over env)', () => {
    const config = loadConfig({ apiHost: 'https://ow.example.com', apiKey: 'paramuuid:paramsecret', namespace: 'team' }, env);
    const platform = platformFromConfig(config, env);
    expect(platform.config).toMatchObject({ apiHost: 'https://ow.example.com', apiKey: 'paramuuid:paramsecret', namespace: 'team' });
  });

  it('falls back to the __OW_* environment an action runs with', () => {
    const platform = platformFromConfig(loadConfig({}, env), env);
    expect(platform.config.apiHost).toBe('http://10.0.0.1:3233');
    expect(platform.config.apiKey).toBe('envuuid:envsecret');
  });

  it('refuses a CPU limit unless the config says the cluster has the extension', async () => {
    const stock = platformFromConfig(loadConfig({}, env), env);
    await expect(stock.updateActionLimits('a', { memoryMB: 256, cpu: 0.5 })).rejects.toThrow(/CPU/);
  });
});
