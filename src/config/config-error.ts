/** The typed failure of {@link loadConfig}: which setting, where it came from, and the bad value. */

/** Where a setting's value came from. */
export type ConfigOrigin = 'param' | 'env';

/** A setting with a value of the wrong shape. The message names the param or env var and the value (secrets masked). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** `param` (an action parameter) or `env` (an environment variable). */
    readonly origin: ConfigOrigin,
    /** The parameter's or variable's name, e.g. `leaseMs` or `COUCHDB_URL`. */
    readonly key: string,
    /** The bad value as shown in the message (JSON; secrets and URL passwords masked). */
    readonly shown: string,
    /** What was expected, e.g. `a positive integer (ms)`. */
    readonly expected: string,
  ) {
    super(`${origin} ${key}: expected ${expected}, found ${shown}`);
  }
}
