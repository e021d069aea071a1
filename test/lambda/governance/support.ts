import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach } from 'vitest';
import { FakeDynamoDb } from '../../../local/aws/fake-dynamodb.js';

/** The table the governance items live in, keyed like the account lock table. */
export const TABLE = 'CloudTrailOnboarding-AccountLocks';
export const KEY_ATTRIBUTE = 'accountId';
export const T0 = Date.parse('2026-03-01T10:00:00.000Z');

/** A fresh in-memory DynamoDB with the table, per test; returns the getter the tests call. */
export function useGovernanceTable(): () => FakeDynamoDb {
  let fake: FakeDynamoDb | undefined;
  afterEach(() => {
    fake?.restore();
    fake = undefined;
  });
  return () => {
    fake ??= new FakeDynamoDb(new DynamoDBClient({ region: 'eu-west-1' }), { tables: [{ name: TABLE, partitionKey: KEY_ATTRIBUTE }] });
    return fake;
  };
}
