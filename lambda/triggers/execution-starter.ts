import { ExecutionAlreadyExists, ListExecutionsCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { onboardingInputSchema } from '../onboarding/workflow-contract.js';
import { OnboardingError, describeError } from '../shared/errors.js';
import { accountIdSchema } from '../contract/settings.js';
import { AccountEventRoutes, WorkflowKind, type AccountEventName, type AccountEventRoute } from '../contract/account-events.js';
import { ErrorCode } from '../contract/error-codes.js';

/**
 * Starts the onboarding (or offboarding) workflow for one account from whatever asked for it: an
 * EventBridge account event, the deploy-time custom resource, or an operator's manual input.
 * EventBridge cannot name an execution, so every trigger comes through here: the execution name is
 * derived from the account and the event, which makes a duplicate delivery of the same event
 * collapse into the execution it already started.
 */

/** What an account event says: its outcome and the account it is about. */
interface AccountEventFacts {
  state: string;
  accountId: string | undefined;
}

export interface AccountEventDefinition extends AccountEventRoute {
  /** Reads the event's `detail`; a string says what is wrong with it. */
  read(detail: unknown): AccountEventFacts | string;
}

function accountEvent<Detail>(route: AccountEventRoute, schema: z.ZodType<Detail>, facts: (detail: Detail) => AccountEventFacts): AccountEventDefinition {
  return {
    ...route,
    read: (detail) => {
      const parsed = schema.safeParse(detail);
      return parsed.success ? facts(parsed.data) : z.prettifyError(parsed.error);
    },
  };
}

/** Each route of ../contract/account-events.ts with the reader of its events' detail. */
export const AccountEvent = {
  CreateAccountResult: accountEvent(
    AccountEventRoutes.CreateAccountResult,
    z.looseObject({
      serviceEventDetails: z.looseObject({
        createAccountStatus: z.looseObject({ state: z.string(), accountId: accountIdSchema.optional() }),
      }),
    }),
    ({ serviceEventDetails: { createAccountStatus: status } }) => ({ state: status.state, accountId: status.accountId }),
  ),
  CreateManagedAccount: accountEvent(
    AccountEventRoutes.CreateManagedAccount,
    z.looseObject({
      serviceEventDetails: z.looseObject({
        createManagedAccountStatus: z.looseObject({
          state: z.string(),
          account: z.looseObject({ accountId: accountIdSchema }).optional(),
        }),
      }),
    }),
    ({ serviceEventDetails: { createManagedAccountStatus: status } }) => ({ state: status.state, accountId: status.account?.accountId }),
  ),
  CloseAccountResult: accountEvent(
    AccountEventRoutes.CloseAccountResult,
    z.looseObject({
      serviceEventDetails: z.looseObject({
        closeAccountStatus: z.looseObject({ state: z.string(), accountId: accountIdSchema.optional() }),
      }),
    }),
    ({ serviceEventDetails: { closeAccountStatus: status } }) => ({ state: status.state, accountId: status.accountId }),
  ),
  RemoveAccountFromOrganization: accountEvent(
    AccountEventRoutes.RemoveAccountFromOrganization,
    z.looseObject({
      errorCode: z.string().optional(),
      requestParameters: z.looseObject({ accountId: accountIdSchema }),
    }),
    ({ errorCode, requestParameters }) => ({
      state: errorCode === undefined ? 'SUCCEEDED' : `FAILED (${errorCode})`,
      accountId: requestParameters.accountId,
    }),
  ),
} satisfies Record<AccountEventName, AccountEventDefinition>;

export const ACCOUNT_EVENT_NAMES = Object.keys(AccountEvent) as AccountEventName[];

/** The envelope EventBridge wraps every event in. */
const eventBridgeEventSchema = z.looseObject({
  id: z.string().min(1),
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  detail: z.looseObject({ eventName: z.string().optional() }),
});

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
export const deployTriggerPropertiesSchema = z.looseObject({
  AccountId: accountIdSchema,
  /** Changes on every synth, so every `cdk deploy` updates the resource and starts one onboarding. */
  DeployNonce: z.string().min(1).max(200),
});

const idempotencyKeySchema = z.string().min(1).max(200);

/**
 * An operator's direct invocation of the starter. `idempotencyKey` names the run (two invocations
 * with the same key start one execution); without it the Lambda request id is used, which stays
 * the same across the Lambda service's own retries of one asynchronous invocation.
 */
export const manualStartSchema = z.union([
  onboardingInputSchema.extend({ action: z.literal(WorkflowKind.Onboard).optional(), idempotencyKey: idempotencyKeySchema.optional() }),
  z.strictObject({
    action: z.literal(WorkflowKind.Offboard),
    accountId: accountIdSchema,
    /** Passed through; the offboarding workflow's own input schema decides what it accepts. */
    reason: z.string().min(1).max(50).optional(),
    logSourceName: z.string().min(1).max(200).optional(),
    trigger: z.string().max(100).optional(),
    idempotencyKey: idempotencyKeySchema.optional(),
  }),
]);
export type ManualStart = z.infer<typeof manualStartSchema>;

/** One execution to start: which workflow, for which account, with which input and name key. */
export interface StartRequest {
  kind: WorkflowKind;
  accountId: string;
  /** Stable for one logical request (event id, deploy nonce, idempotency key): names the execution. */
  idempotencyKey: string;
  /** The execution input; always carries `accountId`. */
  input: Record<string, unknown>;
}

export type StartStatus = 'STARTED' | 'ALREADY_STARTED' | 'ALREADY_RUNNING';

export interface StartedExecution {
  status: StartStatus;
  kind: WorkflowKind;
  accountId: string;
  executionName: string;
  executionArn: string;
}

export interface IgnoredEvent {
  status: 'IGNORED';
  reason: string;
}

export type StartOutcome = StartedExecution | IgnoredEvent;

export interface StarterLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export interface ExecutionStarterDependencies {
  sfn: SFNClient;
  /** State machine ARN per workflow; offboarding is absent until the stack wires it. */
  stateMachines: { onboard: string; offboard?: string | undefined };
  /** PUTs a custom resource response to CloudFormation's pre-signed URL. */
  sendCustomResourceResponse: (responseUrl: string, body: string) => Promise<void>;
  logger?: StarterLogger;
}

/** Maximum length Step Functions allows for an execution name. */
const MAX_EXECUTION_NAME = 80;

/**
 * `onboard-<account>-<16 hex of sha256(key)>`: the prefix lets a look-up find every run for the
 * account; the hash makes one logical request map to exactly one name.
 */
export function executionNameFor(kind: WorkflowKind, accountId: string, idempotencyKey: string): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16);
  const name = `${executionNamePrefix(kind, accountId)}${hash}`;
  if (name.length > MAX_EXECUTION_NAME) throw new OnboardingError(ErrorCode.INTERNAL, `Execution name ${name} is too long.`);
  return name;
}

