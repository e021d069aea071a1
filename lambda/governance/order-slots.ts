import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ErrorCode } from '../contract/error-codes.js';
import { OnboardingError } from '../shared/errors.js';
import { isAwsError } from '../shared/ownership.js';
import { governanceTableFailure } from './table-failure.js';
import type { GovernanceRuntime, GovernanceTable } from './types.js';

/**
 * At most `slots` Director orders in flight across the product (`director.maxConcurrentOrders`):
 * a semaphore of leases, one DynamoDB item per slot (`<keyPrefix><i>`, i < slots). A run takes a
 * slot with a conditional PutItem that only succeeds on a free slot (none there, or its lease has
 * run out), and gives it back with a DeleteItem conditioned on being its owner. A lease that runs
 * out frees its slot by itself: a run that ended without releasing blocks nobody for long. The
 * condition, not DynamoDB's TTL deletion (which comes days later), decides what is free.
 *
 * Item: `<keyAttribute> = <keyPrefix><i>` (S), `owner` (S, e.g. the execution ARN), `acquiredAt`
 * (S, ISO-8601), `expiresAt` (N, epoch seconds after which the slot counts as free: the same
 * attribute as the account lock's, so that table's TTL also clears forgotten leases).
 */

export interface OrderSlotsOptions extends GovernanceTable {
  /** e.g. `director-order-slot-`. */
  keyPrefix: string;
  /** How many orders may be in flight at once. */
  slots: number;
}

export interface OrderSlotLease {
  slot: number;
  owner: string;
  /** ISO-8601: when the slot counts as free unless the owner releases or renews it first. */
  expiresAt: string;
}

/** `not-held`: the owner held no slot (already released, or its lease ran out and another run took it). */
export type OrderSlotRelease = 'released' | 'not-held';

/** The most slots one semaphore may have: taking one reads every slot. */
const MAX_SLOTS = 100;
const Attribute = { owner: 'owner', acquiredAt: 'acquiredAt', expiresAt: 'expiresAt' } as const;

/** A slot as read: its owner and lease end (epoch seconds); undefined lease end: an item this code did not write, free. */
interface SlotHolder {
  owner: string | undefined;
  expiresAt: number | undefined;
}

