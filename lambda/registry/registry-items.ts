import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RegistryAttribute } from '../contract/account-registry.js';
import { awsUnavailable } from '../shared/aws-transient.js';
import { OnboardingError } from '../shared/errors.js';
import { ErrorCode } from '../contract/error-codes.js';
import { describeAwsError } from '../shared/ownership.js';

/** A registry item as plain values: strings, and the drift set as a sorted list. Never a secret: the registry holds none. */
export type RegistryItem = Partial<Record<Exclude<keyof typeof RegistryAttribute, 'drift'>, string>> & { accountId: string; drift: string[] };

/** Every item of the registry (a paged Scan), in account order. Throttling: AWS_UNAVAILABLE. */
export async function readRegistry(dynamo: DynamoDBClient, tableName: string): Promise<RegistryItem[]> {
  const items: RegistryItem[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    try {
      const page = await dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) items.push(plainItem(item));
      startKey = page.LastEvaluatedKey;
    } catch (error) {
      const transient = awsUnavailable(error, `DynamoDB Scan of the account registry ${tableName}`);
      if (transient) throw transient;
      throw new OnboardingError(ErrorCode.INTERNAL, `Could not read the account registry ${tableName}: ${describeAwsError(error)}`, { details: { tableName } });
    }
  } while (startKey !== undefined);
  return items.sort((a, b) => a.accountId.localeCompare(b.accountId));
}

function plainItem(item: Record<string, AttributeValue>): RegistryItem {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(item)) if (value.S !== undefined) plain[name] = value.S;
  return { ...plain, accountId: plain.accountId ?? '', drift: [...(item[RegistryAttribute.drift]?.SS ?? [])].sort() };
}
