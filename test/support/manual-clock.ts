import type { Clock } from '../../src/core/clock';

/** A clock a test sets by hand (epoch ms). */
export class ManualClock implements Clock {
  constructor(public now: number) {}
  nowMs(): number {
    return this.now;
  }
}
