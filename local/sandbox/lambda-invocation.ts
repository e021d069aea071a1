import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { asCaller, type AwsCaller } from './aws-call-log.js';
import { SANDBOX_REGION } from './constants.js';
import type { LocalTaskHandler } from './state-machine-runner.js';

/** A Lambda handler as the handler modules' `createHandler` builds it. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Lambda serializes both the result and the error: only JSON crosses, and an error arrives as
 * its type (the error's name, our typed code) and message. Every AWS call the handler makes in
 * the invocation is recorded as `caller`'s (the call log's records name the function).
 */
export function invokeLikeLambda(handler: LambdaHandler, caller: AwsCaller): LocalTaskHandler {
  return async (input) => {
    const context = fakeLambdaContext(caller.task);
    try {
      const result = await asCaller(caller, () => handler(JSON.parse(JSON.stringify(input)) as unknown, context));
      return JSON.parse(JSON.stringify(result ?? null)) as unknown;
    } catch (caught) {
      const crossing = new Error(caught instanceof Error ? caught.message : String(caught));
      crossing.name = caught instanceof Error ? caught.name : 'Error';
      throw crossing;
    }
  };
}

function fakeLambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${SANDBOX_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'sandbox',
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
