/** Identifiers drawn from the injected {@link Rng}: the server never invents randomness itself. */
import type { Rng } from '../core/rng';

/** `n` lowercase hex digits. */
export function hexId(rng: Rng, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(rng.next() * 16).toString(16);
  return out;
}

/** An activation id: 32 hex digits, as OpenWhisk's. */
export function activationId(rng: Rng): string {
  return hexId(rng, 32);
}

/** A transaction id for error bodies' `code`: 32 hex digits. */
export function transactionId(rng: Rng): string {
  return hexId(rng, 32);
}

/** An OpenWhisk auth key: `uuid` a v4-style UUID, `key` 64 alphanumeric characters. */
export interface AuthKey {
  uuid: string;
  key: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh auth key drawn from `rng` (as `wskadmin user create` makes them). */
export function generateAuthKey(rng: Rng): AuthKey {
  const h = hexId(rng, 32);
  const variant = '89ab'[Math.floor(rng.next() * 4)] ?? '8';
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  let key = '';
  for (let i = 0; i < 64; i++) key += ALPHANUMERIC[Math.floor(rng.next() * ALPHANUMERIC.length)] ?? 'A';
  return { uuid, key };
}

/** `uuid:key`, the form `wsk` and `__OW_API_KEY` use. */
export function formatAuthKey(auth: AuthKey): string {
  return `${auth.uuid}:${auth.key}`;
}
