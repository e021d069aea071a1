import { isRecord } from '../shared/records.js';
import * as z from 'zod';
import { startRequestFromAccountEvent } from './account-events.js';
import { customResourceRequestSchema, handleCustomResource, type CustomResourceDependencies, type CustomResourceResponse } from './custom-resource.js';
import { startRequestFromManualInput } from './manual-start.js';
import { invalidEvent, type IgnoredEvent } from './start-request.js';
import { startWorkflow, type StartedExecution } from './start-workflow.js';

/**
 * Starts the onboarding (or offboarding) workflow for one account from whatever asked for it: an
 * EventBridge account event, the deploy-time custom resource, or an operator's manual input.
 * EventBridge cannot name an execution, so every trigger comes through here: the execution name is
 * derived from the account and the event, which makes a duplicate delivery of the same event
 * collapse into the execution it already started.
 */

/** Everything the triggers need together: Step Functions, the state machines and the CloudFormation answer. */
export type ExecutionStarterDependencies = CustomResourceDependencies;

export type StartOutcome = StartedExecution | IgnoredEvent;

/**
 * The one entry point: a CloudFormation request, an EventBridge account event or a manual input.
 * Throws only when retrying can help or the event is unusable; the Lambda service then retries and
 * finally parks the event in the dead-letter queue.
 */
export async function handleStartEvent(
  event: unknown,
  deps: ExecutionStarterDependencies & { requestId: string },
): Promise<StartOutcome | CustomResourceResponse> {
  if (isRecord(event) && 'RequestType' in event && 'ResponseURL' in event) {
    const request = customResourceRequestSchema.safeParse(event);
    // Without a valid ResponseURL there is nobody to answer; failing loudly is all that is left.
    if (!request.success) throw invalidEvent(`a malformed CloudFormation request: ${z.prettifyError(request.error)}`);
    return handleCustomResource(deps, request.data);
  }
  if (isRecord(event) && 'detail-type' in event) {
    const request = startRequestFromAccountEvent(event);
    if ('status' in request) {
      deps.logger?.warn('Ignored an account event', { reason: request.reason });
      return request;
    }
    return startWorkflow(deps, request);
  }
  return startWorkflow(deps, startRequestFromManualInput(event, deps.requestId));
}
