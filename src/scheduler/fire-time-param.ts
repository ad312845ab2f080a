/** The `fireTime` param the three scheduler actions share. */
import { InvalidParamError, ISO_TIME, preview } from '../params/invalid-param';

/**
 * The `fireTime` param: an ISO 8601 time with a zone (`null` counts as absent).
 * @throws InvalidParamError naming it
 */
export function parseFireTime(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const time = typeof raw === 'string' && ISO_TIME.test(raw) ? Date.parse(raw) : Number.NaN;
  const year = Number.isFinite(time) ? new Date(time).getUTCFullYear() : Number.NaN;
  if (typeof raw !== 'string' || !(year >= 0 && year <= 9999)) {
    throw new InvalidParamError('fireTime', `expected an ISO 8601 time with a zone, e.g. 2024-05-01T12:35:00Z, found ${preview(raw)}`);
  }
  return raw;
}
