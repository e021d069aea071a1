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

/** What Lambda reports to Step Functions when an invocation dies instead of answering. */
type LambdaCrashError = 'Sandbox.Timedout' | 'Runtime.ExitError';

/**
 * One injected crash of a task state's Lambda: `before` the handler runs (nothing was done), or
 * `after` it ran and did its work (its result, or its error, is lost). A fault battery uses it to
 * prove that a re-invoked or compensated step copes with work it cannot see in the state.
 */
export interface CrashSpec {
  /** The task state whose Lambda crashes. */
  state: string;
  when: 'before' | 'after';
  /** Default `Sandbox.Timedout` (the function ran past its timeout). */
  error?: LambdaCrashError;
  /** How many invocations of the state crash, from the first on (default 1); later ones run normally. */
  times?: number;
}

/**
 * The task handlers of one execution with `crashes` planted: each listed state's invocations crash
 * as planned (first matching entry with uses left, in list order), then behave normally again.
 * A state that is not a task state here is a typo in a test, so it throws.
 */
export function withCrashes(handlers: Record<string, LocalTaskHandler>, crashes: readonly CrashSpec[]): Record<string, LocalTaskHandler> {
  const planned = crashes.map((crash) => ({ ...crash, remaining: crash.times ?? 1 }));
  const crashing = { ...handlers };
  for (const state of new Set(planned.map((crash) => crash.state))) {
    const handler = handlers[state];
    if (handler === undefined) throw new Error(`Cannot crash ${state}: it is not a Lambda task state of this workflow.`);
    crashing[state] = async (input) => {
      const crash = planned.find((entry) => entry.state === state && entry.remaining > 0);
      if (crash === undefined) return handler(input);
      crash.remaining -= 1;
      // The work happens; only its answer never reaches Step Functions.
      if (crash.when === 'after') await handler(input).catch(() => undefined);
      throw lambdaCrash(crash.error ?? 'Sandbox.Timedout');
    };
  }
  return crashing;
}

/** The error as Lambda reports it: the type Step Functions' Retry/Catch matches, and Lambda's own message. */
function lambdaCrash(type: LambdaCrashError): Error {
  const message =
    type === 'Sandbox.Timedout' ? 'Task timed out after 60.00 seconds' : `RequestId: ${randomUUID()} Error: Runtime exited with error: signal: killed`;
  const error = new Error(message);
  error.name = type;
  return error;
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
