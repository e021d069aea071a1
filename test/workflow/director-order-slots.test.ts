import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, startSandbox, type Sandbox } from '../../local/sandbox/environment.js';
import { fleetAccountIds } from '../../local/sandbox/fleet-scenario.js';
import type { FleetSummary } from '../../lambda/fleet/workflow-contract.js';

/**
 * director.maxConcurrentOrders across executions: the writing steps take an order slot before
 * they send, the step that sees the order settle gives it back, and a run that finds every slot
 * held waits in its step's Retry (DIRECTOR_ORDER_SLOTS_FULL) instead of sending. Failures give
 * their slot back too.
 */

const ACCOUNTS = fleetAccountIds(3);
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function start(config: Record<string, unknown>): Promise<Sandbox> {
  sandbox = await startSandbox({
    waitMs: 20,
    trail: { layout: 'account', accountIds: ACCOUNTS, objectsPerAccount: 1 },
    organization: { organizationId: SANDBOX_ORGANIZATION_ID, managementAccountId: SANDBOX_ACCOUNT_ID, accounts: ACCOUNTS.map((id) => ({ id })) },
    config,
  });
  return sandbox;
}

async function heldSlots(box: Sandbox): Promise<string[]> {
  const items = await box.aws.fakes.dynamo.items(box.aws.accountLockTable);
  const now = Math.floor(Date.now() / 1000);
  return items
    .filter((item) => item.accountId?.S?.startsWith('director-order-slot-') && Number(item.expiresAt?.N) > now && item.owner?.S !== undefined)
    .map((item) => item.accountId?.S ?? '');
}

describe('Director order slots', () => {
  it('lets one order at a time through with one slot: the others wait in RegisterLogSource, all are onboarded, and no slot stays held', async () => {
    const box = await start({ director: { maxConcurrentOrders: 1 }, fleet: { maxConcurrency: 3 } });
    box.director.faults.setLatency(50);

    const fleet = await box.fleet({});

    expect((fleet.output as FleetSummary).succeeded).toBe(3);
    expect(await heldSlots(box)).toEqual([]);
    // Each account gave the one slot back once; the looks (and the conditional puts two runs raced for) beyond one per account were runs kept waiting.
    const slotCalls = (operation: string) =>
      box.awsCallRecords().filter((record) => {
        const key = (record.input.Key ?? record.input.Item) as { accountId?: { S?: string } } | undefined;
        return record.operation === operation && key?.accountId?.S === 'director-order-slot-0';
      }).length;
    expect(slotCalls('PutItem')).toBeGreaterThanOrEqual(3);
    expect(slotCalls('DeleteItem')).toBe(3);
    expect(slotCalls('GetItem')).toBeGreaterThan(3);
  });

  it('gives the slot back when the order fails, so the next run is not kept waiting', async () => {
    const box = await start({ director: { maxConcurrentOrders: 1 } });
    box.director.faults.failOrders(1, { validationErrors: { 'config.Source.charset': ['Unknown charset.'] } });

    const failed = await box.run({ accountId: ACCOUNTS[0], trigger: 'test' });
    const next = await box.run({ accountId: ACCOUNTS[1], trigger: 'test' });

    expect(failed.error?.code).toBe('DIRECTOR_ORDER_FAILED');
    expect(next.status).toBe('SUCCEEDED');
    expect(await heldSlots(box)).toEqual([]);
  });

  it('holds a slot for an offboarding DELETE and a rotation edit, and gives both back', async () => {
    const box = await start({ director: { maxConcurrentOrders: 1 } });
    await box.run({ accountId: ACCOUNTS[0], trigger: 'test' });
    await box.run({ accountId: ACCOUNTS[1], trigger: 'test' });

    expect((await box.rotate(ACCOUNTS[0] ?? '')).status).toBe('SUCCEEDED');
    expect((await box.offboard({ accountId: ACCOUNTS[1], reason: 'manual', trigger: 'test' })).status).toBe('SUCCEEDED');

    expect(await heldSlots(box)).toEqual([]);
    expect(box.awsCalls().filter((call) => call === 'DynamoDB.DeleteItem').length).toBeGreaterThanOrEqual(4);
  });

  it('fails a run that finds every slot held for good with DIRECTOR_ORDER_SLOTS_FULL, sending nothing, after waiting in its Retry', async () => {
    const box = await start({ director: { maxConcurrentOrders: 1 } });
    // Another product run holds the only slot for the next hour.
    const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
    await box.aws.dynamo.send(
      new PutItemCommand({
        TableName: box.aws.accountLockTable,
        Item: {
          accountId: { S: 'director-order-slot-0' },
          owner: { S: '999999999999' },
          acquiredAt: { S: new Date().toISOString() },
          expiresAt: { N: String(Math.floor(Date.now() / 1000) + 3600) },
        },
      }),
    );
    const writesBefore = box.director.operations.length;

    const result = await box.run({ accountId: ACCOUNTS[0], trigger: 'test' });

    expect(result.error?.code).toBe('DIRECTOR_ORDER_SLOTS_FULL');
    expect(result.events.filter((event) => event.kind === 'retried' && event.state === 'RegisterLogSource').length).toBeGreaterThan(5);
    expect(box.director.operations.length).toBe(writesBefore);
    expect(box.aws.summary().users).toEqual([]);
  });
});
