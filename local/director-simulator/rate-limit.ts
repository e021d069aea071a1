import type { Clock } from './types.js';

const WINDOW_MS = 1000;

/**
 * At most `requestsPerSecond` admitted requests in any sliding one-second window. A refused request
 * does not count, and learns in whole seconds (at least 1) when the oldest admitted one leaves the
 * window, which is what a `Retry-After` header carries.
 */
export class SlidingWindowRateLimit {
  private admitted: number[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly requestsPerSecond: number,
  ) {}

  /** Undefined when admitted, else the Retry-After seconds. */
  admit(): number | undefined {
    const now = this.clock();
    this.admitted = this.admitted.filter((time) => time > now - WINDOW_MS);
    if (this.admitted.length < this.requestsPerSecond) {
      this.admitted.push(now);
      return undefined;
    }
    const oldest = this.admitted[0] ?? now;
    return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
  }
}
