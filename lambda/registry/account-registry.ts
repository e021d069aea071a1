import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RegistryAttribute as A, type RegistryState } from '../contract/account-registry.js';
import type { CollectionMode, Coverage } from '../contract/collection.js';
import { ErrorCode } from '../contract/error-codes.js';
import { awsUnavailable } from '../shared/aws-transient.js';
import { OnboardingError } from '../shared/errors.js';
import { describeAwsError, isAwsError } from '../shared/ownership.js';

/**
 * Writes of the account registry (lambda/contract/account-registry.ts): a conditional PutItem, so
 * that of two runs for one account the later write wins whatever order they arrive in, and a Retry
 * of the same step writes the same item again.
 */

export interface RegistryEntry {
  accountId: string;
  mode: CollectionMode;
  state: RegistryState;
  coverage: Coverage;
  logSourceId: string | null;
  logPrefix: string | null;
  lastLogReceived: string | null;
  /** The execution ARN of the run. */
  runId: string;
}

export type RegistryWrite = 'written' | 'superseded';

/**
 * Records `entry` as of `now`. An item written later (by a newer run) is kept: the write then
 * reports `superseded` and changes nothing. Throttling or a DynamoDB fault: AWS_UNAVAILABLE.
 */
export async function recordAccount(dynamo: DynamoDBClient, tableName: string, entry: RegistryEntry, now: Date): Promise<RegistryWrite> {
  const item: Record<string, AttributeValue> = {
    [A.accountId]: { S: entry.accountId },
    [A.mode]: { S: entry.mode },
    [A.state]: { S: entry.state },
    [A.coverage]: { S: entry.coverage },
    [A.lastRunId]: { S: entry.runId },
    [A.updatedAt]: { S: now.toISOString() },
  };
  if (entry.logSourceId !== null) item[A.logSourceId] = { S: entry.logSourceId };
  if (entry.logPrefix !== null) item[A.logPrefix] = { S: entry.logPrefix };
  if (entry.lastLogReceived !== null) item[A.lastLogReceived] = { S: entry.lastLogReceived };
  try {
    await dynamo.send(
      new PutItemCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#updatedAt) OR #updatedAt <= :now',
        ExpressionAttributeNames: { '#updatedAt': A.updatedAt },
        ExpressionAttributeValues: { ':now': { S: now.toISOString() } },
      }),
    );
    return 'written';
  } catch (error) {
    if (isAwsError(error, 'ConditionalCheckFailedException')) return 'superseded';
    const transient = awsUnavailable(error, `DynamoDB PutItem on the account registry ${tableName}`);
    if (transient) throw transient;
    throw new OnboardingError(ErrorCode.INTERNAL, `Could not record ${entry.accountId} in the account registry: ${describeAwsError(error)}`, {
      details: { accountId: entry.accountId, tableName },
    });
  }
}

/** The registry table a function was given, or CONFIG_INVALID naming the step that lacks it. */
export function requireRegistryTable(tableName: string | null, step: string): string {
  if (tableName !== null) return tableName;
  throw new OnboardingError(ErrorCode.CONFIG_INVALID, `${step} needs the account registry table, but none is configured for it.`);
}
