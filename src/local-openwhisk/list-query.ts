/** Query parameters of the list endpoints (`skip`, `limit`, `count`, and the activation filters). */
import { ApiError } from './api-error';
import { isLegalName } from './entity-name';

/** OpenWhisk's default page size. */
export const DEFAULT_LIMIT = 30;
/** OpenWhisk's largest page size. */
export const MAX_LIMIT = 200;

/** A page of a collection. */
export interface PageQuery {
  skip: number;
  /** 1..{@link MAX_LIMIT}; `limit=0` means the default, as in OpenWhisk. */
  limit: number;
  /** Answer `{ <collection>: N }` instead of the entities. */
  count: boolean;
}

/** Filters of `GET .../activations`. */
export interface ActivationQuery extends PageQuery {
  /** `name` or `package/name`. */
  name?: string;
  /** Only activations that started at or after this time, epoch ms. */
  since?: number;
  /** Only activations that started at or before this time, epoch ms. */
  upto?: number;
  /** Full records instead of summaries. */
  docs: boolean;
}

/** A query string, as express parses it (a value may repeat, hence arrays). */
export type QueryValues = Record<string, unknown>;

function single(query: QueryValues, key: string): string | undefined {
  const v = query[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  throw new ApiError(400, `The value of '${key}' must be given once.`);
}

function integer(query: QueryValues, key: string, collection: string): number | undefined {
  const v = single(query, key);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new ApiError(400, `The value '${v}' is not an integer for ${collection}.`);
  return Number.parseInt(v, 10);
}

/** Whether a query flag is set (`true`; anything else is false). */
export function flag(query: QueryValues, key: string): boolean {
  return single(query, key) === 'true';
}

/** Parses `skip`, `limit` and `count` with OpenWhisk's ranges and messages. */
export function parsePageQuery(query: QueryValues, collection: string): PageQuery {
  const skip = integer(query, 'skip', collection) ?? 0;
  if (skip < 0) throw new ApiError(400, `The value '${skip}' is not greater than or equal to 0 for ${collection}.`);
  const rawLimit = integer(query, 'limit', collection) ?? DEFAULT_LIMIT;
  if (rawLimit < 0 || rawLimit > MAX_LIMIT) throw new ApiError(400, `The value '${rawLimit}' is not in the range of 0 to ${MAX_LIMIT} for ${collection}.`);
  return { skip, limit: rawLimit === 0 ? DEFAULT_LIMIT : rawLimit, count: flag(query, 'count') };
}

function epoch(query: QueryValues, key: string): number | undefined {
  const v = single(query, key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new ApiError(400, `Parameter is not a valid value for epoch seconds: ${v}`);
  return Number.parseInt(v, 10);
}

/** Parses the query of `GET .../activations`. */
export function parseActivationQuery(query: QueryValues): ActivationQuery {
  const page = parsePageQuery(query, 'activations');
  const docs = flag(query, 'docs');
  if (docs && page.count) throw new ApiError(400, "The parameter 'docs' is not permitted with 'count'.");
  const out: ActivationQuery = { ...page, docs };
  const name = single(query, 'name');
  if (name !== undefined) {
    const parts = name.split('/');
    if (parts.length > 2 || !parts.every(isLegalName)) {
      throw new ApiError(400, `Parameter may be a 'simple' name or 'package-name/simple' name: ${name}`);
    }
    out.name = name;
  }
  const since = epoch(query, 'since');
  if (since !== undefined) out.since = since;
  const upto = epoch(query, 'upto');
  if (upto !== undefined) out.upto = upto;
  return out;
}

/** The page of `items` a query asks for. */
export function page<T>(items: readonly T[], query: PageQuery): T[] {
  return items.slice(query.skip, query.skip + query.limit);
}
