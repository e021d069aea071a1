import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** DynamoDB (the lock table, the registry, Director's budget), for a function whose code calls it. */
export const dynamo = (): DynamoDBClient => new DynamoDBClient({});
