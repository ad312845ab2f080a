import {
  FixedKeepAlivePolicy,
  OPENWHISK_IDLE_CONTAINER_TIMEOUT_MS,
  fixedKeepAlivePolicy,
  openWhiskDefaultPolicy,
} from '../../src/pool/fixed-keep-alive';
import { MINUTE_MS } from '../../src/sim/policy';
import type { PolicyContext, PoolControl } from '../../src/sim/policy';

class RecordingControl implements PoolControl {
  readonly prewarms: Array<[number, number, number, number]> = [];
  readonly cancels: number[] = [];
  prewarm(fn: number, count: number, delayMs: number, keepAliveMs: number): void {
    this.prewarms.push([fn, count, delayMs, keepAliveMs]);
  }
  cancelPrewarms(fn: number): void {
    this.cancels.push(fn);
  }
  idleOrLoading(_fn: number): number {
    return 0;
  }
  keepIdle(): void {
    throw new Error('a fixed keep-alive never extends one');
  }
}

function context(functionCount: number): PolicyContext {
  return {
    functionCount,
    functionIds: Array.from({ length: functionCount }, (_, i) => `f${i}`),
    memoryMB: new Float64Array(functionCount).fill(256),
    prewarmLoadMs: 500,
    minutes: 60,
  };
}

describe('openWhiskDefaultPolicy', () => {
  it('is named openwhisk-default and keeps every finished container idle for 10 minutes', () => {
    const policy = openWhiskDefaultPolicy();
    expect(policy.name).toBe('openwhisk-default');
    expect(OPENWHISK_IDLE_CONTAINER_TIMEOUT_MS).toBe(600_000);
    policy.reset(context(2));
    const control = new RecordingControl();
    policy.onArrival(0, 0);
    expect(policy.onInvocationEnd(0, 1_000, control)).toBe(10 * MINUTE_MS);
    policy.onArrival(1, 5_000);
    expect(policy.onInvocationEnd(1, 90_000, control)).toBe(10 * MINUTE_MS);
  });

  it('never prewarms, never cancels and does not ask for minute ticks', () => {
    const policy = openWhiskDefaultPolicy();
    policy.reset(context(1));
    const control = new RecordingControl();
    for (let i = 0; i < 20; i++) {
      policy.onArrival(0, i * MINUTE_MS);
      policy.onInvocationEnd(0, i * MINUTE_MS + 100, control);
    }
    expect(policy.wantsMinuteTicks).toBe(false);
    expect(control.prewarms).toEqual([]);
    expect(control.cancels).toEqual([]);
  });
});

describe('fixedKeepAlivePolicy', () => {
  it.each([
    [20, 'fixed-20', 1_200_000],
    [0.5, 'fixed-0.5', 30_000],
    [1, 'fixed-1', 60_000],
    [120, 'fixed-120', 7_200_000],
  ])('fixedKeepAlivePolicy(%p) is named %s and returns %p ms after every end', (minutes, name, ms) => {
    const policy = fixedKeepAlivePolicy(minutes);
    expect(policy.name).toBe(name);
    expect(policy.keepAliveMs).toBe(ms);
    policy.reset(context(3));
    const control = new RecordingControl();
    policy.onArrival(2, 0);
    expect(policy.onInvocationEnd(2, 10, control)).toBe(ms);
    expect(control.prewarms).toEqual([]);
  });

  it.each([
    [0, 'fixedKeepAlivePolicy: minutes must be a positive finite number, got 0'],
    [-5, 'fixedKeepAlivePolicy: minutes must be a positive finite number, got -5'],
    [Number.NaN, 'fixedKeepAlivePolicy: minutes must be a positive finite number, got NaN'],
    [Number.POSITIVE_INFINITY, 'fixedKeepAlivePolicy: minutes must be a positive finite number, got Infinity'],
    [Number.NEGATIVE_INFINITY, 'fixedKeepAlivePolicy: minutes must be a positive finite number, got -Infinity'],
  ])('fixedKeepAlivePolicy(%p) throws an error naming the value', (minutes, message) => {
    expect(() => fixedKeepAlivePolicy(minutes)).toThrow(message);
  });
});

describe('FixedKeepAlivePolicy constructor', () => {
  it('accepts a keep-alive of 0 (unload at once)', () => {
    const policy = new FixedKeepAlivePolicy('no-keep-alive', 0);
    policy.reset(context(1));
    expect(policy.onInvocationEnd(0, 0, new RecordingControl())).toBe(0);
  });

  it.each([
    ['x', -1, 'FixedKeepAlivePolicy: keepAliveMs must be a finite number >= 0, got -1'],
    ['x', Number.NaN, 'FixedKeepAlivePolicy: keepAliveMs must be a finite number >= 0, got NaN'],
    ['', 1_000, 'FixedKeepAlivePolicy: name must be non-empty'],
  ])('new FixedKeepAlivePolicy(%p, %p) throws %p', (name, keepAliveMs, message) => {
    expect(() => new FixedKeepAlivePolicy(name, keepAliveMs)).toThrow(message);
  });
});
