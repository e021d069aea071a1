import { AWS_CLIENT_NAMES, clientNotListed } from '../../lambda/shared/runtime/dependencies.js';

/**
 * Holds a function to the AWS clients its handler lists (`awsClients`): on Lambda it is built with
 * those alone (its bundle loads no other SDK package), so here reaching for another one fails the
 * same way, and every workflow test proves each handler's list complete.
 */
export function withListedClients<Dependencies extends object>(
  provider: () => Dependencies,
  listed: object | undefined,
  functionName: string,
): () => Dependencies {
  const allowed = new Set(Object.keys(listed ?? {}));
  const clientNames: readonly string[] = AWS_CLIENT_NAMES;
  return () =>
    new Proxy(provider(), {
      get(target, property, receiver) {
        if (typeof property === 'string' && clientNames.includes(property) && !allowed.has(property)) throw clientNotListed(property, functionName);
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
}
