/**
 * Warm-up invocations. The pool sizer keeps containers warm by invoking an
 * action with the reserved parameter {@link WARMUP_PARAM}; an action wrapped
 * with {@link wrapManagedAction} answers those at once with `{ warmed: true }`
 * and never runs the user's code for them.
 */

/** The reserved parameter of a warm-up invocation: `{ "__aquatope_warmup": true }`. */
export const WARMUP_PARAM = '__aquatope_warmup';

/** The answer to a warm-up. */
export interface WarmupReply {
  warmed: true;
}

/** Whether `params` are a warm-up invocation's. */
export function isWarmupRequest(params: unknown): boolean {
  return typeof params === 'object' && params !== null && WARMUP_PARAM in params && Reflect.get(params, WARMUP_PARAM) === true;
}

/** Whether an activation's `result` is a warm-up's answer ({@link WarmupReply}): no run of the action's code. */
export function isWarmupReply(result: unknown): boolean {
  return typeof result === 'object' && result !== null && 'warmed' in result && result.warmed === true;
}

/** `main`, answering warm-up invocations with `{ warmed: true }` without calling it. */
export function wrapManagedAction<P extends Record<string, unknown>, R>(main: (params: P) => R): (params: P) => R | WarmupReply {
  return (params: P) => (isWarmupRequest(params) ? { warmed: true } : main(params));
}
