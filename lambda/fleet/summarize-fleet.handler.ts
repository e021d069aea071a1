import type { AwsClientFactories } from '../shared/runtime/dependencies.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { summarizeFleetInputSchema, fleetSummarySchema, type FleetAccountResult, type FleetSummary } from './workflow-contract.js';

/** SummarizeFleet calls no AWS service: its bundle loads no SDK package. */
export const awsClients = {} satisfies Partial<AwsClientFactories>;

/** SummarizeFleet: totals and per-account outcomes of a fleet run, for its output and its event. */
export const createHandler = () =>
  defineStep({
    step: 'SummarizeFleet',
    input: summarizeFleetInputSchema,
    output: fleetSummarySchema,
    run: ({ listing, results }) => Promise.resolve(summarizeFleet(listing.excluded, results, listing.trigger)),
  });

export function summarizeFleet(excluded: FleetSummary['excluded'], results: readonly FleetAccountResult[], trigger: string | null): FleetSummary {
  const onboarded = results.flatMap((result) => (result.status === 'SUCCEEDED' ? [{ accountId: result.accountId, executionArn: result.executionArn }] : []));
  const failures = results.flatMap((result) =>
    result.status === 'FAILED' ? [{ accountId: result.accountId, ...childError(result.error, result.cause) }] : [],
  );
  return { accounts: results.length, succeeded: onboarded.length, failed: failures.length, excluded, failures, onboarded, trigger };
}

/**
 * The onboarding's own error: a failed child execution fails the parent's task with
 * `States.TaskFailed` and a Cause that is the child's DescribeExecution (JSON with `Error` and `Cause`).
 */
function childError(error: string, cause: string | null): { errorCode: string; errorMessage: string } {
  try {
    const described = JSON.parse(cause ?? '') as { Error?: unknown; Cause?: unknown };
    if (typeof described.Error === 'string') return { errorCode: described.Error, errorMessage: typeof described.Cause === 'string' ? described.Cause : '' };
  } catch {
    // Not the child's description: the task itself failed (e.g. StartExecution was refused).
  }
  return { errorCode: error, errorMessage: cause ?? '' };
}

export const handler = createHandler();