export function executionNamePrefix(kind: WorkflowKind, accountId: string): string {
  return `${kind}-${accountId}-`;
}

/** `arn:…:stateMachine:<machine>` → `arn:…:execution:<machine>:<name>` (the ARN StartExecution returns). */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[5] !== 'stateMachine') {
    throw new OnboardingError(ErrorCode.CONFIG_INVALID, `${stateMachineArn} is not a state machine ARN.`);
  }
  parts[5] = 'execution';
  return `${parts.join(':')}:${executionName}`;
}

/**
 * Starts the workflow unless a run for the same account is already in progress. A duplicate of a
 * request that already started (ExecutionAlreadyExists) is a success: the run it asked for exists.
 */
export async function startWorkflow(deps: ExecutionStarterDependencies, request: StartRequest): Promise<StartedExecution> {
  const stateMachineArn = deps.stateMachines[request.kind];
  if (stateMachineArn === undefined) {
    throw new OnboardingError(
      ErrorCode.CONFIG_INVALID,
      `No ${request.kind} workflow is deployed with this starter; cannot start it for account ${request.accountId}.`,
      { details: { kind: request.kind, accountId: request.accountId } },
    );
  }
  const executionName = executionNameFor(request.kind, request.accountId, request.idempotencyKey);
  const base = { kind: request.kind, accountId: request.accountId };

  const running = await findRunningExecution(deps.sfn, stateMachineArn, executionNamePrefix(request.kind, request.accountId));
  if (running !== undefined) {
    const outcome: StartedExecution = {
      ...base,
      status: running.name === executionName ? 'ALREADY_STARTED' : 'ALREADY_RUNNING',
      executionName: running.name,
      executionArn: running.arn,
    };
    deps.logger?.info('A run for this account is already in progress; not starting another', { ...outcome });
    return outcome;
  }

  try {
    const started = await deps.sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(request.input) }),
    );
    const outcome: StartedExecution = {
      ...base,
      status: 'STARTED',
      executionName,
      executionArn: started.executionArn ?? executionArnFor(stateMachineArn, executionName),
    };
    deps.logger?.info('Started the workflow', { ...outcome });
    return outcome;
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    const outcome: StartedExecution = { ...base, status: 'ALREADY_STARTED', executionName, executionArn: executionArnFor(stateMachineArn, executionName) };
    deps.logger?.info('This request already started its execution', { ...outcome });
    return outcome;
  }
}

