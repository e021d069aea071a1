import {
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DeleteItemCommandOutput,
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  PutItemCommand,
  type PutItemCommandInput,
  type PutItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { responseMetadata } from './aws-ids.js';
import { conditionHolds, type Item } from './dynamodb-conditions.js';
import { dynamoErrors } from './dynamodb-errors.js';
import { FaultPlan, NotEmulatedError, rejectUnemulatedCommands, runCommand } from './strict-mock.js';
import type { FaultSource } from './strict-mock.js';

type DynamoDbCommandName = 'PutItem' | 'DeleteItem' | 'GetItem';

/** A table with a partition key only (no sort key, no indexes): all the product's lock table has. */
interface FakeTableSpec {
  name: string;
  partitionKey: string;
  /** @default 'S' */
  keyType?: 'S' | 'N';
}

interface Table {
  partitionKey: string;
  keyType: 'S' | 'N';
  items: Map<string, Item>;
}

/** The request fields each command emulates; any other field set fails with NotEmulatedError instead of being ignored. */
const EMULATED_FIELDS: Record<DynamoDbCommandName, readonly string[]> = {
  PutItem: [
    'TableName',
    'Item',
    'ConditionExpression',
    'ExpressionAttributeNames',
    'ExpressionAttributeValues',
    'ReturnValues',
    'ReturnValuesOnConditionCheckFailure',
  ],
  DeleteItem: [
    'TableName',
    'Key',
    'ConditionExpression',
    'ExpressionAttributeNames',
    'ExpressionAttributeValues',
    'ReturnValues',
    'ReturnValuesOnConditionCheckFailure',
  ],
  // ConsistentRead is accepted and moot: the fake is always consistent.
  GetItem: ['TableName', 'Key', 'ConsistentRead'],
};

const DATA_TYPES = ['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS'] as const;

/**
 * A stateful in-memory DynamoDB wired onto one real `DynamoDBClient` instance (per instance: other
 * clients stay untouched): PutItem, DeleteItem
 * and GetItem on partition-key tables, with conditions evaluated against the stored item (see
 * dynamodb-conditions.ts for the forms it understands). Each command runs to completion before the
 * next starts, so a conditional write is atomic as on DynamoDB: of concurrent conditional puts,
 * exactly those the condition admits at their turn succeed. Not emulated: TTL deletion (DynamoDB
 * deletes expired items only eventually, so code must not rely on it), capacity, streams.
 */
export class FakeDynamoDb {
  /** Use resetHistory(), never reset(): reset() would drop every emulated behaviour. */
  readonly mock: AwsClientStub<DynamoDBClient>;
  private readonly faults = new FaultPlan<DynamoDbCommandName>();
  private readonly tables = new Map<string, Table>();

  constructor(
    readonly client: DynamoDBClient,
    options: { tables?: readonly FakeTableSpec[] } = {},
  ) {
    for (const table of options.tables ?? []) this.createTable(table);
    const mock = mockClient(client);
    this.mock = mock;
    rejectUnemulatedCommands(mock, 'FakeDynamoDb', 'local/aws/fake-dynamodb.ts');
    const run = <T extends object>(name: DynamoDbCommandName, input: object, handler: () => T) =>
      runCommand(this.faults, name, () => {
        rejectUnemulatedFields(name, input);
        return { ...handler(), $metadata: responseMetadata() };
      });
    mock
      .on(PutItemCommand)
      .callsFake((input: PutItemCommandInput) => run('PutItem', input, () => this.putItem(input)))
      .on(DeleteItemCommand)
      .callsFake((input: DeleteItemCommandInput) => run('DeleteItem', input, () => this.deleteItem(input)))
      .on(GetItemCommand)
      .callsFake((input: GetItemCommandInput) => run('GetItem', input, () => this.getItem(input)));
  }

  // ---- test and sandbox API -------------------------------------------------------------------

  createTable(spec: FakeTableSpec): void {
    if (this.tables.has(spec.name)) throw new Error(`FakeDynamoDb: table ${spec.name} exists already.`);
    this.tables.set(spec.name, { partitionKey: spec.partitionKey, keyType: spec.keyType ?? 'S', items: new Map() });
  }

  /** A copy of every item of the table, in insertion order. */
  items(tableName: string): Item[] {
    const table = this.tables.get(tableName);
    if (!table) throw new Error(`FakeDynamoDb: no table ${tableName}.`);
    return [...table.items.values()].map((item) => structuredClone(item));
  }

  failNext(command: DynamoDbCommandName, error: FaultSource, times = 1): void {
    this.faults.failNext(command, error, times);
  }

  restore(): void {
    this.mock.restore();
  }

  // ---- emulated commands ----------------------------------------------------------------------

  private putItem(input: PutItemCommandInput): Omit<PutItemCommandOutput, '$metadata'> {
    const table = this.table(input.TableName);
    const item = validateItem(input.Item ?? {});
    const key = keyOf(table, item, 'item');
    const old = table.items.get(key);
    checkCondition(input, old);
    table.items.set(key, structuredClone(item));
    return oldAttributes(input.ReturnValues, old);
  }

  private deleteItem(input: DeleteItemCommandInput): Omit<DeleteItemCommandOutput, '$metadata'> {
    const table = this.table(input.TableName);
    const key = keyOf(table, validateItem(input.Key ?? {}), 'key');
    const old = table.items.get(key);
    checkCondition(input, old);
    table.items.delete(key);
    return oldAttributes(input.ReturnValues, old);
  }

  private getItem(input: GetItemCommandInput): Omit<GetItemCommandOutput, '$metadata'> {
    const table = this.table(input.TableName);
    const item = table.items.get(keyOf(table, validateItem(input.Key ?? {}), 'key'));
    return item === undefined ? {} : { Item: structuredClone(item) };
  }

  private table(name: string | undefined): Table {
    const table = name === undefined ? undefined : this.tables.get(name);
    if (!table) throw dynamoErrors.tableNotFound();
    return table;
  }
}

function rejectUnemulatedFields(command: DynamoDbCommandName, input: object): void {
  const extra = Object.entries(input)
    .filter(([field, value]) => value !== undefined && !EMULATED_FIELDS[command].includes(field))
    .map(([field]) => field);
  if (extra.length > 0)
    throw new NotEmulatedError(`FakeDynamoDb does not emulate ${command} with ${extra.join(', ')}; add it to local/aws/fake-dynamodb.ts or do not send it.`);
}

type WriteInput = Pick<
  PutItemCommandInput,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues' | 'ReturnValuesOnConditionCheckFailure'
>;

function checkCondition(input: WriteInput, old: Item | undefined): void {
  const onFailure = input.ReturnValuesOnConditionCheckFailure ?? 'NONE';
  if (onFailure !== 'NONE' && onFailure !== 'ALL_OLD') throw dynamoErrors.validation('Return values on condition check failure set to invalid value');
  if (input.ExpressionAttributeValues !== undefined) validateItem(input.ExpressionAttributeValues);
  if (!conditionHolds(input, old)) throw dynamoErrors.conditionFailed(onFailure === 'ALL_OLD' && old !== undefined ? structuredClone(old) : undefined);
}

function oldAttributes(returnValues: string | undefined, old: Item | undefined): { Attributes?: Item } {
  const mode = returnValues ?? 'NONE';
  if (mode !== 'NONE' && mode !== 'ALL_OLD') throw dynamoErrors.validation('Return values set to invalid value');
  return mode === 'ALL_OLD' && old !== undefined ? { Attributes: structuredClone(old) } : {};
}

/** The stored item's identity: the key attribute's type and value. */
function keyOf(table: Table, attributes: Item, where: 'item' | 'key'): string {
  const { partitionKey, keyType } = table;
  if (where === 'key' && (Object.keys(attributes).length !== 1 || !(partitionKey in attributes))) {
    throw dynamoErrors.validation('The provided key element does not match the schema');
  }
  const value = attributes[partitionKey];
  if (value === undefined) throw dynamoErrors.validation(`One or more parameter values were invalid: Missing the key ${partitionKey} in the item`);
  const actual = dataTypeOf(value);
  if (actual !== keyType) {
    throw dynamoErrors.validation(`One or more parameter values were invalid: Type mismatch for key ${partitionKey} expected: ${keyType} actual: ${actual}`);
  }
  const raw = keyType === 'S' ? value.S : value.N;
  if (raw === '') {
    throw dynamoErrors.validation(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${partitionKey}`,
    );
  }
  return `${keyType}:${keyType === 'N' ? String(Number(raw)) : raw}`;
}

function dataTypeOf(value: AttributeValue): string {
  const set = Object.entries(value).filter(([, member]) => member !== undefined);
  if (set.some(([type]) => !(DATA_TYPES as readonly string[]).includes(type))) throw dynamoErrors.validation('Supplied AttributeValue has an unknown datatype');
  const types = set.map(([type]) => type);
  if (types.length === 0) throw dynamoErrors.validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  if (types.length > 1)
    throw dynamoErrors.validation('Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes');
  return types[0] as string;
}

/** Top-level attributes only: each has exactly one type, and an N is a number. */
function validateItem(attributes: Record<string, AttributeValue>): Item {
  for (const value of Object.values(attributes)) {
    if (dataTypeOf(value) === 'N' && (value.N === undefined || value.N.trim() === '' || !Number.isFinite(Number(value.N)))) {
      throw dynamoErrors.validation(`The parameter cannot be converted to a numeric value: ${value.N ?? ''}`);
    }
  }
  return attributes;
}
