/**
 * What every action's param parser shares: the error naming a bad param, a
 * short preview of the value found, and the ISO 8601 time form the actions
 * accept.
 */

/** A bad param: `param` is its JSON path, e.g. `definition.stages[1].after`. */
export class InvalidParamError extends Error {
  override readonly name = 'InvalidParamError';

  constructor(
    readonly param: string,
    detail: string,
  ) {
    super(`${param}: ${detail}`);
  }
}

/** The value as an error message shows it: JSON, at most 80 characters, `nothing` when absent. */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** An ISO 8601 date and time with a zone (Z or +hh:mm), seconds and fractions optional. */
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
