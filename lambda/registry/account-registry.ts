import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RegistryAttribute as A, RegistryWorkflow, type DriftKind, type RegistryState } from '../contract/account-registry.js';
import type { CollectionMode, Coverage } from '../contract/collection.js';
import { ErrorCode } from '../contract/error-codes.js';
import { awsUnavailable } from '../shared/aws-transient.js';
import { OnboardingError } from '../shared/errors.js';
import { describeAwsError, isAwsError } from '../shared/ownership.js';

/**
 * Writes of the account registry (lambda/contract/account-registry.ts): a conditional UpdateItem
 * that sets what the run knows and leaves the rest of the item as it was (a failed re-run keeps
 * the source id the previous run recorded), so that of two runs for one account the later write
 * wins whatever order they arrive in, and a Retry of the same step writes the same item again.
 */

/** The attributes a run may set; null removes one (e.g. the source a compensation deleted). */
interface RegistryFields {
  mode?: CollectionMode;
  state?: RegistryState;
  coverage?: Coverage;
  logSourceId?: string | null;
  logSourceName?: string | null;
  logPrefix?: string | null;
  readerUserName?: string | null;
  accessKeyId?: string | null;
  lastLogReceived?: string | null;
  lastErrorCode?: string | null;
  lastErrorMessage?: string | null;
  lastErrorAt?: string | null;
  keyRotatedAt?: string | null;
  drift?: readonly DriftKind[] | null;
  driftDetectedAt?: string | null;
  excludedBecause?: string | null;
}

export interface RegistryUpdate {
  accountId: string;
  workflow: RegistryWorkflow;
  /** The execution ARN of the run (a rotation's token for a key rotation). */
  runId: string;
  fields: RegistryFields;
  /** Write only when the item is absent or in one of these states: EXCLUDED never hides an onboarded account. */
  onlyFromStates?: readonly RegistryState[];
}

/** `kept`: a newer write, or a state `onlyFromStates` does not admit, stands; nothing changed. */
export type RegistryWrite = 'written' | 'kept';

/** DynamoDB's limit on an item is 400 KB; a message is cut well before, at a character count a person still reads. */
const MAX_MESSAGE_LENGTH = 2000;

/**
 * Records `update` as of `now`. An item written later (by a newer run) is kept, and so is one whose
 * state `onlyFromStates` excludes: the write then reports `kept`. Throttling or a DynamoDB fault:
 * AWS_UNAVAILABLE, for the step's Retry.
 */
export async function recordAccount(dynamo: DynamoDBClient, tableName: string, update: RegistryUpdate, now: Date): Promise<RegistryWrite> {
  const names: Record<string, string> = { '#updatedAt': A.updatedAt, '#createdAt': A.createdAt };
  const values: Record<string, AttributeValue> = { ':now': { S: now.toISOString() } };
  const sets = ['#updatedAt = :now', '#createdAt = if_not_exists(#createdAt, :now)'];
  const removes: string[] = [];
  const assign = (attribute: string, value: AttributeValue | null): void => {
    names[`#${attribute}`] = attribute;
    if (value === null) removes.push(`#${attribute}`);
    else {
      values[`:${attribute}`] = value;
      sets.push(`#${attribute} = :${attribute}`);
    }
  };
  assign(A.lastRunId, { S: update.runId });
  assign(A.lastRunWorkflow, { S: update.workflow });
  assign(RegistryWorkflow[update.workflow], { S: update.runId });
  for (const [field, value] of Object.entries(update.fields) as [keyof RegistryFields, RegistryFields[keyof RegistryFields]][]) {
    if (value === undefined) continue;
    if (value === null) assign(A[field], null);
    else if (typeof value === 'string') assign(A[field], { S: field === 'lastErrorMessage' ? value.slice(0, MAX_MESSAGE_LENGTH) : value });
    // DynamoDB has no empty sets: no drift is no attribute.
    else assign(A[field], value.length === 0 ? null : { SS: [...new Set(value)] });
  }
  let condition = '(attribute_not_exists(#updatedAt) OR #updatedAt <= :now)';
  if (update.onlyFromStates !== undefined) {
    names['#state'] = A.state;
    const admitted = update.onlyFromStates.map((state, index) => {
      values[`:from${index}`] = { S: state };
      return `:from${index}`;
    });
    condition += ` AND (attribute_not_exists(#state) OR #state IN (${admitted.join(', ')}))`;
  }
  try {
    await dynamo.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { [A.accountId]: { S: update.accountId } },
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return 'written';
  } catch (error) {
    if (isAwsError(error, 'ConditionalCheckFailedException')) return 'kept';
    const transient = awsUnavailable(error, `DynamoDB UpdateItem on the account registry ${tableName}`);
    if (transient) throw transient;
    throw new OnboardingError(ErrorCode.INTERNAL, `Could not record ${update.accountId} in the account registry: ${describeAwsError(error)}`, {
      details: { accountId: update.accountId, tableName },
    });
  }
}

/** Writes at a time for {@link recordAccounts}: the table is on-demand, but a fleet of thousands should not burst it. */
const PARALLEL_WRITES = 10;

/** Records many accounts, a few at a time; each write as {@link recordAccount}. */
export async function recordAccounts(dynamo: DynamoDBClient, tableName: string, updates: readonly RegistryUpdate[], now: Date): Promise<void> {
  for (let start = 0; start < updates.length; start += PARALLEL_WRITES) {
    await Promise.all(updates.slice(start, start + PARALLEL_WRITES).map((update) => recordAccount(dynamo, tableName, update, now)));
  }
}

/** The registry table a function was given, or CONFIG_INVALID naming the step that lacks it. */
export function requireRegistryTable(tableName: string | null, step: string): string {
  if (tableName !== null) return tableName;
  throw new OnboardingError(ErrorCode.CONFIG_INVALID, `${step} needs the account registry table, but none is configured for it.`);
}
