import { afterEach, beforeEach } from 'vitest';
import { DynamoDbSandbox } from '../../../local/aws/dynamodb-sandbox.js';

/** The table the governance items live in, keyed like the account lock table. */
export const TABLE = 'CloudTrailOnboarding-AccountLocks';
export const KEY_ATTRIBUTE = 'accountId';
export const T0 = Date.parse('2026-03-01T10:00:00.000Z');

type SentCommand = 'GetItem' | 'PutItem';
let sandbox: DynamoDbSandbox | undefined;
const sent: { command: string; input: Record<string, unknown> }[] = [];

/** A fresh DynamoDB (dynalite) with the table, per test; returns the getter the tests call. */
export function useGovernanceTable(): () => DynamoDbSandbox {
  beforeEach(async () => {
    sent.length = 0;
    sandbox = await DynamoDbSandbox.start({ tables: [{ name: TABLE, partitionKey: KEY_ATTRIBUTE }] });
    // Outermost, so it sees every call, those a planned fault refuses too.
    sandbox.client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push({ command: String(context.commandName).replace(/Command$/, ''), input: args.input as Record<string, unknown> });
        return next(args);
      },
      { step: 'initialize', priority: 'high', name: 'governanceTestCommandLog' },
    );
  });
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });
  return () => {
    if (sandbox === undefined) throw new Error('The governance table exists only while a test runs.');
    return sandbox;
  };
}

/** The inputs of every `command` the test sent through the table's client, in order. */
export function inputsSent(command: SentCommand): Record<string, unknown>[] {
  return sent.filter((call) => call.command === command).map((call) => call.input);
}
