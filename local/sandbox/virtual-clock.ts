/**
 * The time the handlers see. Waits last milliseconds in the sandbox, but the order deadline is
 * measured in the definition's seconds: the workflow runner advances this clock by each Wait's
 * length in the definition, so a 30-minute deadline passes in a moment.
 */
export class VirtualClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
