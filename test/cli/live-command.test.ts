import { join } from 'node:path';
import { LIVE_DEFAULTS, parseLiveArgs, pickLiveFunctions } from '../../src/cli/live-command';

describe('parseLiveArgs', () => {
  it('fills the live defaults', () => {
    expect(parseLiveArgs(['--live'])).toEqual({
      minutes: LIVE_DEFAULTS.minutes,
      speedup: 2,
      maxUsers: 8,
      pacingS: 15,
      probeWindowMs: 60_000,
      qos: 'loose',
      compare: true,
      seed: 1,
      out: join('reports', 'live'),
    });
  });

  it('reads every option', () => {
    expect(parseLiveArgs(['--live', '--trace', 't.csv', '--functions', '3,4', '--minutes', '5:8', '--speedup', '4', '--max-users', '2', '--pacing', '3', '--probe-window', '30', '--qos', 'tight', '--no-compare', '--seed', '9', '--out', 'o'])).toEqual({
      trace: 't.csv',
      functions: '3,4',
      minutes: '5:8',
      speedup: 4,
      maxUsers: 2,
      pacingS: 3,
      probeWindowMs: 30_000,
      qos: 'tight',
      compare: false,
      seed: 9,
      out: 'o',
    });
  });

  it.each<[string, string[], RegExp]>([
    ['a speedup of 0', ['--speedup', '0'], /--speedup: expected a finite number > 0, found "0"/],
    ['a pacing that is not a number', ['--pacing', 'fast'], /--pacing: expected a finite number > 0, found "fast"/],
    ['a probe window of 0', ['--probe-window', '0'], /--probe-window: expected a finite number > 0, found "0"/],
    ['a bad minute range', ['--minutes', '9:3'], /--minutes/],
    ['a bad function spec', ['--functions', 'top:0'], /--functions/],
    ['an unknown option', ['--run-time', '30'], /Unknown option '--run-time'/],
    ['an unknown QoS level', ['--qos', 'strict'], /--qos: expected tight, medium, loose or a factor > 0, found "strict"/],
    ['a QoS factor of 0', ['--qos', '0'], /--qos: expected tight, medium, loose or a factor > 0, found "0"/],
    ['a negative QoS factor', ['--qos=-2'], /--qos: expected tight, medium, loose or a factor > 0, found "-2"/],
    ['an empty QoS factor', ['--qos', ' '], /--qos: expected tight, medium, loose or a factor > 0, found " "/],
  ])('rejects %s before anything starts', (_what, args, message) => {
    expect(() => parseLiveArgs(['--live', ...args])).toThrow(message);
  });
});

describe('parseLiveArgs --qos', () => {
  it.each([
    ['tight', 'tight'],
    ['4', 4],
    ['1.75', 1.75],
  ])('reads %s as %p', (text, qos) => {
    expect(parseLiveArgs(['--live', '--qos', text]).qos).toBe(qos);
  });
});

describe('pickLiveFunctions', () => {
  it('prefers rows busy in every minute, then the mean nearest the rate, then the lower row', () => {
    const counts = [
      [3, 3, 0, 3], // an idle minute
      [9, 9, 9, 9], // mean 9
      [2, 4, 3, 3], // mean 3
      [1, 1, 1, 1], // mean 1
      [3, 3, 3, 3], // mean 3, later row
    ].map((c) => Uint32Array.from(c));
    expect(pickLiveFunctions(counts, [10, 11, 12, 13, 14], 3, 3)).toEqual([12, 14, 13]);
  });
});
