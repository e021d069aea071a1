import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ErrorCode } from '../contract/error-codes.js';
import { DirectorUnavailableError } from '../director/errors.js';
import type { DirectorRequestBudget } from '../director/request-budget.js';
import { fullJitterBackoff } from '../shared/backoff.js';
import { OnboardingError } from '../shared/errors.js';
import { isAwsError } from '../shared/ownership.js';
import { governanceTableFailure } from './table-failure.js';
import { reserveToken, type BucketLimits, type BucketState } from './token-bucket-state.js';
import type { GovernanceRuntime, GovernanceTable } from './types.js';

/**
 * The budget of Director requests per second that every Director caller of the product shares
 * (all functions of all executions), kept in one DynamoDB item (see token-bucket-state.ts for
 * the arithmetic). Taking a turn reads the item (strongly consistent), computes the new level
 * and writes it back with a PutItem conditioned on the version it read: of callers that read the
 * same version, one write wins and the others read again after a short full-jitter pause. Then
 * the caller sleeps until its turn, which it knows before it writes: a turn that would come after
 * the caller's deadline is not taken, the call fails at once with DIRECTOR_UNAVAILABLE.
 *
 * Item: `<keyAttribute> = itemKey` (S), `tokens` (N, may be negative), `refilledAt` (N, epoch ms),
 * `version` (N, +1 per write). It has no `expiresAt`, so a table TTL on that attribute leaves it alone.
 */

export interface TokenBucketOptions extends GovernanceTable, BucketLimits {
  /** The item's partition key value, e.g. `director-budget`. */
  itemKey: string;
}

const Attribute = { tokens: 'tokens', refilledAt: 'refilledAt', version: 'version' } as const;
/** Pause before reading again after a lost write: full jitter below 10, 20, 40 … 250 ms. */
const CONFLICT_BACKOFF = { initialMs: 10, capMs: 250 } as const;

interface StoredBucket {
  /** The item's `version` exactly as read (any type); undefined: no item, or one without a version. */
  version: AttributeValue | undefined;
  exists: boolean;
  /** Undefined for a new bucket; an item this code cannot read counts as an empty bucket. */
  state: BucketState | undefined;
}

export class TokenBucket implements DirectorRequestBudget {
  private readonly limits: BucketLimits;

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly options: TokenBucketOptions,
    private readonly runtime: GovernanceRuntime,
  ) {
    const { ratePerSecond, burst, itemKey, keyAttribute, tableName } = options;
    if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0))
      throw configInvalid(`director.maxRequestsPerSecond must be a number above 0, got ${ratePerSecond}`);
    if (!(Number.isInteger(burst) && burst >= 1)) throw configInvalid(`The Director request burst must be a whole number of at least 1, got ${burst}`);
    if ([itemKey, keyAttribute, tableName].some((text) => text.trim() === ''))
      throw configInvalid('The Director request budget needs a table, a key attribute and an item key');
    this.limits = { ratePerSecond, burst };
  }

  /** Waits for this caller's turn; DIRECTOR_UNAVAILABLE when it would come after `deadlineMs` (nothing is taken then). */
  async acquire({ deadlineMs }: { deadlineMs: number }): Promise<void> {
    for (let conflicts = 0; ; conflicts += 1) {
      const stored = await this.read();
      const nowMs = this.runtime.now();
      const { next, dueAt } = reserveToken(stored.state, nowMs, this.limits);
      if (dueAt > deadlineMs) {
        throw this.exhausted('the next turn comes after this call’s time budget ends', { waitMs: Math.ceil(dueAt - nowMs), remainingMs: deadlineMs - nowMs });
      }
      if (await this.write(next, stored)) {
        const waitMs = Math.ceil(dueAt - this.runtime.now());
        if (waitMs > 0) await this.runtime.sleep(waitMs);
        return;
      }
      const pauseMs = fullJitterBackoff(CONFLICT_BACKOFF.initialMs, conflicts, CONFLICT_BACKOFF.capMs, this.runtime.random);
      if (this.runtime.now() + pauseMs > deadlineMs) {
        throw this.exhausted('other callers kept winning the budget’s item until this call’s time budget ended', { conflicts: conflicts + 1 });
      }
      await this.runtime.sleep(pauseMs);
    }
  }

  private async read(): Promise<StoredBucket> {
    const { tableName, keyAttribute, itemKey } = this.options;
    let item: Record<string, AttributeValue> | undefined;
    try {
      ({ Item: item } = await this.dynamo.send(new GetItemCommand({ TableName: tableName, Key: { [keyAttribute]: { S: itemKey } }, ConsistentRead: true })));
    } catch (error) {
      throw governanceTableFailure(error, `Reading Director's request budget ${itemKey}`, tableName);
    }
    if (item === undefined) return { exists: false, version: undefined, state: undefined };
    const tokens = Number(item[Attribute.tokens]?.N);
    const refilledAt = Number(item[Attribute.refilledAt]?.N);
    const readable = Number.isFinite(tokens) && Number.isFinite(refilledAt);
    // An item this code did not write is overwritten as an empty bucket (one turn per 1/rate), never trusted.
    return { exists: true, version: item[Attribute.version], state: readable ? { tokens, refilledAt } : { tokens: 0, refilledAt: this.runtime.now() } };
  }

  /** True when written; false when another caller wrote since `stored` was read. */
  private async write(next: BucketState, stored: StoredBucket): Promise<boolean> {
    const { tableName, keyAttribute, itemKey } = this.options;
    const previous = Number(stored.version?.N);
    const version = (Number.isInteger(previous) ? previous : 0) + 1;
    const condition: Pick<PutItemCommand['input'], 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> = !stored.exists
      ? { ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': keyAttribute } }
      : stored.version === undefined
        ? {
            ConditionExpression: 'attribute_exists(#key) AND attribute_not_exists(#version)',
            ExpressionAttributeNames: { '#key': keyAttribute, '#version': Attribute.version },
          }
        : {
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': Attribute.version },
            ExpressionAttributeValues: { ':version': stored.version },
          };
    try {
      await this.dynamo.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            [keyAttribute]: { S: itemKey },
            [Attribute.tokens]: { N: String(next.tokens) },
            [Attribute.refilledAt]: { N: String(next.refilledAt) },
            [Attribute.version]: { N: String(version) },
          },
          ...condition,
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return false;
      throw governanceTableFailure(error, `Taking a turn from Director's request budget ${itemKey}`, tableName);
    }
  }

  private exhausted(reason: string, facts: Record<string, number>): DirectorUnavailableError {
    const { ratePerSecond, burst } = this.limits;
    return new DirectorUnavailableError(
      `Director's shared request budget (${ratePerSecond} requests/s) has no turn for this call: ${reason}; nothing was sent`,
      {
        extra: { budget: this.options.itemKey, maxRequestsPerSecond: ratePerSecond, burst, ...facts },
      },
    );
  }
}

function configInvalid(message: string): OnboardingError {
  return new OnboardingError(ErrorCode.CONFIG_INVALID, message);
}
