/**
 * The `Store` port's CouchDB adapter: every repository of the manager's state,
 * each in its own database (`<prefix>series`, `<prefix>ticks`, ...), created
 * with its indexes when opened. The URL comes in as a parameter (an action
 * reads it from its params, `npm start` from the embedded server); nothing is
 * read from the environment.
 */
import { CouchServer, openDatabase, type HttpDispatcher, type MangoIndex } from './couch';
import { APPLIED_ACTION_INDEXES, AppliedActionRepository } from './applied-action-repository';
import { FORECAST_INDEXES, ForecastRepository } from './forecast-repository';
import { OBSERVATION_INDEXES, ObservationRepository } from './observation-repository';
import { POOL_DECISION_INDEXES, PoolDecisionRepository } from './pool-decision-repository';
import { SEARCH_STATE_INDEXES, SearchStateRepository } from './search-state-repository';
import { SERIES_INDEXES, SeriesRepository } from './series-repository';
import { TICK_INDEXES, TickRepository } from './tick-repository';
import { WORKFLOW_CONFIG_INDEXES, WorkflowConfigRepository } from './workflow-config-repository';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** CouchDB server URL (credentials may be in it; they never appear in errors). */
  readonly url: string;
  /** Prefix of every database name: lower-case letters, digits, `_`, `-`, starting with a letter. Default {@link DEFAULT_DB_PREFIX}. */
  readonly dbPrefix?: string;
  /** Client-side deadline of each CouchDB call, ms. Default 10,000. */
  readonly timeoutMs?: number;
  /** Transport instead of Node's global one (tests). */
  readonly dispatcher?: HttpDispatcher;
}

/** Default database name prefix. */
export const DEFAULT_DB_PREFIX = 'aquatope_';

/** Every repository of the manager's state. */
export interface Store {
  readonly series: SeriesRepository;
  readonly forecasts: ForecastRepository;
  readonly poolDecisions: PoolDecisionRepository;
  readonly workflowConfigs: WorkflowConfigRepository;
  readonly observations: ObservationRepository;
  readonly searchStates: SearchStateRepository;
  readonly appliedActions: AppliedActionRepository;
  readonly ticks: TickRepository;
}

/** Database name (after the prefix) and indexes of each repository. */
export const STORE_DATABASES: { readonly [K in keyof Store]: { readonly name: string; readonly indexes: readonly MangoIndex[] } } = {
  series: { name: 'series', indexes: SERIES_INDEXES },
  forecasts: { name: 'forecasts', indexes: FORECAST_INDEXES },
  poolDecisions: { name: 'pool_decisions', indexes: POOL_DECISION_INDEXES },
  workflowConfigs: { name: 'workflow_configs', indexes: WORKFLOW_CONFIG_INDEXES },
  observations: { name: 'observations', indexes: OBSERVATION_INDEXES },
  searchStates: { name: 'search_states', indexes: SEARCH_STATE_INDEXES },
  appliedActions: { name: 'applied_actions', indexes: APPLIED_ACTION_INDEXES },
  ticks: { name: 'ticks', indexes: TICK_INDEXES },
};

/**
 * Opens the store: creates any missing database and index, then returns the repositories.
 * @throws RangeError on a bad URL or prefix; StoreError (e.g. `unavailable` naming the URL) when CouchDB fails.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const prefix = options.dbPrefix ?? DEFAULT_DB_PREFIX;
  if (!/^[a-z][a-z0-9_-]*$/.test(prefix)) {
    throw new RangeError(`dbPrefix must start with a lower-case letter and hold only a-z, 0-9, _ and -, got ${JSON.stringify(prefix)}`);
  }
  const server = new CouchServer({ url: options.url, timeoutMs: options.timeoutMs, dispatcher: options.dispatcher });
  const open = (key: keyof Store) => openDatabase(server, `${prefix}${STORE_DATABASES[key].name}`, STORE_DATABASES[key].indexes);
  return {
    series: new SeriesRepository(await open('series')),
    forecasts: new ForecastRepository(await open('forecasts')),
    poolDecisions: new PoolDecisionRepository(await open('poolDecisions')),
    workflowConfigs: new WorkflowConfigRepository(await open('workflowConfigs')),
    observations: new ObservationRepository(await open('observations')),
    searchStates: new SearchStateRepository(await open('searchStates')),
    appliedActions: new AppliedActionRepository(await open('appliedActions')),
    ticks: new TickRepository(await open('ticks')),
  };
}
