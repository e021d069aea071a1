import * as z from 'zod';
import { collectionSubjectSchema } from '../contract/collection.js';
import { OnboardingError, describeError } from '../shared/errors.js';
import { WorkflowKind } from '../contract/account-events.js';
import { ErrorCode } from '../contract/error-codes.js';
import { startWorkflow, type WorkflowStarterDependencies } from './start-workflow.js';
import { startFleet } from './start-fleet.js';

/**
 * The deploy-time custom resource (lib/triggers/deploy-trigger.ts): CloudFormation invokes the
 * starter directly and waits for an answer PUT to a pre-signed URL. That URL is a credential: it
 * never reaches a log line or a message.
 */

/** What CloudFormation sends to a Lambda-backed custom resource. */
export const customResourceRequestSchema = z.looseObject({
  RequestType: z.enum(['Create', 'Update', 'Delete']),
  ResponseURL: z.url(),
  StackId: z.string().min(1),
  RequestId: z.string().min(1),
  LogicalResourceId: z.string().min(1),
  PhysicalResourceId: z.string().min(1).optional(),
  ResourceProperties: z.looseObject({}),
});
export type CustomResourceRequest = z.infer<typeof customResourceRequestSchema>;

/** Reads the deploy trigger's custom resource properties (../contract/account-events.ts). */
const deployTriggerPropertiesSchema = z.looseObject({
  AccountId: collectionSubjectSchema.optional(),
  Fleet: z.literal('true').optional(),
  /** Changes on every synth, so every `cdk deploy` updates the resource and starts one onboarding. */
  DeployNonce: z.string().min(1).max(200),
});

export interface CustomResourceResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  NoEcho: false;
  Data?: Record<string, string>;
}

export interface CustomResourceDependencies extends WorkflowStarterDependencies {
  /** PUTs a custom resource response to CloudFormation's pre-signed URL. */
  sendCustomResourceResponse: (responseUrl: string, body: string) => Promise<void>;
}

/** CloudFormation refuses response bodies over 4 KB; a long reason must not make the response itself fail. */
const MAX_REASON_LENGTH = 1000;

/**
 * The deploy-time onboarding: Create and Update start one onboarding of the configured account
 * (the nonce changes on every synth, so every deploy is an Update); Delete does nothing — removing
 * the stack must not undo onboardings. CloudFormation always gets an answer, or it would wait
 * for the resource's timeout.
 */
export async function handleCustomResource(deps: CustomResourceDependencies, request: CustomResourceRequest): Promise<CustomResourceResponse> {
  const properties = deployTriggerPropertiesSchema.safeParse(request.ResourceProperties);
  const physicalResourceId = properties.success
    ? `onboarding-on-deploy-${properties.data.AccountId ?? 'fleet'}`
    : (request.PhysicalResourceId ?? 'onboarding-on-deploy');
  const envelope = {
    PhysicalResourceId: physicalResourceId,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    NoEcho: false as const,
  };

  let response: CustomResourceResponse;
  if (request.RequestType === 'Delete') {
    response = { ...envelope, PhysicalResourceId: request.PhysicalResourceId ?? physicalResourceId, Status: 'SUCCESS' };
  } else if (!properties.success) {
    response = { ...envelope, Status: 'FAILED', Reason: `Invalid deploy trigger properties: ${z.prettifyError(properties.error)}` };
  } else {
    try {
      const { AccountId: accountId, DeployNonce: nonce, Fleet: fleet } = properties.data;
      if (accountId === undefined && fleet === undefined)
        throw new OnboardingError(ErrorCode.INVALID_INPUT, 'The deploy trigger names neither an account nor a fleet run.');
      const started =
        fleet === undefined && accountId !== undefined
          ? await startWorkflow(deps, {
              kind: WorkflowKind.Onboard,
              accountId,
              idempotencyKey: `deploy:${nonce}`,
              input: { accountId, trigger: `cdk deploy ${nonce}`.slice(0, 100) },
            })
          : await startFleet(deps, nonce);
      response = {
        ...envelope,
        Status: 'SUCCESS',
        Data: { ExecutionArn: started.executionArn, ExecutionName: started.executionName, StartStatus: started.status },
      };
    } catch (error) {
      const { code, message } = describeError(error);
      deps.logger?.error('Could not start the deploy-time onboarding', { code, reason: message });
      response = { ...envelope, Status: 'FAILED', Reason: `${code}: ${message}` };
    }
  }
  if (response.Reason !== undefined) response.Reason = response.Reason.slice(0, MAX_REASON_LENGTH);
  await deps.sendCustomResourceResponse(request.ResponseURL, JSON.stringify(response));
  deps.logger?.info('Answered CloudFormation', {
    requestType: request.RequestType,
    status: response.Status,
    ...(response.Data ?? {}),
  });
  return response;
}

/** PUTs the response to CloudFormation's pre-signed S3 URL (which must not carry a content type). */
export async function putCustomResourceResponse(fetchFn: typeof fetch, responseUrl: string, body: string): Promise<void> {
  const response = await fetchFn(responseUrl, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) {
    // The URL is pre-signed: it is a credential and never appears in a message.
    throw new OnboardingError(ErrorCode.INTERNAL, `CloudFormation did not accept the custom resource response (HTTP ${response.status}).`);
  }
}
