import { describe, expect, it } from 'vitest';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { SimulatedClock, holdingTime, seededRandom } from '../../local/simulated-clock.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

describe('SimulatedClock', () => {
  it('moves time straight to each timer when nothing else can run, and wakes sleepers in time order', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const woke: Array<[string, number]> = [];
    const sleeper = async (name: string, ms: number) => {
      await clock.sleep(ms);
      woke.push([name, clock.now() - T0]);
    };

    // Act: an hour of simulated waits.
    await clock.run(() => Promise.all([sleeper('late', 3_600_000), sleeper('early', 5), sleeper('middle', 60_000)]));

    // Assess
    expect(woke).toEqual([
      ['early', 5],
      ['middle', 60_000],
      ['late', 3_600_000],
    ]);
    expect(clock.now()).toBe(T0 + 3_600_000);
  });

  it('wakes every timer due at the same instant together, so their callers interleave', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const steps: string[] = [];
    const caller = async (name: string) => {
      await clock.sleep(100);
      steps.push(`${name} reads`);
      await Promise.resolve();
      steps.push(`${name} writes`);
    };

    // Act
    await clock.run(() => Promise.all([caller('a'), caller('b')]));

    // Assess
    expect(steps).toEqual(['a reads', 'b reads', 'a writes', 'b writes']);
  });

  it('returns what the work returns and throws what it throws', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);

    // Act
    const value = await clock.run(async () => {
      await clock.sleep(10);
      return 'done';
    });
    const failure = clock.run(async () => {
      await clock.sleep(10);
      throw new Error('broken');
    });

    // Assess
    expect(value).toBe('done');
    await expect(failure).rejects.toThrow('broken');
  });

  it('fails instead of skipping time when the work waits on something other than the clock', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);

    // Act
    const stuck = clock.run(() => new Promise<void>(() => undefined));

    // Assess
    await expect(stuck).rejects.toThrow('waits on something other than this clock');
  });

  it('holds time still while in-process work that moves on through the event loop (holdingTime) is in flight', async () => {
    // Prepare: work of 50 event loop turns (more than the idle rounds allow), and a timer due meanwhile.
    const clock = new SimulatedClock(T0);
    const turns = async () => {
      for (let turn = 0; turn < 50; turn += 1) await nextTurn();
      return clock.now() - T0;
    };

    // Act
    const [heldEndedAt] = await clock.run(() => Promise.all([holdingTime(turns), clock.sleep(1_000)]));

    // Assess
    expect(heldEndedAt).toBe(0);
    expect(clock.now()).toBe(T0 + 1_000);
  });

  it('fails instead of waiting for ever when held work makes no progress', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    let release = (): void => undefined;
    const never = new Promise<void>((resolve) => (release = resolve));

    // Act
    const stuck = clock.run(() => holdingTime(() => never));

    // Assess
    await expect(stuck).rejects.toThrow('makes no progress');
    release(); // Ends the held work, so it holds no other clock's time.
  });
});

describe('seededRandom', () => {
  it('draws the same sequence in [0, 1) for the same seed, another for another seed', () => {
    // Act
    const first = Array.from({ length: 1000 }, seededRandom(42));
    const again = Array.from({ length: 1000 }, seededRandom(42));
    const other = Array.from({ length: 1000 }, seededRandom(43));

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});
