/** The REST paths under `/api/v1` the local OpenWhisk serves, parsed into a route. */
import { ApiError } from './api-error';
import type { EntityPath } from './entity-name';

/** An entity collection of a namespace. */
export type Collection = 'packages' | 'actions' | 'triggers' | 'rules';

/** What a path names. */
export type Route =
  | { kind: 'namespaces' }
  | { kind: 'list'; namespace: string; collection: Collection | 'activations'; packageName?: string }
  | { kind: 'entity'; namespace: string; collection: Collection; path: EntityPath }
  | { kind: 'activation'; namespace: string; activationId: string; part?: 'logs' | 'result' };

const COLLECTIONS: readonly string[] = ['packages', 'actions', 'triggers', 'rules', 'activations'];

function isCollection(s: string): s is Collection | 'activations' {
  return COLLECTIONS.includes(s);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, `The path segment '${segment}' is not valid URL encoding.`);
  }
}

/** The route of `path` (relative to `/api/v1`, e.g. `/namespaces/_/actions/pkg/a`), or null if none matches. */
export function parseRoute(path: string): Route | null {
  const trailingSlash = path.endsWith('/') && path.length > 1;
  const segments = path.split('/').filter((s) => s.length > 0).map(decode);
  const [root, namespace, collection, first, second, ...rest] = segments;
  if (root !== 'namespaces') return null;
  if (namespace === undefined) return { kind: 'namespaces' };
  if (collection === undefined || !isCollection(collection) || rest.length > 0) return null;
  if (first === undefined) return { kind: 'list', namespace, collection };
  if (collection === 'activations') {
    if (second === undefined) return { kind: 'activation', namespace, activationId: first };
    if (second === 'logs' || second === 'result') return { kind: 'activation', namespace, activationId: first, part: second };
    return null;
  }
  if (second === undefined) {
    // `actions/pkg/` lists a package's actions, as `wsk action list pkg` asks.
    if (collection === 'actions' && trailingSlash) return { kind: 'list', namespace, collection, packageName: first };
    return { kind: 'entity', namespace, collection, path: { name: first } };
  }
  if (collection !== 'actions') return null;
  return { kind: 'entity', namespace, collection, path: { packageName: first, name: second } };
}
