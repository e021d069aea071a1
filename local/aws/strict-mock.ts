/**
 * Shared wiring for the stateful SDK fakes: strictness (a command nobody emulates must fail loudly,
 * never resolve `undefined`) and fault injection (fail the next N calls of one command).
 */

/** A command the fake does not emulate was sent: the fake must grow, or the caller must not use it. */
export class NotEmulatedError extends Error {
  override readonly name = 'NotEmulatedError';
}

export type FaultSource = Error | (() => Error);

export class FaultPlan<CommandName extends string> {
  private readonly pending = new Map<CommandName, Array<() => Error>>();

  /** The next `times` calls of `command` reject with `error` (a factory gives each call a fresh error). */
  failNext(command: CommandName, error: FaultSource, times = 1): void {
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
    const make = typeof error === 'function' ? error : () => error;
    const queue = this.pending.get(command) ?? [];
    for (let index = 0; index < times; index += 1) queue.push(make);
    this.pending.set(command, queue);
  }

  /** Removes and returns the next planned fault of `command`, if any. */
  take(command: CommandName): Error | undefined {
    const queue = this.pending.get(command);
    const next = queue?.shift();
    if (queue && queue.length === 0) this.pending.delete(command);
    return next?.();
  }

  pendingCount(command: CommandName): number {
    return this.pending.get(command)?.length ?? 0;
  }

  clear(): void {
    this.pending.clear();
  }
}

/** Runs one emulated command: a planned fault wins over the real behaviour, which then does not run. */
export async function runCommand<CommandName extends string, Output>(
  faults: FaultPlan<CommandName>,
  command: CommandName,
  handler: () => Output,
): Promise<Output> {
  const fault = faults.take(command);
  if (fault) throw fault;
  // Awaiting keeps the SDK's contract: every outcome, including a thrown exception, is a settled promise.
  return await Promise.resolve().then(handler);
}

interface SendStub {
  send: { callsFake(fake: (command: unknown) => Promise<never>): unknown };
}

/**
 * Makes every command without its own `.on(Command)` behaviour reject with a clear error. Must be
 * called before the per-command behaviours: sinon falls back to this default only when no
 * `withArgs` matcher applies.
 */
export function rejectUnemulatedCommands(stub: SendStub, fakeName: string, sourceFile: string): void {
  stub.send.callsFake((command: unknown) => {
    const commandName = typeof command === 'object' && command !== null ? command.constructor.name : typeof command;
    return Promise.reject(new NotEmulatedError(`${fakeName} does not emulate ${commandName}; add it to ${sourceFile} or do not call it.`));
  });
}