export class DirectorOrderSlots {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly options: OrderSlotsOptions,
    private readonly runtime: Pick<GovernanceRuntime, 'now' | 'random'>,
  ) {
    if (!(Number.isInteger(options.slots) && options.slots >= 1 && options.slots <= MAX_SLOTS)) {
      throw new OnboardingError(ErrorCode.CONFIG_INVALID, `director.maxConcurrentOrders must be a whole number from 1 to ${MAX_SLOTS}, got ${options.slots}`);
    }
  }

  /**
   * A slot for `owner` for `leaseSeconds` from now. The slot it already holds, if any, is renewed
   * (a Retry of the same step must neither lock itself out nor take a second slot). Every slot
   * held: DIRECTOR_ORDER_SLOTS_FULL, saying when the first lease runs out at the latest.
   * Throttling or a DynamoDB fault: AWS_UNAVAILABLE.
   */
  async acquire(owner: string, leaseSeconds: number): Promise<OrderSlotLease> {
    if (owner.trim() === '') throw new OnboardingError(ErrorCode.INVALID_INPUT, 'A Director order slot needs an owner.');
    if (!(Number.isInteger(leaseSeconds) && leaseSeconds >= 1)) {
      throw new OnboardingError(ErrorCode.INVALID_INPUT, `A Director order slot needs a whole positive number of seconds to last, got ${leaseSeconds}.`);
    }
    const holders = await this.readAll();
    const nowSeconds = Math.floor(this.runtime.now() / 1000);
    const lease = { owner, acquiredAt: new Date(this.runtime.now()).toISOString(), expiresAt: nowSeconds + leaseSeconds };
    const own = holders.findIndex((holder) => holder?.owner === owner);
    if (own >= 0 && (await this.put(own, lease, '#owner = :owner', { '#owner': Attribute.owner }, { ':owner': { S: owner } }))) return leaseOf(own, lease);
    // Starting at a random slot spreads runs that look at the same moment over different slots.
    const start = Math.floor(this.runtime.random() * this.options.slots);
    for (let step = 0; step < this.options.slots; step += 1) {
      const slot = (start + step) % this.options.slots;
      if (!isFree(holders[slot], nowSeconds)) continue;
      const taken = await this.put(
        slot,
        lease,
        'attribute_not_exists(#key) OR attribute_not_exists(#expiresAt) OR #expiresAt < :now',
        { '#key': this.options.keyAttribute, '#expiresAt': Attribute.expiresAt },
        { ':now': { N: String(nowSeconds) } },
      );
      if (taken) return leaseOf(slot, lease);
    }
    throw this.full(owner, holders);
  }

  /** Gives back every slot `owner` holds; a slot another run took over after the lease ran out stays with it. */
  async release(owner: string): Promise<OrderSlotRelease> {
    const holders = await this.readAll();
    let released = 0;
    for (const [slot, holder] of holders.entries()) {
      if (holder?.owner !== owner) continue;
      try {
        await this.dynamo.send(
          new DeleteItemCommand({
            TableName: this.options.tableName,
            Key: this.key(slot),
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': Attribute.owner },
            ExpressionAttributeValues: { ':owner': { S: owner } },
          }),
        );
        released += 1;
      } catch (error) {
        if (!isAwsError(error, 'ConditionalCheckFailedException'))
          throw governanceTableFailure(error, `Releasing Director order slot ${slot}`, this.options.tableName);
      }
    }
    return released > 0 ? 'released' : 'not-held';
  }

  private key(slot: number): Record<string, AttributeValue> {
    return { [this.options.keyAttribute]: { S: `${this.options.keyPrefix}${slot}` } };
  }

  /** Every slot, strongly consistent: undefined where no item is. */
  private async readAll(): Promise<Array<SlotHolder | undefined>> {
    const { tableName } = this.options;
    const reads = Array.from({ length: this.options.slots }, async (_, slot) => {
      try {
        const { Item: item } = await this.dynamo.send(new GetItemCommand({ TableName: tableName, Key: this.key(slot), ConsistentRead: true }));
        if (item === undefined) return undefined;
        const expiresAt = Number(item[Attribute.expiresAt]?.N);
        return { owner: item[Attribute.owner]?.S, expiresAt: Number.isFinite(expiresAt) ? expiresAt : undefined };
      } catch (error) {
        throw governanceTableFailure(error, `Reading Director order slot ${slot}`, tableName);
      }
    });
    return Promise.all(reads);
  }

  /** True when written; false when the condition refused (another run holds the slot now). */
  private async put(
    slot: number,
    lease: { owner: string; acquiredAt: string; expiresAt: number },
    condition: string,
    names: Record<string, string>,
    values: Record<string, AttributeValue>,
  ): Promise<boolean> {
    try {
      await this.dynamo.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: {
            ...this.key(slot),
            [Attribute.owner]: { S: lease.owner },
            [Attribute.acquiredAt]: { S: lease.acquiredAt },
            [Attribute.expiresAt]: { N: String(lease.expiresAt) },
          },
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return false;
      throw governanceTableFailure(error, `Taking Director order slot ${slot}`, this.options.tableName);
    }
  }

  private full(owner: string, holders: ReadonlyArray<SlotHolder | undefined>): OnboardingError {
    const ends = holders.flatMap((holder) => (holder?.expiresAt === undefined ? [] : [holder.expiresAt]));
    // A slot another run took while this one looked holds a fresh lease: the earliest end read is the best guess.
    const freeBy = ends.length === 0 ? null : new Date((Math.min(...ends) + 1) * 1000).toISOString();
    const { slots } = this.options;
    return new OnboardingError(
      ErrorCode.DIRECTOR_ORDER_SLOTS_FULL,
      `All ${slots} Director order slots (director.maxConcurrentOrders) are held by other runs${freeBy === null ? '' : `; the first lease runs out by ${freeBy}`}. Nothing was sent to Director; the step waits its turn.`,
      { details: { maxConcurrentOrders: slots, owner, freeBy } },
    );
  }
}

function isFree(holder: SlotHolder | undefined, nowSeconds: number): boolean {
  return holder === undefined || holder.expiresAt === undefined || holder.expiresAt < nowSeconds;
}

function leaseOf(slot: number, lease: { owner: string; expiresAt: number }): OrderSlotLease {
  return { slot, owner: lease.owner, expiresAt: new Date(lease.expiresAt * 1000).toISOString() };
}
