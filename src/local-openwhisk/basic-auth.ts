/** HTTP basic authentication with one OpenWhisk key (`uuid:secret`). */
import { timingSafeEqual } from 'node:crypto';
import type { AuthKey } from './ids';

/** Whether an `Authorization` header carries exactly `auth` (compared in constant time). */
export function isAuthorised(header: string | undefined, auth: AuthKey): boolean {
  if (header === undefined) return false;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  const encoded = match?.[1];
  if (encoded === undefined) return false;
  const given = Buffer.from(encoded, 'base64');
  const expected = Buffer.from(`${auth.uuid}:${auth.key}`, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
