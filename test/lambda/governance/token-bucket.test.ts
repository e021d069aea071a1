import { ConditionalCheckFailedException, ProvisionedThroughputExceededException, PutItemCommand, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { DirectorUnavailableError } from '../../../lambda/director/errors.js';
import { TokenBucket, type TokenBucketOptions } from '../../../lambda/governance/token-bucket.js';
import { SimulatedClock, seededRandom } from '../../../local/simulated-clock.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { KEY_ATTRIBUTE, T0, TABLE, inputsSent, useGovernanceTable } from './support.js';

const ITEM_KEY = 'director-budget';
const table = useGovernanceTable();

function bucketOn(clock: SimulatedClock, limits: Partial<TokenBucketOptions> = {}, seed = 1): TokenBucket {
  const options = { tableName: TABLE, keyAttribute: KEY_ATTRIBUTE, itemKey: ITEM_KEY, ratePerSecond: 4, burst: 1, ...limits };
  return new TokenBucket(table().client, options, { now: clock.now, sleep: clock.sleep, random: seededRandom(seed) });
}

const FAR = Number.MAX_SAFE_INTEGER;
const budgetItem = async () => (await table().items(TABLE)).find((item) => item[KEY_ATTRIBUTE]?.S === ITEM_KEY);

/** When each of `count` turns, taken one after the other, was granted (ms after T0). */
async function grantTimes(clock: SimulatedClock, bucket: TokenBucket, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let turn = 0; turn < count; turn += 1) {
    await bucket.acquire({ deadlineMs: FAR });
    times.push(clock.now() - T0);
  }
  return times;
}

