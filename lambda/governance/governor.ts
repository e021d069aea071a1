import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AccountLockAttribute } from '../contract/account-lock.js';
import { DirectorGovernanceKey } from '../contract/director-governance.js';
import { DirectorOrderSlots } from './order-slots.js';
import { TokenBucket } from './token-bucket.js';
import type { GovernanceRuntime } from './types.js';

/**
 * Director rate governance: one budget that every Director caller of the product respects
 * together, whichever function and execution it runs in. `requests` goes into the Director
 * client (`DirectorClientOptions.budget`), which takes a turn before every HTTP attempt;
 * `orders` is taken around an order's life by the steps that write (see order-slots.ts).
 */

export interface DirectorGovernanceSettings {
  /** The table that holds the budget's items (the account lock table). */
  tableName: string;
  /** Its partition key attribute (type S). @default 'accountId', the account lock table's */
  keyAttribute?: string;
  /** `director.maxRequestsPerSecond`: requests per second to Director, all callers together. */
  maxRequestsPerSecond: number;
  /**
   * Requests that may go at once after a quiet spell. @default 1: no one-second window then holds
   * more than maxRequestsPerSecond requests, which a Director limiting a sliding window needs.
   */
  burst?: number;
  /** `director.maxConcurrentOrders`: Director orders in flight, all callers together. */
  maxConcurrentOrders: number;
}

export interface DirectorGovernor {
  requests: TokenBucket;
  orders: DirectorOrderSlots;
}

const DEFAULT_RUNTIME: GovernanceRuntime = {
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * The request budget alone, for a Director client (`DirectorClientOptions.budget`): what every
 * Director-calling function builds when `director.maxRequestsPerSecond` is set.
 */
export function createDirectorRequestBudget(
  dynamo: DynamoDBClient,
  settings: Pick<DirectorGovernanceSettings, 'tableName' | 'keyAttribute' | 'maxRequestsPerSecond' | 'burst'>,
  runtime: Partial<GovernanceRuntime> = {},
): TokenBucket {
  return new TokenBucket(
    dynamo,
    {
      tableName: settings.tableName,
      keyAttribute: settings.keyAttribute ?? AccountLockAttribute.accountId,
      itemKey: DirectorGovernanceKey.requestBudget,
      ratePerSecond: settings.maxRequestsPerSecond,
      burst: settings.burst ?? 1,
    },
    { ...DEFAULT_RUNTIME, ...runtime },
  );
}

/**
 * The order slots alone: what every function that writes log sources, or settles their orders,
 * builds when `director.maxConcurrentOrders` is set.
 */
export function createDirectorOrderSlots(
  dynamo: DynamoDBClient,
  settings: Pick<DirectorGovernanceSettings, 'tableName' | 'keyAttribute' | 'maxConcurrentOrders'>,
  runtime: Partial<GovernanceRuntime> = {},
): DirectorOrderSlots {
  const table = { tableName: settings.tableName, keyAttribute: settings.keyAttribute ?? AccountLockAttribute.accountId };
  return new DirectorOrderSlots(
    dynamo,
    { ...table, keyPrefix: DirectorGovernanceKey.orderSlotPrefix, slots: settings.maxConcurrentOrders },
    { ...DEFAULT_RUNTIME, ...runtime },
  );
}

/** The governor over `settings.tableName`; CONFIG_INVALID for a budget that cannot work. */
export function createDirectorGovernor(
  dynamo: DynamoDBClient,
  settings: DirectorGovernanceSettings,
  runtime: Partial<GovernanceRuntime> = {},
): DirectorGovernor {
  const clock = { ...DEFAULT_RUNTIME, ...runtime };
  const table = { tableName: settings.tableName, keyAttribute: settings.keyAttribute ?? AccountLockAttribute.accountId };
  return {
    requests: new TokenBucket(
      dynamo,
      { ...table, itemKey: DirectorGovernanceKey.requestBudget, ratePerSecond: settings.maxRequestsPerSecond, burst: settings.burst ?? 1 },
      clock,
    ),
    orders: new DirectorOrderSlots(dynamo, { ...table, keyPrefix: DirectorGovernanceKey.orderSlotPrefix, slots: settings.maxConcurrentOrders }, clock),
  };
}
