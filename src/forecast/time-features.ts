/** Minutes in a day and in a week. */
export const DAY_MINUTES = 1440;
export const WEEK_MINUTES = 7 * DAY_MINUTES;

/** Number of time features per minute: sin/cos of the hour of day, sin/cos of the day of week. */
export const TIME_FEATURES = 4;

/**
 * Writes the time features of absolute minute `minute` (minute 0 = day 0, 00:00;
 * day of week = day index mod 7, since the Azure traces do not say which weekday
 * day 0 was) into `out` at `offset`: sin and cos of 2*pi*(minute of day)/1440,
 * then sin and cos of 2*pi*(minute of week)/10080.
 */
export function writeTimeFeatures(minute: number, out: Float32Array, offset: number): void {
  const ofDay = ((minute % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  const ofWeek = ((minute % WEEK_MINUTES) + WEEK_MINUTES) % WEEK_MINUTES;
  const a = (2 * Math.PI * ofDay) / DAY_MINUTES;
  const b = (2 * Math.PI * ofWeek) / WEEK_MINUTES;
  out[offset] = Math.sin(a);
  out[offset + 1] = Math.cos(a);
  out[offset + 2] = Math.sin(b);
  out[offset + 3] = Math.cos(b);
}
