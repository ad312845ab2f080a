/**
 * Times in documents and ids: ISO 8601 UTC strings in their canonical form
 * (`2024-05-01T12:34:00.000Z`, as `Date.prototype.toISOString` writes them),
 * so ids built from them sort in time order. Nothing here reads the clock:
 * parsing a given string is all it does.
 */

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The canonical UTC form of an ISO 8601 instant with a time zone (`Z` or `+hh:mm`).
 * @throws RangeError naming `what` and the value when it is not one.
 */
export function canonicalInstant(iso: string, what: string): string {
  const time = ISO_INSTANT.test(iso) ? Date.parse(iso) : Number.NaN;
  if (!Number.isFinite(time)) {
    throw new RangeError(`${what}: expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:34:00Z, found ${JSON.stringify(iso)}`);
  }
  const canonical = new Date(time).toISOString();
  if (canonical.length !== 24) throw new RangeError(`${what}: year out of range 0000..9999, found ${JSON.stringify(iso)}`);
  return canonical;
}

/**
 * The canonical UTC form of the start of a minute (seconds and milliseconds zero).
 * @throws RangeError naming `what` when `iso` is not an instant or not on a minute.
 */
export function canonicalMinute(iso: string, what: string): string {
  const canonical = canonicalInstant(iso, what);
  if (!canonical.endsWith(':00.000Z')) {
    throw new RangeError(`${what}: expected the start of a minute (seconds 0), found ${JSON.stringify(iso)}`);
  }
  return canonical;
}

/** Milliseconds since the epoch of a canonical instant. */
export function epochMsOf(canonicalIso: string): number {
  return Date.parse(canonicalIso);
}
