import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type PutItemCommandInput,
  QueryCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeDynamoDb } from '../../../local/aws/fake-dynamodb.js';
import { NotEmulatedError } from '../../../local/aws/strict-mock.js';
import { rejectionOf } from '../../support/rejections.js';

const TABLE = 'Locks';
const key = (id: string) => ({ id: { S: id } });
const item = (id: string, extra: Record<string, { S: string } | { N: string }> = {}) => ({ ...key(id), ...extra });

describe('FakeDynamoDb', () => {
  let client: DynamoDBClient;
  let fake: FakeDynamoDb;

  beforeEach(() => {
    client = new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIAFAKEDYNAMODB0000', secretAccessKey: 'unused' } });
    fake = new FakeDynamoDb(client, { tables: [{ name: TABLE, partitionKey: 'id' }] });
  });

  const put = (input: Omit<PutItemCommandInput, 'TableName'>) => client.send(new PutItemCommand({ TableName: TABLE, ...input }));
  /** Whether a put goes through; any error but the condition's refusal fails the test. */
  const putSucceeds = async (input: Omit<PutItemCommandInput, 'TableName'>) => {
    try {
      await put(input);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };
  const get = async (id: string) => (await client.send(new GetItemCommand({ TableName: TABLE, Key: key(id) }))).Item;

  describe('items', () => {
    it('stores an item under its key, replaces it on a second put and reads it back with GetItem', async () => {
      // Act
      await put({ Item: item('a', { n: { N: '1' } }) });
      const replaced = await put({ Item: item('a', { n: { N: '2' } }), ReturnValues: 'ALL_OLD' });

      // Assess
      expect(replaced.Attributes).toEqual(item('a', { n: { N: '1' } }));
      expect(await get('a')).toEqual(item('a', { n: { N: '2' } }));
      expect(await get('b')).toBeUndefined();
      expect(fake.items(TABLE)).toEqual([item('a', { n: { N: '2' } })]);
    });

    it('deletes an item, and deleting an absent one is no error', async () => {
      // Prepare
      await put({ Item: item('a') });

      // Act
      const deleted = await client.send(new DeleteItemCommand({ TableName: TABLE, Key: key('a'), ReturnValues: 'ALL_OLD' }));
      const again = await client.send(new DeleteItemCommand({ TableName: TABLE, Key: key('a'), ReturnValues: 'ALL_OLD' }));

      // Assess
      expect(deleted.Attributes).toEqual(item('a'));
      expect(again.Attributes).toBeUndefined();
      expect(fake.items(TABLE)).toEqual([]);
    });

    it('keeps what it stored apart from the caller’s objects', async () => {
      // Prepare
      const written: Record<string, AttributeValue> = item('a', { v: { S: 'original' } });
      await put({ Item: written });

      // Act
      written.v = { S: 'changed after the call' };
      const read = await get('a');
      if (read) read.v = { S: 'changed by a reader' };

      // Assess
      expect(await get('a')).toEqual(item('a', { v: { S: 'original' } }));
    });

    it('answers an unknown table with ResourceNotFoundException', async () => {
      // Act + Assess
      await expect(client.send(new GetItemCommand({ TableName: 'Nope', Key: key('a') }))).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(client.send(new PutItemCommand({ TableName: 'Nope', Item: item('a') }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('refuses an item without its key, a key of the wrong type and a key with other attributes, as DynamoDB does', async () => {
      // Act
      const missing = await rejectionOf(put({ Item: { other: { S: 'x' } } }));
      const wrongType = await rejectionOf(put({ Item: { id: { N: '1' } } }));
      const extraKey = await rejectionOf(client.send(new GetItemCommand({ TableName: TABLE, Key: { ...key('a'), other: { S: 'x' } } })));
      const notANumber = await rejectionOf(put({ Item: item('a', { n: { N: 'abc' } }) }));

      // Assess
      expect(missing).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Missing the key id') as unknown });
      expect(wrongType).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Type mismatch for key id') as unknown });
      expect(extraKey).toMatchObject({ name: 'ValidationException', message: 'The provided key element does not match the schema' });
      expect(notANumber).toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('conditions', () => {
    it('writes only when attribute_not_exists holds, failing with ConditionalCheckFailedException and leaving the item', async () => {
      // Prepare
      const create = { Item: item('a', { v: { S: 'first' } }), ConditionExpression: 'attribute_not_exists(id)' };
      await put(create);

      // Act
      const error = await rejectionOf(put({ ...create, Item: item('a', { v: { S: 'second' } }) }));

      // Assess
      expect(error).toBeInstanceOf(ConditionalCheckFailedException);
      expect((error as ConditionalCheckFailedException).Item).toBeUndefined();
      expect(await get('a')).toEqual(item('a', { v: { S: 'first' } }));
    });

    it('hands back the stored item with a refusal only when ReturnValuesOnConditionCheckFailure is ALL_OLD', async () => {
      // Prepare
      await put({ Item: item('a', { v: { S: 'held' } }) });

      // Act
      const error = await rejectionOf(
        put({ Item: item('a'), ConditionExpression: 'attribute_not_exists(id)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      );

      // Assess
      expect((error as ConditionalCheckFailedException).Item).toEqual(item('a', { v: { S: 'held' } }));
    });

    it('compares numbers numerically and strings by character, with #name and :value placeholders', async () => {
      // Prepare
      const stored = item('a', { n: { N: '9' }, s: { S: 'b' } });
      await put({ Item: stored });
      const holds = (ConditionExpression: string, values: Record<string, { N: string } | { S: string }>) =>
        putSucceeds({ Item: stored, ConditionExpression, ExpressionAttributeNames: { '#n': 'n' }, ExpressionAttributeValues: values });

      // Act + Assess: 9 < 10 numerically, although '9' > '10' as text.
      expect(await holds('#n < :v', { ':v': { N: '10' } })).toBe(true);
      expect(await holds('#n >= :v', { ':v': { N: '10' } })).toBe(false);
      expect(await holds('#n = :v', { ':v': { N: '9.0' } })).toBe(true);
      expect(await holds('#n > :v AND s <= :w', { ':v': { N: '1' }, ':w': { S: 'a' } })).toBe(false);
      expect(await holds('#n = :v OR s <= :w', { ':v': { N: '1' }, ':w': { S: 'b' } })).toBe(true);
      // A number never equals or orders against a string.
      expect(await holds('#n = :v OR #n < :v', { ':v': { S: '9' } })).toBe(false);
    });

    it('evaluates OR, AND, NOT and parentheses with NOT binding tighter than AND, and AND tighter than OR', async () => {
      // Prepare
      await put({ Item: item('a', { x: { N: '1' } }) });
      const holds = (ConditionExpression: string) => putSucceeds({ Item: item('a', { x: { N: '1' } }), ConditionExpression });

      // Act + Assess
      expect(await holds('attribute_exists(x) OR attribute_exists(y) AND attribute_exists(z)')).toBe(true);
      expect(await holds('(attribute_exists(x) OR attribute_exists(y)) AND attribute_exists(z)')).toBe(false);
      expect(await holds('NOT attribute_exists(y) and attribute_exists(x)')).toBe(true);
      expect(await holds('not (attribute_exists(y) OR attribute_exists(x))')).toBe(false);
    });

    it('treats a missing attribute as unequal and unordered, and a missing item as one without attributes', async () => {
      // Act
      const ordered = await rejectionOf(put({ Item: item('new'), ConditionExpression: 'missing < :v', ExpressionAttributeValues: { ':v': { N: '1' } } }));
      await put({ Item: item('new'), ConditionExpression: 'missing <> :v', ExpressionAttributeValues: { ':v': { N: '1' } } });

      // Assess
      expect(ordered).toBeInstanceOf(ConditionalCheckFailedException);
      expect(await get('new')).toEqual(item('new'));
    });

    it('deletes only when the condition holds; on an absent item a comparison fails', async () => {
      // Prepare
      await put({ Item: item('a', { owner: { S: 'me' } }) });
      const deleteIfOwner = (id: string, owner: string) =>
        client.send(
          new DeleteItemCommand({
            TableName: TABLE,
            Key: key(id),
            ConditionExpression: '#o = :o',
            ExpressionAttributeNames: { '#o': 'owner' },
            ExpressionAttributeValues: { ':o': { S: owner } },
          }),
        );

      // Act
      const byOther = await rejectionOf(deleteIfOwner('a', 'someone-else'));
      const onAbsent = await rejectionOf(deleteIfOwner('b', 'me'));
      await deleteIfOwner('a', 'me');

      // Assess
      expect(byOther).toBeInstanceOf(ConditionalCheckFailedException);
      expect(onAbsent).toBeInstanceOf(ConditionalCheckFailedException);
      expect(fake.items(TABLE)).toEqual([]);
    });

    it('refuses undefined or unused placeholders and a syntax error with ValidationException, as DynamoDB does', async () => {
      // Act
      const undefinedName = await rejectionOf(put({ Item: item('a'), ConditionExpression: 'attribute_not_exists(#x)' }));
      const undefinedValue = await rejectionOf(put({ Item: item('a'), ConditionExpression: 'id = :v' }));
      const unusedValue = await rejectionOf(
        put({ Item: item('a'), ConditionExpression: 'attribute_not_exists(id)', ExpressionAttributeValues: { ':unused': { S: 'x' } } }),
      );
      const syntax = await rejectionOf(put({ Item: item('a'), ConditionExpression: 'attribute_not_exists(id) OR' }));
      const namesWithoutExpression = await rejectionOf(put({ Item: item('a'), ExpressionAttributeNames: { '#x': 'x' } }));

      // Assess
      expect(undefinedName).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('attribute name: #x') as unknown });
      expect(undefinedValue).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('attribute value: :v') as unknown });
      expect(unusedValue).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('{:unused}') as unknown });
      expect(syntax).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Syntax error') as unknown });
      expect(namesWithoutExpression).toMatchObject({ name: 'ValidationException' });
      expect(fake.items(TABLE)).toEqual([]);
    });

    it('fails loudly on condition forms it does not emulate instead of guessing', async () => {
      // Act + Assess
      const values = { ExpressionAttributeValues: { ':p': { S: 'x' } } };
      await expect(put({ Item: item('a'), ConditionExpression: 'begins_with(id, :p)', ...values })).rejects.toBeInstanceOf(NotEmulatedError);
      await expect(put({ Item: item('a'), ConditionExpression: 'id IN (:p)', ...values })).rejects.toBeInstanceOf(NotEmulatedError);
      await expect(put({ Item: item('a'), ConditionExpression: 'a.b = :p', ...values })).rejects.toBeInstanceOf(NotEmulatedError);
    });

    it('applies concurrent conditional puts one at a time: of N racing creates exactly one succeeds', async () => {
      // Act
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, index) => put({ Item: item('a', { by: { S: `writer-${index}` } }), ConditionExpression: 'attribute_not_exists(id)' })),
      );

      // Assess
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(refused).toHaveLength(19);
      for (const result of refused) expect(result.reason).toBeInstanceOf(ConditionalCheckFailedException);
      expect(fake.items(TABLE)).toHaveLength(1);
    });
  });

  describe('strictness and faults', () => {
    it('rejects a command it does not emulate with NotEmulatedError', async () => {
      // Act + Assess
      await expect(client.send(new QueryCommand({ TableName: TABLE }))).rejects.toBeInstanceOf(NotEmulatedError);
    });

    it('rejects a request field it does not emulate rather than ignoring it', async () => {
      // Act + Assess
      await expect(put({ Item: item('a'), Expected: { id: { Exists: false } } })).rejects.toBeInstanceOf(NotEmulatedError);
      expect(fake.items(TABLE)).toEqual([]);
    });

    it('fails the next call of a command with an injected fault, which then changes nothing', async () => {
      // Prepare
      fake.failNext('PutItem', () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));

      // Act
      const error = await rejectionOf(put({ Item: item('a') }));
      await put({ Item: item('b') });

      // Assess
      expect(error).toBeInstanceOf(ThrottlingException);
      expect(fake.items(TABLE)).toEqual([item('b')]);
    });
  });
});
