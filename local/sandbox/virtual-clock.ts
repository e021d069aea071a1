import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The time the handlers see. Waits last milliseconds in the sandbox, but the order deadline is
 * measured in the definition's seconds: the workflow runner advances this clock by each Wait's
 * length in the definition, so a 30-minute deadline passes in a moment.
 *
 * Each execution runs on its own clock ({@link withOwnClock}): its Waits advance only its own time,
 * so ten executions running side by side do not age ten times as fast (as they would on one shared
 * clock). It starts where the sandbox's time stands, and when it ends the sandbox's time moves on
 * to the latest any execution reached, so runs one after another still see time only go forward.
 */
export class VirtualClock {
  private offsetMs = 0;
  private readonly execution = new AsyncLocalStorage<{ baseMs: number; ownMs: number }>();

  now(): Date {
    const own = this.execution.getStore();
    return new Date(Date.now() + (own === undefined ? this.offsetMs : own.baseMs + own.ownMs));
  }

  /** Moves the current execution's time on (outside an execution: the sandbox's). */
  advance(ms: number): void {
    const own = this.execution.getStore();
    if (own === undefined) this.offsetMs += ms;
    else own.ownMs += ms;
  }

  /**
   * Moves the sandbox's time on to at least `at`: a sandbox restored from a saved one goes on from
   * where that one's time stood (ahead of the wall clock by every Wait it skipped), so time never
   * runs backwards across commands.
   */
  catchUp(at: Date): void {
    this.offsetMs = Math.max(this.offsetMs, at.getTime() - Date.now());
  }

  /** Runs `work` (one execution) on a clock of its own, starting at the sandbox's time now. */
  async withOwnClock<T>(work: () => Promise<T>): Promise<T> {
    const own = { baseMs: this.offsetMs, ownMs: 0 };
    try {
      return await this.execution.run(own, work);
    } finally {
      this.offsetMs = Math.max(this.offsetMs, own.baseMs + own.ownMs);
    }
  }
}
