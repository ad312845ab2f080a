/** OpenWhisk entity names and fully qualified names (`/namespace/[package/]name`). */
import { ApiError, WhiskMessages } from './api-error';

/** OpenWhisk's rule for an entity or namespace name: word characters, then also `@`, space, `.` and `-`. */
const NAME_STRICT = /^(\w|\w[\w@ .-]*[\w@.-])$/;

/** Whether `name` is a legal entity name (at most 256 characters). */
export function isLegalName(name: string): boolean {
  return name.length <= 256 && NAME_STRICT.test(name);
}

/** A name inside a namespace: an optional package and the entity's own name. */
export interface EntityPath {
  packageName?: string;
  name: string;
}

/** Throws the 400 OpenWhisk answers for an illegal name. */
export function assertLegalName(name: string): void {
  if (!isLegalName(name)) throw new ApiError(400, 'The name of the entity contains illegal characters.');
}

/**
 * Parses a fully qualified action or trigger name as rules and sequences give
 * it: `/ns/name`, `/ns/pkg/name`, or relative `name` / `pkg/name` (resolved
 * against `defaultNamespace`). `_` as namespace means `defaultNamespace`.
 */
export function parseQualifiedName(value: string, defaultNamespace: string, field: string): { namespace: string } & EntityPath {
  const absolute = value.startsWith('/');
  const parts = (absolute ? value.slice(1) : value).split('/');
  let namespace = defaultNamespace;
  let rest = parts;
  if (absolute) {
    const ns = parts[0];
    if (ns === undefined || ns.length === 0 || parts.length < 2) throw ApiError.malformed(field, `expected /namespace/[package/]name, found ${JSON.stringify(value)}`);
    namespace = ns === '_' ? defaultNamespace : ns;
    rest = parts.slice(1);
  }
  if (rest.length < 1 || rest.length > 2 || rest.some((p) => !isLegalName(p))) {
    throw ApiError.malformed(field, `expected /namespace/[package/]name, found ${JSON.stringify(value)}`);
  }
  const [first, second] = rest;
  if (first === undefined) throw new ApiError(400, WhiskMessages.malformed);
  return second === undefined ? { namespace, name: first } : { namespace, packageName: first, name: second };
}

/** `/namespace/[package/]name`. */
export function qualifiedName(namespace: string, path: EntityPath): string {
  return path.packageName === undefined ? `/${namespace}/${path.name}` : `/${namespace}/${path.packageName}/${path.name}`;
}
