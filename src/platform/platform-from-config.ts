/**
 * The OpenWhisk adapter an action makes from its loaded config: the API host,
 * key and namespace of the config (params over env), else the `__OW_*`
 * environment or `~/.wskprops` (see `resolvePlatformConfig`), and whether the
 * cluster has the CPU-limit extension.
 */
import type { AquatopeConfig } from '../config/load-config';
import { OpenWhiskPlatform } from './openwhisk';

/** The platform of an action run with `config`, in the environment `env` (the action passes `process.env`). */
export function platformFromConfig(config: Readonly<AquatopeConfig>, env: Readonly<Record<string, string | undefined>>): OpenWhiskPlatform {
  return OpenWhiskPlatform.create({
    ...(config.apiHost === undefined ? {} : { apiHost: config.apiHost }),
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    ...(config.namespace === undefined ? {} : { namespace: config.namespace }),
    env,
    cpuLimitExtension: config.cpuLimitExtension,
  });
}
