import { PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbSandbox } from '../../../local/aws/dynamodb-sandbox.js';
import { rejectionOf } from '../../support/rejections.js';

/**
 * The sandbox's tables outlive its process: exportItems writes every item out as DynamoDB's JSON,
 * and a brand-new sandbox with the same tables takes them back with importItems.
 */

const REGISTRY = 'AccountRegistry';
const COUNTERS = 'Counters';
const TABLES = [
  { name: REGISTRY, partitionKey: 'accountId' },
  { name: COUNTERS, partitionKey: 'n', keyType: 'N' as const },
];

/** A registry-like item with every attribute type the product's tables use. */
const registryItem = (index: number): Record<string, AttributeValue> => ({
  accountId: { S: String(100000000000 + index) },
  state: { S: index % 2 === 0 ? 'ONBOARDED' : 'FAILED' },
  attempts: { N: String(index) },
  drift: { SS: index % 3 === 0 ? ['key'] : ['key', 'source'] },
  covered: { BOOL: index % 2 === 0 },
  lastRun: { M: { workflow: { S: 'onboard' }, seconds: { N: '12.5' }, nested: { M: { ok: { BOOL: true } } } } },
  history: { L: [{ S: 'REGISTERED_NO_DATA_YET' }, { N: '-3' }, { L: [{ BOOL: false }] }, { NULL: true }] },
});

const started: DynamoDbSandbox[] = [];
async function sandboxWith(tables: typeof TABLES = TABLES): Promise<DynamoDbSandbox> {
  const sandbox = await DynamoDbSandbox.start({ tables });
  started.push(sandbox);
  return sandbox;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((sandbox) => sandbox.stop()));
});

describe('DynamoDbSandbox exportItems / importItems', () => {
  it('round-trips S, N, SS, BOOL, M and L items, more than one BatchWriteItem’s worth, through JSON into a new sandbox', async () => {
    // Protects: a sandbox restarted from its state file has the registry (and every other table) its last command left.
    // Prepare
    const first = await sandboxWith();
    const items = Array.from({ length: 60 }, (_, index) => registryItem(index));
    for (const item of items) await first.client.send(new PutItemCommand({ TableName: REGISTRY, Item: item }));
    for (const n of [10, 2, 33]) await first.client.send(new PutItemCommand({ TableName: COUNTERS, Item: { n: { N: String(n) }, value: { S: `v${n}` } } }));
    const exported = await first.exportItems();
    await first.stop();

    // Act
    const second = await sandboxWith();
    await second.importItems(JSON.parse(JSON.stringify(exported)) as typeof exported);

    // Assess
    expect(exported[REGISTRY]).toHaveLength(60);
    expect(exported[REGISTRY]).toEqual([...items].sort((a, b) => (a.accountId?.S ?? '').localeCompare(b.accountId?.S ?? '')));
    expect(await second.items(REGISTRY)).toEqual(exported[REGISTRY]);
    expect((await second.items(COUNTERS)).map((item) => item.n?.N)).toEqual(['2', '10', '33']);
    expect(await second.exportItems()).toEqual(exported);
  });

  it('exports every table the sandbox has, an empty one as an empty list', async () => {
    // Protects: the state file names every table, so importing it checks them all.
    // Prepare
    const sandbox = await sandboxWith();

    // Act
    const exported = await sandbox.exportItems();

    // Assess
    expect(exported).toEqual({ [REGISTRY]: [], [COUNTERS]: [] });
  });

  it('refuses to export a table holding a binary attribute, at the top level or nested, naming the table', async () => {
    // Protects: a binary value has no JSON form here; writing it out mangled would corrupt the next sandbox silently.
    // Prepare
    const nested = await sandboxWith();
    await nested.client.send(new PutItemCommand({ TableName: REGISTRY, Item: registryItem(1) }));
    await nested.client.send(
      new PutItemCommand({ TableName: COUNTERS, Item: { n: { N: '1' }, blob: { M: { parts: { L: [{ S: 'a' }, { B: new Uint8Array([1, 2]) }] } } } } }),
    );
    const topLevel = await sandboxWith();
    await topLevel.client.send(new PutItemCommand({ TableName: REGISTRY, Item: { accountId: { S: '111122223333' }, keys: { BS: [new Uint8Array([7])] } } }));

    // Act
    const nestedRefusal = await rejectionOf(nested.exportItems());
    const topLevelRefusal = await rejectionOf(topLevel.exportItems());

    // Assess
    expect((nestedRefusal as Error).message).toMatch(new RegExp(`table ${COUNTERS} holds a binary attribute`));
    expect((topLevelRefusal as Error).message).toMatch(new RegExp(`table ${REGISTRY} holds a binary attribute`));
  });

  it('refuses to import into a table the sandbox lacks, naming it', async () => {
    // Protects: a state file of another product (or version) is not half-imported into the wrong tables.
    // Prepare
    const sandbox = await sandboxWith([{ name: REGISTRY, partitionKey: 'accountId' }]);

    // Act
    const refusal = await rejectionOf(sandbox.importItems({ Locks: [{ lockId: { S: 'account#111122223333' } }] }));

    // Assess
    expect((refusal as Error).message).toMatch(/no table Locks to import 1 item\(s\) into/);
    expect(await sandbox.items(REGISTRY)).toEqual([]);
  });
});
