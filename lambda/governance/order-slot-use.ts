import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ErrorCode } from '../contract/error-codes.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';
import { OnboardingError } from '../shared/errors.js';
import { createDirectorOrderSlots } from './governor.js';
import type { DirectorOrderSlots } from './order-slots.js';

/**
 * How the steps that write log sources use `director.maxConcurrentOrders`: the write's step takes
 * a slot for the account before it sends anything, the step that sees the order settle gives it
 * back, and so does the failure path. The owner is the subject (account or organization id): the
 * account lock already keeps a second run of the same subject out, and a Retry of the writing step
 * renews the slot it holds instead of taking another. Without the setting, all of this is a no-op.
 */

export interface OrderSlotDependencies {
  settings: Pick<RuntimeSettings, 'director' | 'orderPolling'>;
  dynamo: DynamoDBClient;
  accountLockTable: string | null;
}

/** Past the order deadline, a margin: a run that ended without giving its slot back blocks nobody for longer. */
const LEASE_MARGIN_SECONDS = 300;

function orderSlotsOf(deps: OrderSlotDependencies): DirectorOrderSlots | null {
  const slots = deps.settings.director.maxConcurrentOrders;
  if (slots === undefined) return null;
  if (deps.accountLockTable === null) {
    throw new OnboardingError(
      ErrorCode.CONFIG_INVALID,
      'director.maxConcurrentOrders is set, but this function was deployed without the account lock table that holds the order slots.',
    );
  }
  return createDirectorOrderSlots(deps.dynamo, { tableName: deps.accountLockTable, maxConcurrentOrders: slots });
}

/** A slot for the subject's next order; DIRECTOR_ORDER_SLOTS_FULL (for the step's Retry) when every slot is held. */
export async function takeOrderSlot(deps: OrderSlotDependencies, subject: string): Promise<void> {
  const { deadlineSeconds, settleSeconds } = deps.settings.orderPolling;
  await orderSlotsOf(deps)?.acquire(subject, deadlineSeconds + settleSeconds + LEASE_MARGIN_SECONDS);
}

/** Runs `work` (a write and the wait for its order, in one invocation) holding the subject's slot. */
export async function holdingOrderSlot<T>(deps: OrderSlotDependencies, subject: string, work: () => Promise<T>): Promise<T> {
  await takeOrderSlot(deps, subject);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // The work's own error is the one to report; a slot that cannot be given back now runs out with its lease.
    await releaseOrderSlot(deps, subject).catch(() => undefined);
    throw error;
  }
  await releaseOrderSlot(deps, subject);
  return result;
}

/** Gives the subject's slot back; a slot it no longer holds (released already, or its lease ran out) is fine. */
export async function releaseOrderSlot(deps: OrderSlotDependencies, subject: string): Promise<void> {
  await orderSlotsOf(deps)?.release(subject);
}
