/**
 * What the three scheduler ticks share: the claim of a tick by its fire time
 * (a repeated alarm does nothing), the wall clock of tick leases and the
 * minute arithmetic of fire times.
 */
import type { Stored } from '../store/document-collection';
import type { Tick, TickRepository } from '../store/tick-repository';
import { canonicalInstant, epochMsOf } from '../store/time-keys';
import { guarded, invalidInput } from './scheduler-error';

/** One minute, ms. */
export const MINUTE_MS = 60_000;

/** Wall-clock time for tick leases (compared across processes, so not the monotonic Clock port). */
export interface WallClock {
  /** Now, epoch ms (an integer). */
  nowEpochMs(): number;
}

/** The tick repository calls a scheduler tick makes (a {@link TickRepository} has them). */
export type SchedulerTicks = Pick<TickRepository, 'claimTick' | 'completeTick'>;

/** A fire time and the minute it falls in. */
export interface FireMinute {
  /** The fire time, canonical ISO UTC. */
  readonly fireTime: string;
  /** The fire time, epoch ms. */
  readonly fireMs: number;
  /** Start of the minute the fire time falls in, epoch ms. */
  readonly minuteMs: number;
  /** The same, canonical ISO UTC. */
  readonly minute: string;
}

/**
 * The fire time's canonical form and its minute.
 * @throws SchedulerError `invalid-input` naming the value when it is not an ISO 8601 time with a zone.
 */
export function fireMinuteOf(fireTime: string): FireMinute {
  let canonical: string;
  try {
    canonical = canonicalInstant(fireTime, 'fireTime');
  } catch (error) {
    throw invalidInput(error);
  }
  const fireMs = epochMsOf(canonical);
  const minuteMs = Math.floor(fireMs / MINUTE_MS) * MINUTE_MS;
  return { fireTime: canonical, fireMs, minuteMs, minute: isoMinute(minuteMs) };
}

/** The canonical ISO UTC form of an epoch-ms minute start. */
export function isoMinute(ms: number): string {
  return new Date(ms).toISOString();
}

/** The claim of a tick: `claimed` with the stored tick, or what someone else's claim left. */
export type SchedulerClaim =
  | { readonly claimed: true; readonly tick: Stored<Tick> }
  | { readonly claimed: false; readonly skipped: 'already-done' | 'in-progress' };

/** Claims tick `kind` at the fire time. */
export async function claimTick(ticks: SchedulerTicks, kind: string, fireTime: string, clock: WallClock, leaseMs: number, claimant: string): Promise<SchedulerClaim> {
  const claim = await guarded('claim the tick', () => ticks.claimTick(kind, fireTime, { nowMs: clock.nowEpochMs(), leaseMs, claimant }));
  if (claim.claimed) return { claimed: true, tick: claim.tick };
  return { claimed: false, skipped: claim.state.state === 'done' ? 'already-done' : 'in-progress' };
}

/** Completes a claimed tick: `lost` when the claim expired and someone else took it first. */
export async function completeTick(ticks: SchedulerTicks, tick: Stored<Tick>, clock: WallClock, summary: string): Promise<'completed' | 'lost'> {
  const done = await guarded('complete the tick', () => ticks.completeTick(tick, { nowMs: clock.nowEpochMs(), summary }));
  return done.completed ? 'completed' : 'lost';
}
