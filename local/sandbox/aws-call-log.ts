import { AsyncLocalStorage } from 'node:async_hooks';

/** The services the handlers reach, named as the call log names them. */
export type AwsService = 'IAM' | 'SecretsManager' | 'S3' | 'EventBridge' | 'DynamoDB' | 'SFN' | 'Organizations';

/** Which deployed function made a call: its workflow (`onboard`, `offboard`, `rotate`) and task state name. */
export interface AwsCaller {
  workflow: string;
  /** The task state (or, for the rotation function, `KeyRotation`) whose handler was running. */
  task: string;
}

/**
 * Whose credentials signed a call: the function's own role, or a key pair the handler was given
 * (the reader's key, when VerifyAccess or a rotation proves it can read the trail).
 */
export type AwsCallPrincipal = { kind: 'function-role' } | { kind: 'access-key'; accessKeyId: string };

/** One call as the log keeps it. */
export interface AwsCallRecord<State = unknown> {
  service: AwsService;
  /** The SDK command without its `Command` suffix, e.g. `GetUser`. */
  operation: string;
  /** The invocation the call was made in; null outside any (a test calling a handler directly). */
  caller: AwsCaller | null;
  principal: AwsCallPrincipal;
  /**
   * The command's input as sent. It may hold secrets (SecretString, a SecretAccessKey): it is for
   * in-memory checks only, and not enumerable, so printing or serializing a record leaves it out.
   */
  readonly input: Record<string, unknown>;
  /** What the log's `observe` saw in the account just before the call was sent. */
  state: State | undefined;
}

export interface RecordingOptions {
  /** The key id the client signs with; leave out for the function's own role. Never the secret. */
  signedWith?: string;
}

const currentCaller = new AsyncLocalStorage<AwsCaller>();

/** Runs `work` as an invocation of `caller`: every call recorded inside it, however deep, names it. */
export function asCaller<T>(caller: AwsCaller, work: () => T): T {
  return currentCaller.run(caller, work);
}

/**
 * What every AWS SDK v3 client has. Method syntax on purpose: the clients' overloaded `send`
 * takes their own command types, which only a method's bivariant parameters accept as `object`.
 */
interface SdkClient {
  send(command: object, ...rest: unknown[]): unknown;
}

/**
 * Every AWS SDK call the handlers make, in call order: as `Service.Operation` (`IAM.GetUser`) for
 * the counts, and as records naming the calling function, the signing principal and the input.
 * Only the handlers get recording clients, so the sandbox's own calls (creating the Director
 * secret, filling the trail bucket, playing Secrets Manager's RotateSecret) and a test's direct
 * calls through `sandbox.aws` are not in it.
 */
export class AwsCallLog<State = unknown> {
  private readonly entries: AwsCallRecord<State>[] = [];

  /** @param observe a snapshot of the account taken as each call is sent (secret-free, it is kept). */
  constructor(private readonly observe?: () => State) {}

  /**
   * A view of `client` whose `send` records the call and then sends it through `client` itself,
   * where the fakes' stubs and the S3 emulation sit. Everything else is the client's own,
   * `instanceof` included (the SDK's paginators check it); `client` itself is left as it was.
   */
  recording<Client extends SdkClient>(client: Client, service: AwsService, options: RecordingOptions = {}): Client {
    const view = Object.create(client) as Client;
    const principal: AwsCallPrincipal = options.signedWith === undefined ? { kind: 'function-role' } : { kind: 'access-key', accessKeyId: options.signedWith };
    Object.defineProperty(view, 'send', {
      value: (command: object, ...rest: unknown[]): unknown => {
        this.entries.push(this.record(service, command, principal));
        return client.send(command, ...rest);
      },
    });
    return view;
  }

  /** The calls as `Service.Operation`, in order. */
  calls(): string[] {
    return this.entries.map((entry) => `${entry.service}.${entry.operation}`);
  }

  /** The calls with caller, principal, input and account state, in order (a copy of the list). */
  records(): AwsCallRecord<State>[] {
    return [...this.entries];
  }

  reset(): void {
    this.entries.length = 0;
  }

  private record(service: AwsService, command: object, principal: AwsCallPrincipal): AwsCallRecord<State> {
    const record = {
      service,
      operation: command.constructor.name.replace(/Command$/, ''),
      caller: currentCaller.getStore() ?? null,
      principal,
      state: this.observe?.(),
    } as AwsCallRecord<State>;
    Object.defineProperty(record, 'input', { value: inputAsSent(command), enumerable: false });
    return record;
  }
}

/** A copy of the command's input, so later changes to the object do not rewrite what was sent. */
function inputAsSent(command: object): Record<string, unknown> {
  const input = (command as { input?: unknown }).input;
  if (typeof input !== 'object' || input === null) return {};
  try {
    return structuredClone(input) as Record<string, unknown>;
  } catch {
    // A streamed body cannot be cloned; the fields around it are what IAM looks at.
    return { ...(input as Record<string, unknown>) };
  }
}

/** How often each operation occurs in `calls`, in the order of first occurrence. */
export function countAwsCalls(calls: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call] = (counts[call] ?? 0) + 1;
  return counts;
}
