import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { createDirectorGovernor } from '../../../lambda/governance/governor.js';
import { SimulatedClock } from '../../../local/simulated-clock.js';
import { T0, TABLE, useGovernanceTable } from './support.js';

const table = useGovernanceTable();

describe('createDirectorGovernor', () => {
  it('keeps the request budget and the order slots as items of the given table, keyed by accountId by default', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const governor = createDirectorGovernor(
      table().client,
      { tableName: TABLE, maxRequestsPerSecond: 5, maxConcurrentOrders: 3 },
      { ...clock, random: () => 0 },
    );

    // Act
    await clock.run(async () => {
      await governor.requests.acquire({ deadlineMs: T0 + 1_000 });
      await governor.orders.acquire('owner', 60);
    });

    // Assess
    expect((await table().items(TABLE)).map((item) => item.accountId?.S)).toEqual(['director-budget', 'director-order-slot-0']);
  });

  it('defaults to a burst of one: the second request in a row waits one interval (1/maxRequestsPerSecond)', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const governor = createDirectorGovernor(
      table().client,
      { tableName: TABLE, maxRequestsPerSecond: 5, maxConcurrentOrders: 1 },
      { ...clock, random: () => 0 },
    );

    // Act
    await clock.run(async () => {
      await governor.requests.acquire({ deadlineMs: T0 + 1_000 });
      await governor.requests.acquire({ deadlineMs: T0 + 1_000 });
    });

    // Assess
    expect(clock.now()).toBe(T0 + 200);
  });

  it('refuses a budget that cannot work with CONFIG_INVALID', () => {
    // Act
    const build = () => createDirectorGovernor(table().client, { tableName: TABLE, maxRequestsPerSecond: -1, maxConcurrentOrders: 3 });

    // Assess
    expect(build).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_INVALID }));
  });
});
