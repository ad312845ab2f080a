/** Reading OpenWhisk records and failed client calls in tests. */

/** Whether a value is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A record's `annotations` key/value list as an object. */
export function annotationsOf(record: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (isRecord(record) && Array.isArray(record['annotations'])) {
    for (const kv of record['annotations']) if (isRecord(kv) && typeof kv['key'] === 'string') out[kv['key']] = kv['value'];
  }
  return out;
}

/** The status and body of a client call that must fail (a failed blocking invocation answers 502 with the record). */
export async function rejected(p: Promise<unknown>): Promise<{ statusCode: unknown; body: unknown }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Error && 'statusCode' in err && 'error' in err) return { statusCode: err.statusCode, body: err.error };
    throw err;
  }
  throw new Error('expected the call to fail');
}
