import { ConfigError } from '../../src/config/config-error';
import {
  DEFAULT_COLLECTOR_FIRST_MINUTES, DEFAULT_COLLECTOR_LOOKBACK_MINUTES, DEFAULT_COLLECTOR_MAX_MINUTES, DEFAULT_CPU_LIMIT_EXTENSION, DEFAULT_DB_PREFIX,
  DEFAULT_FORECAST_CONTEXT_MINUTES, DEFAULT_HANDOVER_MAX_CONTAINERS, DEFAULT_LEASE_MS, DEFAULT_MANAGER_PACKAGE, DEFAULT_MEMORY_MB, DEFAULT_METHOD, DEFAULT_PLATFORM_KEEP_ALIVE_MINUTES,
  DEFAULT_PREWARM_ADMIN_TIMEOUT_MS, DEFAULT_PREWARM_KIND, DEFAULT_PREWARM_MODE, DEFAULT_PROBE_WINDOW_MS, DEFAULT_RISK_LEVEL, DEFAULT_STORE_TIMEOUT_MS, loadConfig,
} from '../../src/config/load-config';

describe('loadConfig', () => {
  it('gives the named defaults when nothing is set: no CouchDB URL (the embedded server), ours as the method', () => {
    expect(loadConfig({}, {})).toEqual({
      apiHost: undefined, apiKey: undefined, namespace: undefined, couchDbUrl: undefined,
      dbPrefix: DEFAULT_DB_PREFIX, cpuLimitExtension: DEFAULT_CPU_LIMIT_EXTENSION, method: DEFAULT_METHOD,
      probeWindowMs: DEFAULT_PROBE_WINDOW_MS, leaseMs: DEFAULT_LEASE_MS, handoverMaxContainers: DEFAULT_HANDOVER_MAX_CONTAINERS, storeTimeoutMs: DEFAULT_STORE_TIMEOUT_MS,
      riskLevel: DEFAULT_RISK_LEVEL, headroomRiskLevel: undefined, coldStartWorthGBs: undefined, managerPackage: DEFAULT_MANAGER_PACKAGE, collectorFirstMinutes: DEFAULT_COLLECTOR_FIRST_MINUTES,
      collectorLookbackMinutes: DEFAULT_COLLECTOR_LOOKBACK_MINUTES, collectorMaxMinutes: DEFAULT_COLLECTOR_MAX_MINUTES,
      forecastContextMinutes: DEFAULT_FORECAST_CONTEXT_MINUTES, platformKeepAliveMinutes: DEFAULT_PLATFORM_KEEP_ALIVE_MINUTES,
      defaultMemoryMB: DEFAULT_MEMORY_MB, clusterMemoryMB: undefined,
      prewarmMode: DEFAULT_PREWARM_MODE, prewarmAdminUrl: undefined, prewarmAdminAuth: undefined, prewarmAdminTimeoutMs: DEFAULT_PREWARM_ADMIN_TIMEOUT_MS,
      prewarmBaseManifest: undefined, prewarmDefaultKind: DEFAULT_PREWARM_KIND,
    });
    expect([DEFAULT_PREWARM_MODE, DEFAULT_PREWARM_ADMIN_TIMEOUT_MS, DEFAULT_PREWARM_KIND]).toEqual(['warmup', 10_000, 'nodejs:20']);
    expect([DEFAULT_DB_PREFIX, DEFAULT_METHOD, DEFAULT_PROBE_WINDOW_MS, DEFAULT_LEASE_MS]).toEqual(['aquatope_', 'aquatope', 300_000, 120_000]);
  });

  it('gives the scheduler chain its named defaults: risk 0.95, package aquatope, a day of context, OpenWhisk\'s 10-minute keep-alive and 256 MB', () => {
    expect([
      DEFAULT_RISK_LEVEL, DEFAULT_MANAGER_PACKAGE, DEFAULT_COLLECTOR_FIRST_MINUTES, DEFAULT_COLLECTOR_LOOKBACK_MINUTES, DEFAULT_COLLECTOR_MAX_MINUTES,
      DEFAULT_FORECAST_CONTEXT_MINUTES, DEFAULT_PLATFORM_KEEP_ALIVE_MINUTES, DEFAULT_MEMORY_MB,
    ]).toEqual([0.95, 'aquatope', 1, 1, 60, 1440, 10, 256]);
  });

  it('reads the scheduler settings from params (numbers also as digit strings) and the risk level, package and cluster memory from env', () => {
    expect(
      loadConfig(
        { riskLevel: '0.99', collectorFirstMinutes: 5, collectorLookbackMinutes: 0, collectorMaxMinutes: '30', forecastContextMinutes: 48, platformKeepAliveMinutes: 15, defaultMemoryMB: '512' },
        { AQUATOPE_PACKAGE: 'mgr', AQUATOPE_CLUSTER_MEMORY_MB: '65536' },
      ),
    ).toMatchObject({
      riskLevel: 0.99, managerPackage: 'mgr', collectorFirstMinutes: 5, collectorLookbackMinutes: 0, collectorMaxMinutes: 30,
      forecastContextMinutes: 48, platformKeepAliveMinutes: 15, defaultMemoryMB: 512, clusterMemoryMB: 65_536,
    });
    expect(loadConfig({ riskLevel: 0.5 }, { AQUATOPE_RISK_LEVEL: '0.9' }).riskLevel).toBe(0.5);
    expect(loadConfig({}, { AQUATOPE_RISK_LEVEL: '0.9' }).riskLevel).toBe(0.9);
  });

  it('reads the headroom risk level from params over env, and leaves it unset (the risk level) by default', () => {
    expect(loadConfig({ headroomRiskLevel: '0.99999' }, { AQUATOPE_HEADROOM_RISK_LEVEL: '0.9' }).headroomRiskLevel).toBe(0.99999);
    expect(loadConfig({}, { AQUATOPE_HEADROOM_RISK_LEVEL: '0.9' }).headroomRiskLevel).toBe(0.9);
    expect(loadConfig({ riskLevel: 0.9 }, {}).headroomRiskLevel).toBeUndefined();
  });

  it('reads the cold-start worth (GB-s, decimals allowed) from params over env, and leaves it unset (size at the risk level) by default', () => {
    expect(loadConfig({ coldStartWorthGBs: '260' }, { AQUATOPE_COLD_START_WORTH_GBS: '90' }).coldStartWorthGBs).toBe(260);
    expect(loadConfig({ coldStartWorthGBs: 12.5 }, {}).coldStartWorthGBs).toBe(12.5);
    expect(loadConfig({}, { AQUATOPE_COLD_START_WORTH_GBS: '0.75' }).coldStartWorthGBs).toBe(0.75);
    expect(loadConfig({}, { AQUATOPE_COLD_START_WORTH_GBS: '' }).coldStartWorthGBs).toBeUndefined();
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}, {}))).toBe(true);
  });

  it.each([
    // setting, param name, param value, env var, env value, expected with param+env, expected with env only
    ['apiHost', 'apiHost', 'https://p.example', '__OW_API_HOST', 'https://e.example', 'https://p.example', 'https://e.example'],
    ['apiKey', 'apiKey', 'pu:ps', '__OW_API_KEY', 'eu:es', 'pu:ps', 'eu:es'],
    ['namespace', 'namespace', 'param-ns', '__OW_NAMESPACE', 'env-ns', 'param-ns', 'env-ns'],
    ['couchDbUrl', 'couchdbUrl', 'http://p:5984', 'COUCHDB_URL', 'http://admin:pw@e:5984', 'http://p:5984', 'http://admin:pw@e:5984'],
    ['dbPrefix', 'dbPrefix', 'param_', 'AQUATOPE_DB_PREFIX', 'env_', 'param_', 'env_'],
    ['cpuLimitExtension', 'cpuLimitExtension', false, 'AQUATOPE_CPU_LIMIT_EXTENSION', 'true', false, true],
    ['prewarmAdminUrl', 'prewarmAdminUrl', 'http://p:10001', 'AQUATOPE_PREWARM_ADMIN_URL', 'https://e.example/admin', 'http://p:10001', 'https://e.example/admin'],
    ['prewarmAdminAuth', 'prewarmAdminAuth', 'padmin:ppw', 'AQUATOPE_PREWARM_ADMIN_AUTH', 'eadmin:e:pw', 'padmin:ppw', 'eadmin:e:pw'],
    ['prewarmDefaultKind', 'prewarmDefaultKind', 'python:3', 'AQUATOPE_PREWARM_DEFAULT_KIND', 'nodejs:18', 'python:3', 'nodejs:18'],
    ['prewarmBaseManifest', 'prewarmBaseManifest', { runtimes: { python: [{ kind: 'python:3' }] } }, 'AQUATOPE_PREWARM_BASE_MANIFEST', '{"runtimes":{"nodejs":[{"kind":"nodejs:20"}]}}',
      { runtimes: { python: [{ kind: 'python:3' }] } }, { runtimes: { nodejs: [{ kind: 'nodejs:20' }] } }],
  ] as const)('%s: param %s over env %s over the default', (setting, param, paramValue, envVar, envValue, withParam, withEnv) => {
    expect(loadConfig({ [param]: paramValue }, { [envVar]: envValue })[setting]).toEqual(withParam);
    expect(loadConfig({}, { [envVar]: envValue })[setting]).toEqual(withEnv);
    expect(loadConfig({ [param]: null }, { [envVar]: envValue })[setting]).toEqual(withEnv);
  });

  it('the prewarm mode: warmup by default; runtime-manifest with an admin URL from params or env; a base manifest also as JSON text', () => {
    expect(loadConfig({ prewarmMode: 'runtime-manifest', prewarmAdminUrl: 'http://ctl:10001' }, {})).toMatchObject({ prewarmMode: 'runtime-manifest', prewarmAdminUrl: 'http://ctl:10001' });
    expect(loadConfig({}, { AQUATOPE_PREWARM_MODE: 'runtime-manifest', AQUATOPE_PREWARM_ADMIN_URL: 'http://ctl:10001' }).prewarmMode).toBe('runtime-manifest');
    expect(loadConfig({ prewarmMode: 'warmup' }, { AQUATOPE_PREWARM_MODE: 'runtime-manifest' }).prewarmMode).toBe('warmup');
    expect(loadConfig({ prewarmBaseManifest: '{"runtimes":{}}', prewarmAdminTimeoutMs: '2500' }, {})).toMatchObject({ prewarmBaseManifest: { runtimes: {} }, prewarmAdminTimeoutMs: 2500 });
  });

  it('an empty env var counts as unset', () => {
    expect(loadConfig({}, { COUCHDB_URL: '', AQUATOPE_CPU_LIMIT_EXTENSION: '' })).toMatchObject({ couchDbUrl: undefined, cpuLimitExtension: false });
  });

  it('reads params only settings from params, numbers also as digit strings', () => {
    expect(loadConfig({ method: 'cherrypick', probeWindowMs: '60000', leaseMs: 90_000, storeTimeoutMs: 500 }, {})).toMatchObject({
      method: 'cherrypick', probeWindowMs: 60_000, leaseMs: 90_000, storeTimeoutMs: 500,
    });
  });

  it('reads CPU-limit flags written as 1/0 and yes/no', () => {
    expect(loadConfig({}, { AQUATOPE_CPU_LIMIT_EXTENSION: '1' }).cpuLimitExtension).toBe(true);
    expect(loadConfig({ cpuLimitExtension: 'no' }, { AQUATOPE_CPU_LIMIT_EXTENSION: '1' }).cpuLimitExtension).toBe(false);
  });

  it.each([
    [{ couchdbUrl: 'localhost:5984' }, {}, 'param couchdbUrl: expected an http:// or https:// CouchDB URL, found "localhost:5984"'],
    [{}, { COUCHDB_URL: 'ftp://admin:secret@db' }, 'env COUCHDB_URL: expected an http:// or https:// CouchDB URL, found "ftp://admin:***@db"'],
    [{}, { AQUATOPE_DB_PREFIX: '9lives' }, 'env AQUATOPE_DB_PREFIX: expected a database prefix of a-z, 0-9, _ and -, starting with a letter, found "9lives"'],
    [{ dbPrefix: 7 }, {}, 'param dbPrefix: expected a database prefix of a-z, 0-9, _ and -, starting with a letter, found 7'],
    [{}, { AQUATOPE_CPU_LIMIT_EXTENSION: 'sometimes' }, 'env AQUATOPE_CPU_LIMIT_EXTENSION: expected true or false (or 1/0, yes/no), found "sometimes"'],
    [{ cpuLimitExtension: 1 }, {}, 'param cpuLimitExtension: expected true or false (or 1/0, yes/no), found 1'],
    [{}, { __OW_API_KEY: 'no-colon-secret' }, 'env __OW_API_KEY: expected an API key uuid:secret, found "***"'],
    [{ apiKey: 'u:s:t' }, {}, 'param apiKey: expected an API key uuid:secret, found "u:***"'],
    [{}, { __OW_API_HOST: 'ftp://ow' }, 'env __OW_API_HOST: expected an API host such as https://openwhisk.example.com, http://127.0.0.1:3233 or a bare host name, found "ftp://ow"'],
    [{ namespace: '' }, {}, 'param namespace: expected a non-empty string, found ""'],
    [{ method: 'sgd' }, {}, 'param method: expected one of aquatope, max-resources, power-tuning, power-tuning-qos, cherrypick, aquatope-2023, random, found "sgd"'],
    [{ probeWindowMs: 0 }, {}, 'param probeWindowMs: expected a positive integer (ms), found 0'],
    [{ leaseMs: 1.5 }, {}, 'param leaseMs: expected a positive integer (ms), found 1.5'],
    [{ leaseMs: '2 minutes' }, {}, 'param leaseMs: expected a positive integer (ms), found "2 minutes"'],
    [{ storeTimeoutMs: -1 }, {}, 'param storeTimeoutMs: expected a positive integer (ms), found -1'],
    [{ handoverMaxContainers: -1 }, {}, 'param handoverMaxContainers: expected an integer >= 0 (containers), found -1'],
    [{ handoverMaxContainers: 'all' }, {}, 'param handoverMaxContainers: expected an integer >= 0 (containers), found "all"'],
    [{ riskLevel: 1 }, {}, 'param riskLevel: expected a number strictly between 0 and 1, found 1'],
    [{ riskLevel: 'high' }, {}, 'param riskLevel: expected a number strictly between 0 and 1, found "high"'],
    [{}, { AQUATOPE_RISK_LEVEL: '0' }, 'env AQUATOPE_RISK_LEVEL: expected a number strictly between 0 and 1, found "0"'],
    [{ headroomRiskLevel: 1 }, {}, 'param headroomRiskLevel: expected a number strictly between 0 and 1, found 1'],
    [{}, { AQUATOPE_HEADROOM_RISK_LEVEL: 'always' }, 'env AQUATOPE_HEADROOM_RISK_LEVEL: expected a number strictly between 0 and 1, found "always"'],
    [{ coldStartWorthGBs: 0 }, {}, 'param coldStartWorthGBs: expected a finite number of GB-s > 0, found 0'],
    [{ coldStartWorthGBs: -260 }, {}, 'param coldStartWorthGBs: expected a finite number of GB-s > 0, found -260'],
    [{ coldStartWorthGBs: '1e3' }, {}, 'param coldStartWorthGBs: expected a finite number of GB-s > 0, found "1e3"'],
    [{ coldStartWorthGBs: '9'.repeat(400) }, {}, `param coldStartWorthGBs: expected a finite number of GB-s > 0, found "${'9'.repeat(76)}...`],
    [{}, { AQUATOPE_COLD_START_WORTH_GBS: '260 GB-s' }, 'env AQUATOPE_COLD_START_WORTH_GBS: expected a finite number of GB-s > 0, found "260 GB-s"'],
    [{ managerPackage: '/guest/aquatope' }, {}, 'param managerPackage: expected an OpenWhisk package name, found "/guest/aquatope"'],
    [{ collectorFirstMinutes: 0 }, {}, 'param collectorFirstMinutes: expected an integer >= 1 (minutes), found 0'],
    [{ collectorLookbackMinutes: -1 }, {}, 'param collectorLookbackMinutes: expected an integer >= 0 (minutes), found -1'],
    [{ collectorMaxMinutes: 2.5 }, {}, 'param collectorMaxMinutes: expected an integer >= 1 (minutes), found 2.5'],
    [{ forecastContextMinutes: 47 }, {}, 'param forecastContextMinutes: expected an integer >= 48 (minutes), found 47'],
    [{ platformKeepAliveMinutes: 'ten' }, {}, 'param platformKeepAliveMinutes: expected an integer >= 1 (minutes), found "ten"'],
    [{ defaultMemoryMB: 0 }, {}, 'param defaultMemoryMB: expected an integer >= 1 (MB), found 0'],
    [{}, { AQUATOPE_CLUSTER_MEMORY_MB: 'lots' }, 'env AQUATOPE_CLUSTER_MEMORY_MB: expected an integer >= 1 (MB), found "lots"'],
    [{ prewarmMode: 'stem-cells' }, {}, 'param prewarmMode: expected one of warmup, runtime-manifest, found "stem-cells"'],
    [{}, { AQUATOPE_PREWARM_MODE: 'Warmup' }, 'env AQUATOPE_PREWARM_MODE: expected one of warmup, runtime-manifest, found "Warmup"'],
    [{ prewarmMode: 'runtime-manifest' }, {}, 'param prewarmMode: expected an admin URL (param prewarmAdminUrl or env AQUATOPE_PREWARM_ADMIN_URL) in mode runtime-manifest, found "runtime-manifest" with no admin URL'],
    [{}, { AQUATOPE_PREWARM_MODE: 'runtime-manifest', AQUATOPE_PREWARM_ADMIN_URL: '' }, 'env AQUATOPE_PREWARM_MODE: expected an admin URL (param prewarmAdminUrl or env AQUATOPE_PREWARM_ADMIN_URL) in mode runtime-manifest, found "runtime-manifest" with no admin URL'],
    [{ prewarmAdminUrl: 'ctl:10001' }, {}, 'param prewarmAdminUrl: expected an http:// or https:// admin URL without credentials (set those in prewarmAdminAuth), found "ctl:10001"'],
    [{}, { AQUATOPE_PREWARM_ADMIN_URL: 'http://admin:secret@ctl' }, 'env AQUATOPE_PREWARM_ADMIN_URL: expected an http:// or https:// admin URL without credentials (set those in prewarmAdminAuth), found "http://admin:***@ctl"'],
    [{}, { AQUATOPE_PREWARM_ADMIN_AUTH: 'secret-only' }, 'env AQUATOPE_PREWARM_ADMIN_AUTH: expected admin credentials user:password, found "***"'],
    [{ prewarmAdminAuth: 'admin: secret' }, {}, 'param prewarmAdminAuth: expected admin credentials user:password, found "admin:***"'],
    [{ prewarmAdminTimeoutMs: 0 }, {}, 'param prewarmAdminTimeoutMs: expected a positive integer (ms), found 0'],
    [{ prewarmDefaultKind: 'node 20' }, {}, 'param prewarmDefaultKind: expected a runtime kind such as nodejs:20, found "node 20"'],
    [{}, { AQUATOPE_PREWARM_BASE_MANIFEST: '{runtimes' }, 'env AQUATOPE_PREWARM_BASE_MANIFEST: expected a runtime manifest { "runtimes": { <family>: [ { "kind", "stemCells"?, ... } ] } } (a JSON object or its text), found "{runtimes"'],
    [
      { prewarmBaseManifest: { runtimes: { nodejs: [{ kind: 'nodejs:20', stemCells: [{ initialCount: -1, memory: '256 MB' }] }] } } }, {},
      'param prewarmBaseManifest: expected a runtime manifest { "runtimes": { <family>: [ { "kind", "stemCells"?, ... } ] } } (a JSON object or its text); manifest.runtimes.nodejs[0].stemCells[0].initialCount: expected an integer >= 0, found -1, found',
    ],
  ])('loadConfig(%j, %j) throws a ConfigError: %s', (params, env, message) => {
    expect(() => loadConfig(params, env)).toThrow(ConfigError);
    expect(() => loadConfig(params, env)).toThrow(message);
  });

  it('never shows the admin password, whatever is wrong', () => {
    for (const [params, env] of [[{ prewarmAdminAuth: 'admin:hunter2 x' }, {}], [{}, { AQUATOPE_PREWARM_ADMIN_URL: 'ftp://admin:hunter2@ctl' }]] as const) {
      expect(() => loadConfig(params, env)).toThrow(ConfigError);
      expect(() => loadConfig(params, env)).not.toThrow(/hunter2/);
    }
  });

  it('a ConfigError names where the value came from and the key', () => {
    try {
      loadConfig({}, { COUCHDB_URL: 'nope' });
      throw new Error('no error');
    } catch (error) {
      expect(error).toMatchObject({ origin: 'env', key: 'COUCHDB_URL', shown: '"nope"' });
    }
  });
});
