import { InternalServerError, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { DirectorOrderSlots } from '../../../lambda/governance/order-slots.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { KEY_ATTRIBUTE, T0, TABLE, inputsSent, useGovernanceTable } from './support.js';

const table = useGovernanceTable();
const owner = (name: string) => `arn:aws:states:eu-west-1:999988887777:execution:Onboarding:${name}`;
const [FIRST, SECOND, THIRD, FOURTH] = ['first', 'second', 'third', 'fourth'].map(owner) as [string, string, string, string];
const LEASE = 600;

/** Slots over the test's table; time stands at `at()` (ms) whenever they look. */
function slots(count: number, at: () => number = () => T0, random: () => number = () => 0): DirectorOrderSlots {
  return new DirectorOrderSlots(
    table().client,
    { tableName: TABLE, keyAttribute: KEY_ATTRIBUTE, keyPrefix: 'director-order-slot-', slots: count },
    { now: at, random },
  );
}

const holders = async () =>
  (await table().items(TABLE))
    .map((item) => ({ key: item[KEY_ATTRIBUTE]?.S, owner: item.owner?.S }))
    .sort((a, b) => String(a.key).localeCompare(String(b.key)));

describe('DirectorOrderSlots', () => {
  it('takes a free slot for the owner until now + lease, writing the slot item', async () => {
    // Act
    const lease = await slots(2).acquire(FIRST, LEASE);

    // Assess
    expect(lease).toEqual({ slot: 0, owner: FIRST, expiresAt: '2026-03-01T10:10:00.000Z' });
    expect(await table().items(TABLE)).toEqual([
      {
        accountId: { S: 'director-order-slot-0' },
        owner: { S: FIRST },
        acquiredAt: { S: '2026-03-01T10:00:00.000Z' },
        expiresAt: { N: String(T0 / 1000 + LEASE) },
      },
    ]);
  });

  it('lets at most N owners hold a slot, even when they all ask at the same moment; the others get DIRECTOR_ORDER_SLOTS_FULL', async () => {
    // Prepare
    const semaphore = slots(2);

    // Act
    const outcomes = await Promise.allSettled([FIRST, SECOND, THIRD, FOURTH].map((name) => semaphore.acquire(name, LEASE)));

    // Assess
    const granted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [outcome.reason as { code: string; details: Record<string, unknown> }] : [],
    );
    expect(granted).toHaveLength(2);
    expect(refused.map((error) => error.code)).toEqual([ErrorCode.DIRECTOR_ORDER_SLOTS_FULL, ErrorCode.DIRECTOR_ORDER_SLOTS_FULL]);
    expect((await holders()).map((holder) => holder.key)).toEqual(['director-order-slot-0', 'director-order-slot-1']);
  });

  it('says how many slots there are and when the first lease runs out, and that nothing was sent', async () => {
    // Prepare
    await slots(1).acquire(FIRST, LEASE);

    // Act
    const error = await onboardingErrorOf(slots(1).acquire(SECOND, LEASE));

    // Assess
    expect(error.code).toBe(ErrorCode.DIRECTOR_ORDER_SLOTS_FULL);
    expect(error.transient).toBe(true);
    expect(error.details).toEqual({ maxConcurrentOrders: 1, owner: SECOND, freeBy: '2026-03-01T10:10:01.000Z' });
    expect(error.message).toContain('Nothing was sent to Director');
  });

  it('frees the slot of an expired lease for another owner', async () => {
    // Prepare
    await slots(1).acquire(FIRST, LEASE);

    // Act
    const lease = await slots(1, () => T0 + (LEASE + 1) * 1000).acquire(SECOND, LEASE);

    // Assess
    expect(lease.slot).toBe(0);
    expect(await holders()).toEqual([{ key: 'director-order-slot-0', owner: SECOND }]);
  });

  it('keeps a lease to its very last second', async () => {
    // Prepare
    await slots(1).acquire(FIRST, LEASE);

    // Act
    const error = await onboardingErrorOf(slots(1, () => T0 + LEASE * 1000).acquire(SECOND, LEASE));

    // Assess
    expect(error.code).toBe(ErrorCode.DIRECTOR_ORDER_SLOTS_FULL);
  });

  it('gives the same owner the slot it holds again, renewed, instead of a second one', async () => {
    // Prepare: the owner holds slot 1; slot 0 is free.
    await slots(2).acquire(SECOND, LEASE);
    await slots(2).acquire(FIRST, LEASE);
    await slots(2).release(SECOND);

    // Act
    const lease = await slots(2, () => T0 + 60_000).acquire(FIRST, LEASE);

    // Assess
    expect(lease).toEqual({ slot: 1, owner: FIRST, expiresAt: '2026-03-01T10:11:00.000Z' });
    expect(await holders()).toEqual([{ key: 'director-order-slot-1', owner: FIRST }]);
  });

  it('releases only the owner’s slot: another owner’s release changes nothing', async () => {
    // Prepare
    await slots(2).acquire(FIRST, LEASE);
    await slots(2).acquire(SECOND, LEASE);

    // Act
    const byStranger = await slots(2).release(THIRD);
    const byOwner = await slots(2).release(FIRST);
    const again = await slots(2).release(FIRST);

    // Assess
    expect([byStranger, byOwner, again]).toEqual(['not-held', 'released', 'not-held']);
    expect(await holders()).toEqual([{ key: 'director-order-slot-1', owner: SECOND }]);
  });

  it('leaves a slot that another owner took over after the lease ran out with that owner', async () => {
    // Prepare
    await slots(1).acquire(FIRST, LEASE);
    await slots(1, () => T0 + (LEASE + 1) * 1000).acquire(SECOND, LEASE);

    // Act
    const release = await slots(1).release(FIRST);

    // Assess
    expect(release).toBe('not-held');
    expect(await holders()).toEqual([{ key: 'director-order-slot-0', owner: SECOND }]);
  });

  it('starts looking at a random slot, so runs asking at once spread over the slots', async () => {
    // Act
    const lease = await slots(
      4,
      () => T0,
      () => 0.6,
    ).acquire(FIRST, LEASE);

    // Assess
    expect(lease.slot).toBe(2);
    expect(inputsSent('PutItem')).toHaveLength(1);
  });

  it.each([
    ['ThrottlingException', () => new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput', $metadata: {} })],
    ['InternalServerError', () => new InternalServerError({ message: 'Internal server error', $metadata: {} })],
  ])('fails with AWS_UNAVAILABLE when DynamoDB answers %s', async (_name, fault) => {
    // Prepare
    table().failNext('GetItem', fault);

    // Act
    const error = await onboardingErrorOf(slots(2).acquire(FIRST, LEASE));

    // Assess
    expect(error.code).toBe(ErrorCode.AWS_UNAVAILABLE);
  });

  it.each([0, 1.5, -60])('refuses a lease of %s seconds with INVALID_INPUT, taking nothing', async (seconds) => {
    // Act
    const error = await onboardingErrorOf(slots(2).acquire(FIRST, seconds));

    // Assess
    expect(error.code).toBe(ErrorCode.INVALID_INPUT);
    expect(await table().items(TABLE)).toEqual([]);
  });

  it.each([0, 2.5, 101])('refuses maxConcurrentOrders %s with CONFIG_INVALID', (count) => {
    // Act
    const build = () => slots(count);

    // Assess
    expect(build).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_INVALID }));
  });
});
