import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AccountLockAttribute as A, type LockWorkflow } from '../contract/account-lock.js';
import { ErrorCode } from '../contract/error-codes.js';
import { awsUnavailable } from '../shared/aws-transient.js';
import { OnboardingError } from '../shared/errors.js';
import { describeAwsError, isAwsError } from '../shared/ownership.js';
import type { AccountLock } from './workflow-contract.js';

/**
 * One run per account: every workflow run holds the account's lock, one DynamoDB item keyed by
 * the account, while it touches the account. Taking it is a single conditional PutItem, so two
 * runs started at the same moment cannot both get it (unlike listing the running executions and
 * then starting one). Releasing it is a conditional DeleteItem that only the holder can do.
 */

export interface AcquireAccountLockRequest {
  tableName: string;
  accountId: string;
  /** Who takes the lock: the run's execution ARN. */
  owner: string;
  workflow: LockWorkflow;
  /** How long the lock lasts unless released; at least the longest the run can live. */
  ttlSeconds: number;
  now: Date;
  /**
   * Whether the run holding the lock has ended (its execution is no longer running): a run that
   * could not release its lock then blocks nobody. Omitted: only expiry frees a held lock.
   */
  holderHasEnded?: (owner: string) => Promise<boolean>;
}

export interface ReleaseAccountLockRequest {
  tableName: string;
  accountId: string;
  owner: string;
}

/** `not-held`: the lock was already gone, or another run holds it (and keeps it). */
export type LockRelease = 'released' | 'not-held';

/**
 * Takes the account's lock for `owner`. It succeeds when no run holds it, when the holder's lock
 * has expired, or when `owner` already holds it (a Step Functions Retry of the same execution
 * re-runs the step: it must not lock itself out); the lock then lasts `ttlSeconds` from `now`.
 * Held by another run: ACCOUNT_BUSY, naming the holder. Throttling or a DynamoDB fault: AWS_UNAVAILABLE.
 */
export async function acquireAccountLock(dynamo: DynamoDBClient, request: AcquireAccountLockRequest): Promise<AccountLock> {
  const { tableName, accountId, owner, workflow, ttlSeconds, now } = request;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new OnboardingError(ErrorCode.INVALID_INPUT, `A lock needs a whole positive number of seconds to last, got ${ttlSeconds}.`);
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const expiresAt = nowSeconds + ttlSeconds;
  const put = (condition: string, names: Record<string, string>, values: Record<string, AttributeValue>): Promise<unknown> =>
    dynamo.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          [A.accountId]: { S: accountId },
          [A.owner]: { S: owner },
          [A.workflow]: { S: workflow },
          [A.acquiredAt]: { S: now.toISOString() },
          [A.expiresAt]: { N: String(expiresAt) },
        },
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        // The refusal carries the holder's item, so naming who holds the lock needs no second read.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  const refusedBy = async (attempt: () => Promise<unknown>): Promise<HeldLock | null> => {
    try {
      await attempt();
      return null;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return heldLockOf(error);
      throw lockFailure(error, `Taking the lock of account ${accountId}`, tableName);
    }
  };
  // The condition, not DynamoDB's TTL deletion, decides expiry: TTL removes expired items only
  // eventually (often days later), and until then the item still reads as a lock.
  const free = 'attribute_not_exists(#accountId) OR #expiresAt < :now OR #owner = :owner';
  const names = { '#accountId': A.accountId, '#expiresAt': A.expiresAt, '#owner': A.owner };
  let holder = await refusedBy(() => put(free, names, { ':now': { N: String(nowSeconds) }, ':owner': { S: owner } }));
  if (holder?.owner && request.holderHasEnded && (await request.holderHasEnded(holder.owner))) {
    // Taken over only from that very holder: if another run took it meanwhile, that one keeps it.
    const stale = holder.owner;
    const staleNames = { '#accountId': A.accountId, '#owner': A.owner };
    holder = await refusedBy(() => put('attribute_exists(#accountId) AND #owner = :stale', staleNames, { ':stale': { S: stale } }));
  }
  if (holder) throw accountBusy(accountId, owner, workflow, holder);
  return { accountId, owner, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

/** Gives the account's lock back, only if `owner` holds it: a lock taken over after expiry stays with its new holder. */
export async function releaseAccountLock(dynamo: DynamoDBClient, request: ReleaseAccountLockRequest): Promise<LockRelease> {
  const { tableName, accountId, owner } = request;
  try {
    await dynamo.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: { [A.accountId]: { S: accountId } },
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': A.owner },
        ExpressionAttributeValues: { ':owner': { S: owner } },
      }),
    );
    return 'released';
  } catch (error) {
    // The condition also fails when there is no item: a lock already gone is as good as released.
    if (isAwsError(error, 'ConditionalCheckFailedException')) return 'not-held';
    throw lockFailure(error, `Releasing the lock of account ${accountId}`, tableName);
  }
}

