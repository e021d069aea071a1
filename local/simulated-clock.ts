import { setImmediate as afterPendingWork } from 'node:timers/promises';

/**
 * Discrete-event time, for runs that would spend minutes waiting: `sleep` parks its caller on a
 * timer of this clock, and `run` moves time straight on to the next timer whenever nothing else
 * can make progress (every promise chain has settled or waits on a timer of this clock). All
 * timers due at the same instant fire together, so callers woken at once really interleave (two
 * of them may read the same item before either writes). Work that waits on anything else (a real
 * timer, a socket) is not what this clock is for: `run` then fails instead of skipping its time.
 * In-process work that moves on through the event loop by itself (dynalite answering a DynamoDB
 * request, one setImmediate callback after another) declares itself with `holdingTime`: time stands
 * still until it ends, as it did when the request was answered within one round.
 */

interface Timer {
  at: number;
  sequence: number;
  wake: () => void;
}

/** Rounds of the event loop `run` lets pass without a due timer before it calls the work stuck. */
const IDLE_ROUNDS = 5;
/** Rounds `run` waits for held work (`holdingTime`) while none of it ends, before it calls that work stuck. */
const HELD_ROUNDS = 10_000;

/** Work in flight under `holdingTime`, and how much of it has ended: one account for every clock. */
const held = { pending: 0, ended: 0 };

/**
 * Runs `work`, which makes progress through the event loop by itself (in-process callbacks, not a
 * timer, socket or anything else outside the process), with time held: while any such work is in
 * flight no SimulatedClock moves time on or counts the round as idle. Outside `run` it changes
 * nothing. Without it, a clock would see a round with nothing settled and move time on mid-request.
 */
export async function holdingTime<T>(work: () => Promise<T>): Promise<T> {
  held.pending += 1;
  try {
    return await work();
  } finally {
    held.pending -= 1;
    held.ended += 1;
  }
}

export class SimulatedClock {
  private nowMs: number;
  private sequence = 0;
  /** A binary min-heap on (at, sequence). */
  private readonly timers: Timer[] = [];

  constructor(startMs = Date.parse('2026-01-01T00:00:00.000Z')) {
    this.nowMs = startMs;
  }

  /** Epoch milliseconds of simulated time. */
  readonly now = (): number => this.nowMs;

  /** Resolves when simulated time has moved on by `ms` (at once for 0 or less, after the work already due). */
  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.push({ at: this.nowMs + Math.max(0, ms), sequence: this.sequence++, wake: resolve });
    });

  /** Runs `work` to its end on this clock's time and returns (or throws) what it does. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    const settled = work().then(
      (value) => {
        outcome = { ok: true, value };
      },
      (error: unknown) => {
        outcome = { ok: false, error };
      },
    );
    for (let idle = 0, stalled = 0, ended = held.ended; ;) {
      await afterPendingWork();
      if (outcome !== undefined) break;
      if (held.pending > 0) {
        idle = 0;
        if (held.ended !== ended) [ended, stalled] = [held.ended, 0];
        else if ((stalled += 1) > HELD_ROUNDS) throw new Error('SimulatedClock: work that holds time (holdingTime) makes no progress');
        continue;
      }
      const due = this.popDue();
      if (due.length > 0) {
        idle = 0;
        for (const timer of due) timer.wake();
      } else if ((idle += 1) > IDLE_ROUNDS) {
        throw new Error('SimulatedClock: the work waits on something other than this clock');
      }
    }
    await settled;
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }

  /** Every timer due at the earliest instant; time moves on to it. */
  private popDue(): Timer[] {
    const first = this.timers[0];
    if (first === undefined) return [];
    this.nowMs = Math.max(this.nowMs, first.at);
    const due: Timer[] = [];
    while (this.timers[0] !== undefined && this.timers[0].at <= this.nowMs) due.push(this.pop());
    return due;
  }

  private push(timer: Timer): void {
    const heap = this.timers;
    heap.push(timer);
    for (let index = heap.length - 1; index > 0;) {
      const parent = (index - 1) >> 1;
      if (!earlier(timer, heap[parent] as Timer)) break;
      heap[index] = heap[parent] as Timer;
      heap[parent] = timer;
      index = parent;
    }
  }

  private pop(): Timer {
    const heap = this.timers;
    const top = heap[0] as Timer;
    const last = heap.pop() as Timer;
    if (heap.length === 0) return top;
    heap[0] = last;
    for (let index = 0; ;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && earlier(heap[left] as Timer, heap[smallest] as Timer)) smallest = left;
      if (right < heap.length && earlier(heap[right] as Timer, heap[smallest] as Timer)) smallest = right;
      if (smallest === index) break;
      [heap[index], heap[smallest]] = [heap[smallest] as Timer, heap[index] as Timer];
      index = smallest;
    }
    return top;
  }
}

function earlier(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.sequence < b.sequence);
}

/** A reproducible uniform [0, 1) source (mulberry32), so a simulated run gives the same figures every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
