import { BatchWriteItemCommand, CreateTableCommand, DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { InProcessDynalite } from './dynalite-transport.js';
import { FaultPlan } from './strict-mock.js';
import type { FaultSource } from './strict-mock.js';

type DynamoDbCommandName = 'PutItem' | 'DeleteItem' | 'GetItem' | 'UpdateItem' | 'Query' | 'Scan' | 'BatchWriteItem';

/** A table with a partition key only (no sort key, no indexes): all the product's tables have. */
interface SandboxTableSpec {
  name: string;
  partitionKey: string;
  /** @default 'S' */
  keyType?: 'S' | 'N';
}

interface DynamoDbSandboxOptions {
  /** @default 'eu-west-1' */
  region?: string;
  tables?: readonly SandboxTableSpec[];
}

// dynalite only checks that a request is signed; the SDK signs with these.
const SANDBOX_CREDENTIALS = { accessKeyId: 'AKIASANDBOXDYNALITE0', secretAccessKey: 'sandbox-credentials-for-dynalite-only' };
/** How long start() waits for dynalite to call a new table ACTIVE (it does so on a 0 ms timer). */
const ACTIVE_TIMEOUT_MS = 5_000;
/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_LIMIT = 25;

/**
 * DynamoDB for the sandbox and the tests: dynalite (a maintained DynamoDB implementation in
 * JavaScript, in memory) behind real SDK clients. Requests go through the SDK's own serialization
 * and signing, then straight into dynalite's request listener in process (no socket, so the
 * simulated clock can run over it); dynalite validates them and evaluates conditions as DynamoDB
 * does, and answers with DynamoDB's errors, which the SDK turns into its own exception classes.
 * Writes to one item are atomic: of concurrent conditional writes, each sees the item as the one
 * before it left it. Not there: TTL deletion (DynamoDB deletes expired items only eventually, so
 * code must not rely on it), capacity limits, streams.
 */
export class DynamoDbSandbox {
  readonly client: DynamoDBClient;
  /** For items() and table creation: no planned faults, which are meant for the code under test. */
  private readonly inspector: DynamoDBClient;
  private readonly faults = new FaultPlan<DynamoDbCommandName>();
  private readonly partitionKeys = new Map<string, string>();
  private stopped = false;

  private constructor(
    private readonly dynalite: InProcessDynalite,
    private readonly region: string,
  ) {
    this.inspector = this.plainClient();
    this.client = this.newClient();
  }

  /** A new dynalite store with `tables` created and ACTIVE. */
  static async start(options: DynamoDbSandboxOptions = {}): Promise<DynamoDbSandbox> {
    const sandbox = new DynamoDbSandbox(InProcessDynalite.create(), options.region ?? 'eu-west-1');
    try {
      for (const table of options.tables ?? []) await sandbox.createTable(table);
    } catch (error) {
      await sandbox.stop();
      throw error;
    }
    return sandbox;
  }

  /** Another client on the same store, with this sandbox's fault plan. */
  newClient(): DynamoDBClient {
    const client = this.plainClient();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const fault = this.faults.take(context.commandName?.replace(/Command$/, '') as DynamoDbCommandName);
        if (fault) throw fault;
        return next(args);
      },
      { step: 'initialize', name: 'dynamoDbSandboxFaults', override: true },
    );
    return client;
  }

  /** Every item of the table, ordered by partition key value (numerically for an N key). */
  async items(tableName: string): Promise<Record<string, AttributeValue>[]> {
    const partitionKey = this.partitionKeys.get(tableName);
    if (partitionKey === undefined) throw new Error(`DynamoDbSandbox: no table ${tableName}.`);
    const items: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.inspector.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items.sort((a, b) => compareKeys(a[partitionKey], b[partitionKey]));
  }

  /**
   * Every item of every table, as DynamoDB's JSON (`{"S": …}`, `{"N": …}`, `{"SS": […]}`): what a
   * later sandbox takes back with importItems. Binary attributes have no JSON form here, and no
   * table of the product holds one, so they are refused rather than written out mangled.
   */
  async exportItems(): Promise<Record<string, Record<string, AttributeValue>[]>> {
    const dump: Record<string, Record<string, AttributeValue>[]> = {};
    for (const table of this.partitionKeys.keys()) {
      const items = await this.items(table);
      if (items.some(hasBinary)) throw new Error(`DynamoDbSandbox: table ${table} holds a binary attribute, which exportItems cannot write as JSON.`);
      dump[table] = items;
    }
    return dump;
  }

  /** Writes back what exportItems wrote out, into tables this sandbox has (a table it lacks is an error: the dump is not this product's). */
  async importItems(dump: Readonly<Record<string, readonly Record<string, AttributeValue>[]>>): Promise<void> {
    for (const [table, items] of Object.entries(dump)) {
      if (!this.partitionKeys.has(table)) throw new Error(`DynamoDbSandbox: no table ${table} to import ${items.length} item(s) into.`);
      for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
        let requests = items.slice(start, start + BATCH_WRITE_LIMIT).map((item) => ({ PutRequest: { Item: item } }));
        while (requests.length > 0) {
          const { UnprocessedItems } = await this.inspector.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
          requests = (UnprocessedItems?.[table] ?? []).flatMap((request) =>
            request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
          );
        }
      }
    }
  }

  /** The next `times` calls of `command`, through any client of this sandbox, reject with `error` instead of reaching dynalite. */
  failNext(command: DynamoDbCommandName, error: FaultSource, times = 1): void {
    this.faults.failNext(command, error, times);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.dynalite.close();
  }

  private plainClient(): DynamoDBClient {
    return new DynamoDBClient({ region: this.region, credentials: SANDBOX_CREDENTIALS, requestHandler: this.dynalite.requestHandler() });
  }

  private async createTable(spec: SandboxTableSpec): Promise<void> {
    await this.inspector.send(
      new CreateTableCommand({
        TableName: spec.name,
        AttributeDefinitions: [{ AttributeName: spec.partitionKey, AttributeType: spec.keyType ?? 'S' }],
        KeySchema: [{ AttributeName: spec.partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    for (const started = Date.now(); ; await sleep(1)) {
      const { Table: table } = await this.inspector.send(new DescribeTableCommand({ TableName: spec.name }));
      if (table?.TableStatus === 'ACTIVE') break;
      if (Date.now() - started > ACTIVE_TIMEOUT_MS) throw new Error(`DynamoDbSandbox: table ${spec.name} is still ${table?.TableStatus}.`);
    }
    this.partitionKeys.set(spec.name, spec.partitionKey);
  }
}

function hasBinary(item: Record<string, AttributeValue>): boolean {
  return Object.values(item).some(isOrHoldsBinary);
}

function isOrHoldsBinary(value: AttributeValue): boolean {
  if (value.B !== undefined || value.BS !== undefined) return true;
  if (value.M !== undefined) return hasBinary(value.M);
  return value.L?.some(isOrHoldsBinary) ?? false;
}

function compareKeys(a: AttributeValue | undefined, b: AttributeValue | undefined): number {
  if (a?.N !== undefined && b?.N !== undefined) return Number(a.N) - Number(b.N);
  const [left, right] = [a?.S ?? a?.N ?? '', b?.S ?? b?.N ?? ''];
  return left < right ? -1 : left > right ? 1 : 0;
}
