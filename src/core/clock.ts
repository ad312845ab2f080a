/** The clock port: the core never reads the time itself. */
export interface Clock {
  /** A monotonic time in ms (only differences are meaningful). */
  nowMs(): number;
}