/** Who holds an account's lock, as the table has it (the execution ARN of a workflow run, or a rotation's owner). */
export interface AccountLockHolder {
  owner: string;
  workflow: string | null;
  /** Epoch seconds after which the lock counts as free. */
  expiresAt: number;
}

/**
 * The account's lock as it stands at `now`: its holder, or null when there is none or it expired.
 * One strongly consistent GetItem: what the starter asks before it starts a run.
 */
export async function readAccountLock(dynamo: DynamoDBClient, request: { tableName: string; accountId: string; now: Date }): Promise<AccountLockHolder | null> {
  const { tableName, accountId, now } = request;
  let item: Record<string, AttributeValue> | undefined;
  try {
    ({ Item: item } = await dynamo.send(new GetItemCommand({ TableName: tableName, Key: { [A.accountId]: { S: accountId } }, ConsistentRead: true })));
  } catch (error) {
    throw lockFailure(error, `Reading the lock of account ${accountId}`, tableName);
  }
  const owner = item?.[A.owner]?.S;
  const expiresAt = Number(item?.[A.expiresAt]?.N);
  if (owner === undefined || !Number.isFinite(expiresAt) || expiresAt < Math.floor(now.getTime() / 1000)) return null;
  return { owner, workflow: item?.[A.workflow]?.S ?? null, expiresAt };
}

/** The lock table's name from the function's environment; a function deployed without it is misconfigured. */
export function requireLockTable(tableName: string | null): string {
  if (tableName === null) {
    throw new OnboardingError(ErrorCode.CONFIG_INVALID, 'This function has no account lock table; it was deployed without the grant that names it.');
  }
  return tableName;
}

/** What the refusal says of the holder; null where the item lacks an attribute. */
interface HeldLock {
  owner: string | null;
  workflow: string | null;
  lockedUntil: string | null;
}

function heldLockOf(error: unknown): HeldLock {
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  const expiresAt = Number(item?.[A.expiresAt]?.N);
  return {
    owner: item?.[A.owner]?.S ?? null,
    workflow: item?.[A.workflow]?.S ?? null,
    lockedUntil: Number.isFinite(expiresAt) ? new Date(expiresAt * 1000).toISOString() : null,
  };
}

/** The holder is a run's execution ARN and its workflow's name: safe to show. */
function accountBusy(accountId: string, requestedBy: string, workflow: LockWorkflow, held: HeldLock): OnboardingError {
  const holder = held.owner === null ? 'another run' : `the ${held.workflow ?? 'unknown'} run ${held.owner}`;
  const until = held.lockedUntil === null ? '' : ` until ${held.lockedUntil} at the latest`;
  return new OnboardingError(
    ErrorCode.ACCOUNT_BUSY,
    `Account ${accountId} is busy: ${holder} holds its lock${until}. This ${workflow} run leaves the account alone; start it again once that run has ended.`,
    { details: { accountId, workflow, requestedBy, heldBy: held.owner, heldByWorkflow: held.workflow, lockedUntil: held.lockedUntil } },
  );
}

function lockFailure(error: unknown, operation: string, tableName: string): OnboardingError {
  const transient = awsUnavailable(error, operation);
  if (transient) return transient;
  const awsError = describeAwsError(error);
  if (isAwsError(error, 'ResourceNotFoundException')) {
    return new OnboardingError(ErrorCode.CONFIG_INVALID, `${operation} failed: the account lock table ${tableName} does not exist (${awsError}).`, {
      details: { tableName, awsError },
    });
  }
  return new OnboardingError(ErrorCode.INTERNAL, `${operation} failed: ${awsError}.`, { details: { tableName, awsError } });
}
