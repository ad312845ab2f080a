/**
 * The load shape, minute by minute: the TypeScript twin of the locustfile's
 * `build_plan` (`locust/locustfile.py`), computed with the same arithmetic in
 * the same order so both give the same user counts. `npm run load` uses it to
 * refuse an empty load, to print what will run and to bound the run's time.
 */

/** Seconds in a trace minute. */
export const SECONDS_PER_MINUTE = 60;

/** The shape of a run. */
export interface LoadPlan {
  /** Wall seconds one trace minute lasts: 60 / speedup. */
  readonly minuteS: number;
  /** Users in each replayed minute (index 0 = the first replayed minute). */
  readonly users: readonly number[];
  /** Per replayed minute, each workflow's weight (the counts of its functions), aligned with {@link workflows}. */
  readonly weights: readonly (readonly number[])[];
  readonly workflows: readonly string[];
  /** How long the shape lasts, s: minutes x {@link minuteS}. */
  readonly durationS: number;
  /** The most users of any minute. */
  readonly peakUsers: number;
  /** Requests the shape asks for at most: sum over minutes of users x minuteS / pacing. */
  readonly plannedRequests: number;
}

/**
 * Users of one trace minute: its request rate (`total` invocations x speedup / 60
 * per second) times the pacing, rounded half up, at most `maxUsers`.
 *
 * @param total invocations of the chosen functions in that minute
 * @param speedup trace minutes per wall minute (> 0)
 * @param pacingS seconds between one user's requests (> 0)
 * @param maxUsers the ceiling (>= 1)
 */
export function usersFor(total: number, speedup: number, pacingS: number, maxUsers: number): number {
  return Math.min(maxUsers, Math.floor(((total * speedup) / SECONDS_PER_MINUTE) * pacingS + 0.5));
}

/** Inputs of {@link buildLoadPlan}. */
export interface LoadPlanInput {
  /** Per chosen function (in load order), its counts of the replayed minutes only (all of equal length). */
  readonly counts: readonly ArrayLike<number>[];
  readonly speedup: number;
  readonly pacingS: number;
  readonly maxUsers: number;
  /** Chosen function k drives `workflows[k % workflows.length]`. */
  readonly workflows: readonly string[];
}

/** The plan of a run (see {@link usersFor}); the chosen functions drive the workflows round-robin. */
export function buildLoadPlan(input: LoadPlanInput): LoadPlan {
  const { counts, workflows, speedup, pacingS, maxUsers } = input;
  if (counts.length === 0) throw new RangeError('buildLoadPlan: no functions');
  if (workflows.length === 0) throw new RangeError('buildLoadPlan: no workflows');
  const minutes = counts[0].length;
  const minuteS = SECONDS_PER_MINUTE / speedup;
  const users: number[] = [];
  const weights: number[][] = [];
  for (let m = 0; m < minutes; m++) {
    const w = workflows.map(() => 0);
    counts.forEach((c, k) => {
      w[k % workflows.length] += c[m];
    });
    weights.push(w);
    users.push(usersFor(w.reduce((a, b) => a + b, 0), speedup, pacingS, maxUsers));
  }
  const sumUsers = users.reduce((a, b) => a + b, 0);
  return {
    minuteS,
    users,
    weights,
    workflows: [...workflows],
    durationS: minutes * minuteS,
    peakUsers: users.reduce((a, b) => Math.max(a, b), 0),
    plannedRequests: Math.round((sumUsers * minuteS) / pacingS),
  };
}
