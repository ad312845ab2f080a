/**
 * Errors of the local OpenWhisk REST API, answered with OpenWhisk's error
 * body `{ error, code }` (`code` is the request's transaction id).
 */

/** The messages OpenWhisk's controller uses for the errors this server reproduces. */
export const WhiskMessages = {
  unauthenticated: 'The supplied authentication is invalid',
  notAuthorized: 'The supplied authentication is not authorized to access this resource.',
  notFound: 'The requested resource does not exist.',
  alreadyExists: 'resource already exists',
  malformed: 'The request content was malformed:',
  methodNotAllowed: 'The requested method is not allowed on this resource.',
} as const;

/** An HTTP error of the API: its status code and the message put in the body's `error`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status code, e.g. 404. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /** 404 for a missing entity; names it when `what` is given (as OpenWhisk does for references). */
  static notFound(what?: string): ApiError {
    return new ApiError(404, what === undefined ? WhiskMessages.notFound : `The requested resource '${what}' does not exist.`);
  }

  /** 409 for a create without `overwrite=true` of an entity that exists. */
  static conflict(): ApiError {
    return new ApiError(409, WhiskMessages.alreadyExists);
  }

  /** 400 for a malformed request; `field` is a JSON path such as `limits.memory`. */
  static malformed(field: string, detail: string): ApiError {
    return new ApiError(400, `${WhiskMessages.malformed}\n${field}: ${detail}`);
  }
}

/** The error body OpenWhisk answers with. */
export interface WhiskErrorBody {
  /** What went wrong. */
  error: string;
  /** The transaction id of the request. */
  code: string;
}
