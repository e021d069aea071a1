/** The services the handlers reach, named as the call log names them. */
export type AwsService = 'IAM' | 'SecretsManager' | 'S3' | 'EventBridge';

/**
 * What every AWS SDK v3 client has. Method syntax on purpose: the clients' overloaded `send`
 * takes their own command types, which only a method's bivariant parameters accept as `object`.
 */
interface SdkClient {
  send(command: object, ...rest: unknown[]): unknown;
}

/**
 * Every AWS SDK call the handlers make, as `Service.Operation` (`IAM.GetUser`), in call order.
 * Only the handlers get recording clients, so the sandbox's own calls (creating the Director
 * secret, filling the trail bucket, playing Secrets Manager's RotateSecret) and a test's direct
 * calls through `sandbox.aws` are not in it.
 */
export class AwsCallLog {
  private readonly entries: string[] = [];

  /**
   * A view of `client` whose `send` records the call and then sends it through `client` itself,
   * where the fakes' stubs and the S3 emulation sit. Everything else is the client's own,
   * `instanceof` included (the SDK's paginators check it); `client` itself is left as it was.
   */
  recording<Client extends SdkClient>(client: Client, service: AwsService): Client {
    const view = Object.create(client) as Client;
    Object.defineProperty(view, 'send', {
      value: (command: object, ...rest: unknown[]): unknown => {
        this.entries.push(`${service}.${command.constructor.name.replace(/Command$/, '')}`);
        return client.send(command, ...rest);
      },
    });
    return view;
  }

  calls(): string[] {
    return [...this.entries];
  }

  reset(): void {
    this.entries.length = 0;
  }
}

/** How often each operation occurs in `calls`, in the order of first occurrence. */
export function countAwsCalls(calls: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call] = (counts[call] ?? 0) + 1;
  return counts;
}
