/** OpenWhisk's activation record and the four outcomes of an activation. */
import type { KeyValue } from './stored-entities';

/** How an activation ended, as OpenWhisk names it. */
export type ActivationStatus = 'success' | 'application error' | 'action developer error' | 'whisk internal error';

/** OpenWhisk's numeric code of each status (0 success ... 3 internal error). */
export const STATUS_CODES: Readonly<Record<ActivationStatus, number>> = {
  success: 0,
  'application error': 1,
  'action developer error': 2,
  'whisk internal error': 3,
};

/** The `response` of an activation record. */
export interface ActivationResponse {
  status: ActivationStatus;
  /** {@link STATUS_CODES} of `status`. */
  statusCode: number;
  success: boolean;
  /** The action's result (a JSON object), `{ error }` when it failed. */
  result: unknown;
}

/** One activation, in OpenWhisk's shape. */
export interface ActivationRecord {
  /** 32 lowercase hex digits. */
  activationId: string;
  /** The namespace of the subject that invoked it. */
  namespace: string;
  /** The action's (or trigger's) own name, without the package. */
  name: string;
  /** Version of the entity that ran. */
  version: string;
  /** The subject (namespace of the caller). */
  subject: string;
  /** Start, epoch ms. */
  start: number;
  /** End, epoch ms. */
  end: number;
  /** `end - start`, ms (includes the init time of a cold start). */
  duration: number;
  statusCode: number;
  response: ActivationResponse;
  /** Log lines, `<ISO time> stdout|stderr: text`. */
  logs: string[];
  /** `path`, `kind`, `limits`, `timeout`, `waitTime` (ms) and, for a cold start, `initTime` (ms). */
  annotations: KeyValue[];
  publish: boolean;
  /** Set when the activation is part of a trigger or a sequence: the parent activation id. */
  cause?: string;
}

/** The fields of a record `GET .../activations` lists without `docs=true`. */
export type ActivationSummary = Omit<ActivationRecord, 'response' | 'logs' | 'subject'>;

/** The summary of a record (what OpenWhisk lists without `docs`). */
export function summarise(record: ActivationRecord): ActivationSummary {
  const { response: _response, logs: _logs, subject: _subject, ...rest } = record;
  return rest;
}

/** The `response` for a result of the given status. */
export function responseOf(status: ActivationStatus, result: unknown): ActivationResponse {
  return { status, statusCode: STATUS_CODES[status], success: status === 'success', result };
}

/** The value of an annotation, or undefined. */
export function annotation(annotations: readonly KeyValue[], key: string): unknown {
  return annotations.find((a) => a.key === key)?.value;
}