async function findRunningExecution(sfn: SFNClient, stateMachineArn: string, namePrefix: string): Promise<{ name: string; arn: string } | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1000, nextToken }));
    const match = (page.executions ?? []).find((execution) => execution.name?.startsWith(namePrefix) === true);
    if (match?.name !== undefined && match.executionArn !== undefined) return { name: match.name, arn: match.executionArn };
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return undefined;
}

/** Reads an account lifecycle event into a start request, or says why the event asks for nothing. */
export function startRequestFromAccountEvent(event: unknown): StartRequest | IgnoredEvent {
  const envelope = eventBridgeEventSchema.safeParse(event);
  if (!envelope.success) throw invalidEvent(`not an EventBridge event: ${z.prettifyError(envelope.error)}`);
  const { id, source, detail } = envelope.data;
  const name = ACCOUNT_EVENT_NAMES.find(
    (candidate) => AccountEvent[candidate].pattern.source.includes(source) && detail.eventName === candidate,
  );
  if (name === undefined) throw invalidEvent(`${source} ${detail.eventName ?? '(no eventName)'} is not an account event this product handles`);

  const definition = AccountEvent[name];
  const facts = definition.read(detail);
  if (typeof facts === 'string') throw invalidEvent(`${name} event ${id} has an unexpected shape: ${facts}`);
  const { state, accountId } = facts;
  if (state !== 'SUCCEEDED') return { status: 'IGNORED', reason: `${name} event ${id} reports state ${state}` };
  if (accountId === undefined) throw invalidEvent(`${name} event ${id} reports success but names no account`);

  return {
    kind: definition.kind,
    accountId,
    idempotencyKey: `event:${id}`,
    input: { accountId, ...definition.input, trigger: `${source}:${name}:${id}`.slice(0, 100) },
  };
}

/** Reads an operator's manual input into a start request. */
export function startRequestFromManualInput(event: unknown, requestId: string): StartRequest {
  const parsed = manualStartSchema.safeParse(event);
  if (!parsed.success) throw invalidEvent(`not a valid manual start input: ${z.prettifyError(parsed.error)}`);
  const { action, idempotencyKey, ...input } = parsed.data;
  const kind = action ?? WorkflowKind.Onboard;
  return {
    kind,
    accountId: input.accountId,
    idempotencyKey: `manual:${idempotencyKey ?? requestId}`,
    input: { ...input, trigger: input.trigger ?? 'manual' },
  };
}

function invalidEvent(why: string): OnboardingError {
  return new OnboardingError(ErrorCode.INVALID_INPUT, `The start-execution function received an event it cannot use: ${why}.`);
}

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

/** CloudFormation refuses response bodies over 4 KB; a long reason must not make the response itself fail. */
const MAX_REASON_LENGTH = 1000;

/**
 * The deploy-time onboarding: Create and Update start one onboarding of the configured account
 * (the nonce changes on every synth, so every deploy is an Update); Delete does nothing — removing
 * the stack must not undo onboardings. CloudFormation always gets an answer, or it would wait
 * for the resource's timeout.
 */
export async function handleCustomResource(deps: ExecutionStarterDependencies, request: CustomResourceRequest): Promise<CustomResourceResponse> {
  const properties = deployTriggerPropertiesSchema.safeParse(request.ResourceProperties);
  const physicalResourceId = properties.success
    ? `onboarding-on-deploy-${properties.data.AccountId}`
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
      const { AccountId: accountId, DeployNonce: nonce } = properties.data;
      const started = await startWorkflow(deps, {
        kind: WorkflowKind.Onboard,
        accountId,
        idempotencyKey: `deploy:${nonce}`,
        input: { accountId, trigger: `cdk deploy ${nonce}`.slice(0, 100) },
      });
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

/** PUTs the response to CloudFormation's pre-signed S3 URL (which must not carry a content type). */
export async function putCustomResourceResponse(fetchFn: typeof fetch, responseUrl: string, body: string): Promise<void> {
  const response = await fetchFn(responseUrl, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) {
    // The URL is pre-signed: it is a credential and never appears in a message.
    throw new OnboardingError(ErrorCode.INTERNAL, `CloudFormation did not accept the custom resource response (HTTP ${response.status}).`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