describe('TokenBucket', () => {
  it('lets a new bucket’s burst go at once, then one request per 1/rate', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const bucket = bucketOn(clock, { ratePerSecond: 4, burst: 3 });

    // Act
    const times = await clock.run(() => grantTimes(clock, bucket, 5));

    // Assess
    expect(times).toEqual([0, 0, 0, 250, 500]);
    // The fifth asked at 250 ms, when the fourth's turn had come: it holds the turn at 500 ms.
    expect(await budgetItem()).toEqual({ accountId: { S: ITEM_KEY }, tokens: { N: '-1' }, refilledAt: { N: String(T0 + 250) }, version: { N: '5' } });
  });

  it('refills by the time that passed, but never above the burst', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const bucket = bucketOn(clock, { ratePerSecond: 2, burst: 2 });
    await clock.run(() => grantTimes(clock, bucket, 2));

    // Act: ten quiet seconds refill at most two tokens.
    const times = await clock.run(async () => {
      await clock.sleep(10_000);
      return grantTimes(clock, bucket, 3);
    });

    // Assess
    expect(times).toEqual([10_000, 10_000, 10_500]);
  });

  it('never lets callers contending on one clock take more than burst + rate·t turns in any t seconds, and serves them at the full rate', async () => {
    // Prepare: 40 callers that each want 5 turns, all starting at the same instant.
    const clock = new SimulatedClock(T0);
    const rate = 10;
    const burst = 5;
    const callers = Array.from({ length: 40 }, (_, index) => bucketOn(clock, { ratePerSecond: rate, burst }, index + 1));

    // Act
    const times = (await clock.run(() => Promise.all(callers.map((bucket) => grantTimes(clock, bucket, 5))))).flat().sort((a, b) => a - b);

    // Assess: every window [times[i], times[j]] holds j − i + 1 turns.
    for (let i = 0; i < times.length; i += 1) {
      for (let j = i; j < times.length; j += 1) {
        expect(j - i + 1).toBeLessThanOrEqual(burst + (rate * ((times[j] as number) - (times[i] as number))) / 1000);
      }
    }
    expect(times).toHaveLength(200);
    // The last of 200 turns: (200 − burst) / rate seconds, plus at most the conflict pauses.
    expect(times.at(-1)).toBeGreaterThanOrEqual(19_500);
    expect(times.at(-1)).toBeLessThan(20_500);
    // Contention was real: some writes lost to a concurrent one and were retried.
    expect(inputsSent('PutItem').length).toBeGreaterThan(200);
  });

  it('refuses at once with DIRECTOR_UNAVAILABLE a turn that would come after the deadline, taking nothing and sleeping not at all', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const bucket = bucketOn(clock, { ratePerSecond: 1, burst: 1 });
    await clock.run(() => bucket.acquire({ deadlineMs: FAR }));
    const before = await budgetItem();

    // Act
    const error = await clock.run(() => onboardingErrorOf(bucket.acquire({ deadlineMs: T0 + 500 })));

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error.code).toBe(ErrorCode.DIRECTOR_UNAVAILABLE);
    expect(error.details).toMatchObject({ budget: ITEM_KEY, maxRequestsPerSecond: 1, waitMs: 1000, remainingMs: 500 });
    expect(error.message).toContain('nothing was sent');
    expect(clock.now()).toBe(T0);
    expect(await budgetItem()).toEqual(before);
  });

  it('grants a turn that comes exactly at the deadline', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const bucket = bucketOn(clock, { ratePerSecond: 1, burst: 1 });
    await clock.run(() => bucket.acquire({ deadlineMs: FAR }));

    // Act
    await clock.run(() => bucket.acquire({ deadlineMs: T0 + 1000 }));

    // Assess
    expect(clock.now()).toBe(T0 + 1000);
  });

  it('retries a write that lost to a concurrent one: two callers that read the same version both get their turn, and the item counts both', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const first = bucketOn(clock, { burst: 2 }, 1);
    const second = bucketOn(clock, { burst: 2 }, 2);

    // Act: both read the empty table before either writes.
    await clock.run(() => Promise.all([first.acquire({ deadlineMs: FAR }), second.acquire({ deadlineMs: FAR })]));

    // Assess
    expect(inputsSent('PutItem')).toHaveLength(3);
    expect((await budgetItem())?.version).toEqual({ N: '2' });
    // Both tokens of the burst are gone; all that is left is what the loser's short pause refilled.
    expect(Number((await budgetItem())?.tokens?.N)).toBeCloseTo(((clock.now() - T0) * 4) / 1000, 9);
  });

  it('gives up with DIRECTOR_UNAVAILABLE when lost writes last until the deadline', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const bucket = bucketOn(clock, { burst: 10 });
    table().failNext('PutItem', () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }), 100);

    // Act
    const error = await clock.run(() => onboardingErrorOf(bucket.acquire({ deadlineMs: T0 + 1_000 })));

    // Assess
    expect(error).toBeInstanceOf(DirectorUnavailableError);
    expect(error.details.conflicts).toBeGreaterThan(1);
    expect(clock.now()).toBeLessThanOrEqual(T0 + 1_000);
  });

  it.each([
    ['GetItem', () => new ProvisionedThroughputExceededException({ message: 'Throughput exceeds the current capacity', $metadata: {} })],
    ['PutItem', () => new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput', $metadata: {} })],
  ] as const)('fails with AWS_UNAVAILABLE when DynamoDB throttles its %s', async (command, fault) => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const bucket = bucketOn(clock);
    table().failNext(command, fault);

    // Act
    const error = await clock.run(() => onboardingErrorOf(bucket.acquire({ deadlineMs: FAR })));

    // Assess
    expect(error.code).toBe(ErrorCode.AWS_UNAVAILABLE);
    expect(error.transient).toBe(true);
  });

  it('fails with CONFIG_INVALID naming the table when it does not exist', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const bucket = new TokenBucket(
      table().client,
      { tableName: 'NoSuchTable', keyAttribute: KEY_ATTRIBUTE, itemKey: ITEM_KEY, ratePerSecond: 1, burst: 1 },
      { now: clock.now, sleep: clock.sleep, random: () => 0 },
    );

    // Act
    const error = await clock.run(() => onboardingErrorOf(bucket.acquire({ deadlineMs: FAR })));

    // Assess
    expect(error.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(error.message).toContain('NoSuchTable');
  });

  it('overwrites an item it did not write as an empty bucket: the caller waits one interval, nothing fails', async () => {
    // Prepare
    const clock = new SimulatedClock(T0);
    const bucket = bucketOn(clock, { ratePerSecond: 4, burst: 4 });
    await table().client.send(new PutItemCommand({ TableName: TABLE, Item: { [KEY_ATTRIBUTE]: { S: ITEM_KEY }, tokens: { S: 'many' } } }));

    // Act
    await clock.run(() => bucket.acquire({ deadlineMs: FAR }));

    // Assess
    expect(clock.now()).toBe(T0 + 250);
    expect(await budgetItem()).toMatchObject({ tokens: { N: '-1' }, version: { N: '1' } });
    expect(inputsSent('GetItem')[0]).toMatchObject({ ConsistentRead: true });
  });

  it.each([
    ['a rate of 0', { ratePerSecond: 0 }],
    ['a fractional burst', { burst: 1.5 }],
    ['an empty item key', { itemKey: ' ' }],
  ])('refuses %s with CONFIG_INVALID', (_label, limits) => {
    // Act
    const build = () => bucketOn(new SimulatedClock(T0), limits);

    // Assess
    expect(build).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_INVALID }));
  });
});
