import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  ResourceNotFoundException,
  ThrottlingException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbSandbox } from '../../../local/aws/dynamodb-sandbox.js';
import { SimulatedClock } from '../../../local/simulated-clock.js';
import { rejectionOf } from '../../support/rejections.js';

const TABLE = 'Locks';
const NUMBERED = 'Numbered';
const key = (id: string) => ({ id: { S: id } });
const item = (id: string, extra: Record<string, { S: string } | { N: string }> = {}) => ({ ...key(id), ...extra });

describe('DynamoDbSandbox', () => {
  let sandbox: DynamoDbSandbox;

  beforeEach(async () => {
    sandbox = await DynamoDbSandbox.start({
      tables: [
        { name: TABLE, partitionKey: 'id' },
        { name: NUMBERED, partitionKey: 'n', keyType: 'N' },
      ],
    });
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  const put = (input: Omit<PutItemCommandInput, 'TableName'>) => sandbox.client.send(new PutItemCommand({ TableName: TABLE, ...input }));
  const get = async (id: string) => (await sandbox.client.send(new GetItemCommand({ TableName: TABLE, Key: key(id), ConsistentRead: true }))).Item;

  it('stores, reads back and deletes an item, through the SDK and dynalite', async () => {
    // Protects: the in-process transport carries requests and answers both ways, ReturnValues included.
    // Prepare
    await put({ Item: item('a', { n: { N: '1' } }) });

    // Act
    const replaced = await put({ Item: item('a', { n: { N: '2' } }), ReturnValues: 'ALL_OLD' });
    const stored = await get('a');
    const deleted = await sandbox.client.send(new DeleteItemCommand({ TableName: TABLE, Key: key('a'), ReturnValues: 'ALL_OLD' }));

    // Assess
    expect(replaced.Attributes).toEqual(item('a', { n: { N: '1' } }));
    expect(stored).toEqual(item('a', { n: { N: '2' } }));
    expect(deleted.Attributes).toEqual(item('a', { n: { N: '2' } }));
    expect(await get('a')).toBeUndefined();
    expect(deleted.$metadata.httpStatusCode).toBe(200);
  });

  it('refuses a conditional put with the SDK’s ConditionalCheckFailedException, carrying the stored item when asked with ALL_OLD', async () => {
    // Protects: the account lock names its holder from the refusal's item (dynalite lacks this; the sandbox adds it).
    // Prepare
    await put({ Item: item('a', { owner: { S: 'first' } }) });
    const create = { Item: item('a', { owner: { S: 'second' } }), ConditionExpression: 'attribute_not_exists(id)' };

    // Act
    const withItem = await rejectionOf(put({ ...create, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
    const without = await rejectionOf(put(create));

    // Assess
    expect(withItem).toBeInstanceOf(ConditionalCheckFailedException);
    expect(withItem).toMatchObject({ message: 'The conditional request failed', Item: item('a', { owner: { S: 'first' } }) });
    expect(without).toBeInstanceOf(ConditionalCheckFailedException);
    expect((without as ConditionalCheckFailedException).Item).toBeUndefined();
    expect(await get('a')).toEqual(item('a', { owner: { S: 'first' } }));
  });

  it('validates ReturnValuesOnConditionCheckFailure as DynamoDB does', async () => {
    // Protects: the added field is checked, not passed through blindly.
    // Act
    const error = await rejectionOf(put({ Item: item('a'), ReturnValuesOnConditionCheckFailure: 'ALL_NEW' as 'ALL_OLD' }));

    // Assess
    expect(error).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Member must satisfy enum value set: [ALL_OLD, NONE]') });
  });

  it('lets exactly one of many concurrent conditional creates of one item win', async () => {
    // Protects: conditional writes are atomic, the property the account lock and the governor rely on.
    // Prepare
    const owners = Array.from({ length: 20 }, (_, index) => `owner-${index}`);

    // Act
    const results = await Promise.allSettled(
      owners.map((owner) => put({ Item: item('lock', { owner: { S: owner } }), ConditionExpression: 'attribute_not_exists(id)' })),
    );

    // Assess
    const winners = owners.filter((_, index) => results[index]?.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => result.status === 'rejected').every((result) => result.reason instanceof ConditionalCheckFailedException)).toBe(true);
    expect(await get('lock')).toEqual(item('lock', { owner: { S: winners[0] as string } }));
  });

  it('updates an item only when its condition holds, with dynalite evaluating the expression', async () => {
    // Protects: UpdateItem with a condition and placeholders reaches dynalite whole.
    // Prepare
    await put({ Item: item('a', { version: { N: '1' } }) });
    const update = (expected: string) =>
      sandbox.client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key('a'),
          UpdateExpression: 'SET #version = #version + :one',
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':one': { N: '1' }, ':expected': { N: expected } },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );

    // Act
    const updated = await update('1');
    const stale = await rejectionOf(update('1'));

    // Assess
    expect(updated.Attributes).toEqual(item('a', { version: { N: '2' } }));
    expect(stale).toBeInstanceOf(ConditionalCheckFailedException);
    expect(stale).toMatchObject({ Item: item('a', { version: { N: '2' } }) });
  });

  it('answers a table that does not exist with the SDK’s ResourceNotFoundException', async () => {
    // Protects: a missing table surfaces as the product's CONFIG_INVALID path expects.
    // Act
    const error = await rejectionOf(sandbox.client.send(new GetItemCommand({ TableName: 'NoSuchTable', Key: key('a') })));

    // Assess
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({ message: 'Requested resource not found' });
  });

  it('fails the planned number of calls of one command with the planned error, then lets them through; other commands are untouched', async () => {
    // Protects: fault injection by command, for the retry and error-mapping tests.
    // Prepare
    sandbox.failNext('PutItem', () => new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }), 2);

    // Act
    const first = await rejectionOf(put({ Item: item('a') }));
    const afterFirst = await get('a');
    const second = await rejectionOf(put({ Item: item('a') }));
    await put({ Item: item('a') });

    // Assess
    expect(afterFirst).toBeUndefined();
    expect(first).toBeInstanceOf(ThrottlingException);
    expect(second).toBeInstanceOf(ThrottlingException);
    expect(first).not.toBe(second);
    expect(await get('a')).toEqual(item('a'));
  });

  it('lists every item in partition key order: strings by code unit, numbers numerically, across scan pages', async () => {
    // Protects: items() as tests and the sandbox report read a table; a planned Scan fault is not spent by it.
    // Prepare
    for (const id of ['m', 'b', 'z', 'a']) await put({ Item: item(id) });
    for (const n of ['10', '9', '-1']) await sandbox.client.send(new PutItemCommand({ TableName: NUMBERED, Item: { n: { N: n } } }));
    sandbox.failNext('Scan', new Error('meant for the code under test'));

    // Act
    const strings = await sandbox.items(TABLE);
    const numbers = await sandbox.items(NUMBERED);

    // Assess
    expect(strings.map((stored) => stored.id?.S)).toEqual(['a', 'b', 'm', 'z']);
    expect(numbers.map((stored) => stored.n?.N)).toEqual(['-1', '9', '10']);
    await expect(sandbox.items('NoSuchTable')).rejects.toThrow('no table NoSuchTable');
  });

  it('shares one store between its clients, and plans faults for all of them', async () => {
    // Protects: newClient() for tests that need a client of their own on the same tables.
    // Prepare
    const other = sandbox.newClient();
    await other.send(new PutItemCommand({ TableName: TABLE, Item: item('from-other') }));
    sandbox.failNext('GetItem', new Error('planned'));

    // Act
    const refused = await rejectionOf(other.send(new GetItemCommand({ TableName: TABLE, Key: key('from-other') })));

    // Assess
    expect(refused).toMatchObject({ message: 'planned' });
    expect(await get('from-other')).toEqual(item('from-other'));
  });

  it('runs under SimulatedClock.run: a request takes no simulated time and does not make the clock call the work stuck', async () => {
    // Protects: the governance bench and tests, which run DynamoDB calls on a simulated clock.
    // Prepare
    const clock = new SimulatedClock();
    const start = clock.now();
    let wokeAt = 0;
    const sleeper = async () => {
      await clock.sleep(1);
      wokeAt = clock.now() - start;
    };

    // Act
    const writtenAt = await clock.run(async () => {
      // 20 writes to one item queue on dynalite's item lock (many event loop turns) while a 1 ms sleep is due.
      const puts = Array.from({ length: 20 }, (_, index) => put({ Item: item('a', { n: { N: String(index) } }) }));
      const sleeping = sleeper();
      await Promise.all(puts);
      const writtenAt = clock.now() - start;
      await sleeping;
      return writtenAt;
    });

    // Assess
    expect(writtenAt).toBe(0);
    expect(wokeAt).toBe(1);
    expect(await get('a')).toBeDefined();
  });

  it('stops once, and refuses requests afterwards instead of crashing', async () => {
    // Protects: stop() is idempotent (the AWS sandbox and the test hooks may both call it).
    // Act
    await sandbox.stop();
    await sandbox.stop();

    // Assess
    await expect(get('a')).rejects.toThrow('The DynamoDB sandbox has been stopped.');
  });
});
