import { ConditionalCheckFailedException, DynamoDBServiceException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { newRequestId } from './aws-ids.js';

/**
 * The DynamoDB fake's errors: the SDK's exception classes with the messages the real service
 * returns (JSON protocol, HTTP 400 for every client error).
 */

function metadata(): { httpStatusCode: number; requestId: string } {
  return { httpStatusCode: 400, requestId: newRequestId() };
}

export const dynamoErrors = {
  tableNotFound: () => new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: metadata() }),
  /** `item`: the stored item, when the request asked for it with ReturnValuesOnConditionCheckFailure ALL_OLD. */
  conditionFailed: (item: Record<string, AttributeValue> | undefined) =>
    new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: metadata(), ...(item === undefined ? {} : { Item: item }) }),
  /** Not a modelled exception: the service answers the generic `ValidationException`. */
  validation: (message: string) => new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', message, $metadata: metadata() }),
};
