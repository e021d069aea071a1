import { InternalServerError } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { holdingOrderSlot, releaseOrderSlot, takeOrderSlot } from '../../../lambda/governance/order-slot-use.js';
import type { RuntimeSettings } from '../../../lambda/contract/runtime-settings.js';
import { TABLE, useGovernanceTable } from './support.js';

/**
 * How the writing steps use director.maxConcurrentOrders: nothing at all without the setting; a
 * lease past the order deadline with it; and around a write that fails, the write's own error is
 * what comes out, even when giving the slot back fails too (the lease frees it later).
 */

const table = useGovernanceTable();
const polling = { initialWaitSeconds: 2, maxWaitSeconds: 60, deadlineSeconds: 1800, settleSeconds: 120 };
const deps = (maxConcurrentOrders?: number) => ({
  settings: { director: { maxConcurrentOrders }, orderPolling: polling } as unknown as Pick<RuntimeSettings, 'director' | 'orderPolling'>,
  dynamo: table().client,
  accountLockTable: TABLE,
});
const slotItems = async () => (await table().items(TABLE)).filter((item) => item.accountId?.S?.startsWith('director-order-slot-'));

describe('order slot use', () => {
  it('does nothing without director.maxConcurrentOrders, and needs the lock table with it', async () => {
    await takeOrderSlot(deps(), '111122223333');
    expect(await slotItems()).toEqual([]);

    await expect(takeOrderSlot({ ...deps(1), accountLockTable: null }, '111122223333')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('leases a slot past the order deadline and settle time, and gives it back', async () => {
    const before = Math.floor(Date.now() / 1000);
    await takeOrderSlot(deps(2), '111122223333');

    const [slot] = await slotItems();
    expect(Number(slot?.expiresAt?.N) - before).toBeGreaterThanOrEqual(1800 + 120 + 300 - 1);
    await releaseOrderSlot(deps(2), '111122223333');
    expect(await slotItems()).toEqual([]);
  });

  it("reports the work's own error when giving the slot back fails as well", async () => {
    const failing = holdingOrderSlot(deps(1), '111122223333', () => {
      table().failNext('GetItem', () => new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } }));
      return Promise.reject(new Error('the Director edit failed'));
    });

    await expect(failing).rejects.toThrow('the Director edit failed');
  });
});
