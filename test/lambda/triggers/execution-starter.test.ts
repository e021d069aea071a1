import {
  ExecutionAlreadyExists,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccountEvent,
  executionArnFor,
  executionNameFor,
  handleStartEvent,
  putCustomResourceResponse,
  startRequestFromAccountEvent,
  type CustomResourceResponse,
  type ExecutionStarterDependencies,
  type StartedExecution,
} from '../../../lambda/triggers/execution-starter.js';
import { onboardingInputSchema } from '../../../lambda/onboarding/workflow-contract.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';

const ACCOUNT = '444455556666';
const OTHER_ACCOUNT = '777788889999';
const ONBOARDING_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:Onboarding';
const OFFBOARDING_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:Offboarding';
const EVENT_ID = '68679d28-343e-d8ec-4a8c-cdd430223a5d';
const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/stack?X-Amz-Signature=presigned-secret-signature';

/** Real event shapes, as AWS documents them (Organizations via CloudTrail, Control Tower lifecycle). */
function createAccountResult(state = 'SUCCEEDED', accountId: string | null = ACCOUNT): Record<string, unknown> {
  return {
    version: '0',
    id: EVENT_ID,
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.organizations',
    account: '111122223333',
    time: '2023-05-15T08:27:14Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.08',
      userIdentity: { accountId: '111122223333', invokedBy: 'AWS Internal' },
      eventSource: 'organizations.amazonaws.com',
      eventName: 'CreateAccountResult',
      awsRegion: 'us-east-1',
      eventType: 'AwsServiceEvent',
      serviceEventDetails: {
        createAccountStatus: {
          id: 'car-3fbd74c0f2fa11ed8b6e0a41b5dcf48f',
          state,
          accountName: '****',
          ...(accountId === null ? {} : { accountId }),
          requestedTimestamp: 'May 15, 2023 8:26:54 AM',
          completedTimestamp: 'May 15, 2023 8:26:57 AM',
        },
      },
      eventCategory: 'Management',
    },
  };
}

function createManagedAccount(state = 'SUCCEEDED'): Record<string, unknown> {
  return {
    version: '0',
    id: '999cccaa-eaaa-0000-1111-123456789012',
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.controltower',
    account: '111122223333',
    time: '2018-08-30T21:42:18Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      eventVersion: '1.05',
      eventSource: 'controltower.amazonaws.com',
      eventName: 'CreateManagedAccount',
      awsRegion: 'eu-west-1',
      eventType: 'AwsServiceEvent',
      serviceEventDetails: {
        createManagedAccountStatus: {
          organizationalUnit: { organizationalUnitName: 'Custom', organizationalUnitId: 'ou-abcd-l3zc8b3h' },
          account: { accountName: 'LifeCycle1', accountId: ACCOUNT },
          state,
          message: 'AWS Control Tower successfully created a managed account.',
          requestedTimestamp: '2019-11-15T11:45:18+0000',
          completedTimestamp: '2019-11-16T12:09:32+0000',
        },
      },
    },
  };
}

function closeAccountResult(): Record<string, unknown> {
  return {
    version: '0',
    id: 'aaaabbbb-1111-2222-3333-444455556666',
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.organizations',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventSource: 'organizations.amazonaws.com',
      eventName: 'CloseAccountResult',
      eventType: 'AwsServiceEvent',
      serviceEventDetails: {
        closeAccountStatus: {
          accountId: ACCOUNT,
          state: 'SUCCEEDED',
          requestedTimestamp: 'Mar 18, 2022 6:16:58 PM',
          completedTimestamp: 'Mar 18, 2022 6:16:58 PM',
        },
      },
    },
  };
}

function removeAccountFromOrganization(errorCode?: string): Record<string, unknown> {
  return {
    version: '0',
    id: 'cccc0000-1111-2222-3333-444455556666',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.organizations',
    region: 'us-east-1',
    resources: [],
    detail: {
      eventSource: 'organizations.amazonaws.com',
      eventName: 'RemoveAccountFromOrganization',
      eventType: 'AwsApiCall',
      requestParameters: { accountId: ACCOUNT },
      responseElements: null,
      ...(errorCode === undefined ? {} : { errorCode, errorMessage: 'You cannot remove this account.' }),
    },
  };
}

function cloudFormationRequest(requestType: 'Create' | 'Update' | 'Delete', properties: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:Starter',
    ResponseURL: RESPONSE_URL,
    StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/LogpointCloudTrailOnboarding/guid',
    RequestId: 'c3b8a1f0-request',
    ResourceType: 'Custom::LogpointCloudTrailOnboarding',
    LogicalResourceId: 'OnboardingDeployTrigger7BECAD93',
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: `onboarding-on-deploy-${ACCOUNT}` }),
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:Starter', AccountId: ACCOUNT, DeployNonce: '2026-01-01T00:00:00.000Z', ...properties },
  };
}

const sfnMock = mockClient(SFNClient);
let responses: { url: string; body: CustomResourceResponse }[];

function dependencies(overrides: Partial<ExecutionStarterDependencies> = {}): ExecutionStarterDependencies & { requestId: string } {
  return {
    sfn: new SFNClient({}),
    stateMachines: { onboard: ONBOARDING_ARN, offboard: OFFBOARDING_ARN },
    sendCustomResourceResponse: (url, body) => {
      responses.push({ url, body: JSON.parse(body) as CustomResourceResponse });
      return Promise.resolve();
    },
    requestId: 'lambda-request-1',
    ...overrides,
  };
}

function startedExecutionArn(stateMachineArn: string, name: string): string {
  return stateMachineArn.replace(':stateMachine:', ':execution:') + `:${name}`;
}

beforeEach(() => {
  sfnMock.reset();
  // Strict: a command the test did not expect fails loudly instead of resolving undefined.
  sfnMock.onAnyCommand().rejects(new Error('unexpected SFN command'));
  sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
  sfnMock.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
    executionArn: startedExecutionArn(input.stateMachineArn, input.name),
    startDate: new Date(),
  }));
  responses = [];
});

afterEach(() => {
  sfnMock.reset();
});

function startInput(): Record<string, unknown> {
  const call = sfnMock.commandCalls(StartExecutionCommand)[0];
  if (!call) throw new Error('StartExecution was not called');
  return JSON.parse(call.args[0].input.input ?? '{}') as Record<string, unknown>;
}

describe('account events become start requests', () => {
  it('starts an onboarding for an Organizations CreateAccountResult, passing only the account and the trigger', async () => {
    // Act
    const outcome = (await handleStartEvent(createAccountResult(), dependencies())) as StartedExecution;

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED', kind: 'onboard', accountId: ACCOUNT });
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: ONBOARDING_ARN, name: outcome.executionName });
    // Organization prefix and bucket come from the stack's settings inside ValidateInput, not from here.
    expect(startInput()).toEqual({ accountId: ACCOUNT, trigger: `aws.organizations:CreateAccountResult:${EVENT_ID}` });
    expect(onboardingInputSchema.safeParse(startInput()).success).toBe(true);
  });

  it('starts an onboarding for a Control Tower CreateManagedAccount, reading account.accountId', async () => {
    // Act
    const outcome = (await handleStartEvent(createManagedAccount(), dependencies())) as StartedExecution;

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED', kind: 'onboard', accountId: ACCOUNT });
    expect(startInput()).toMatchObject({ accountId: ACCOUNT, trigger: expect.stringMatching(/^aws\.controltower:CreateManagedAccount:/) as unknown });
  });

  it('starts the offboarding workflow for CloseAccountResult and for a successful RemoveAccountFromOrganization', async () => {
    // Act
    const closed = (await handleStartEvent(closeAccountResult(), dependencies())) as StartedExecution;
    const removed = (await handleStartEvent(removeAccountFromOrganization(), dependencies())) as StartedExecution;

    // Assess
    expect(closed).toMatchObject({ status: 'STARTED', kind: 'offboard', accountId: ACCOUNT });
    expect(removed).toMatchObject({ status: 'STARTED', kind: 'offboard', accountId: ACCOUNT });
    expect(closed.executionName).toMatch(new RegExp(`^offboard-${ACCOUNT}-[0-9a-f]{16}$`));
    const calls = sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(calls.map((call) => call.stateMachineArn)).toEqual([OFFBOARDING_ARN, OFFBOARDING_ARN]);
    expect(calls.map((call) => (JSON.parse(call.input ?? '{}') as { reason?: string }).reason)).toEqual(['account-closed', 'removed-from-organization']);
  });

  it('ignores an event whose operation did not succeed, starting nothing', async () => {
    // Act
    const failedCreate = await handleStartEvent(createAccountResult('FAILED'), dependencies());
    const failedManaged = await handleStartEvent(createManagedAccount('FAILED'), dependencies());
    const refusedRemoval = await handleStartEvent(removeAccountFromOrganization('AccessDeniedException'), dependencies());

    // Assess
    for (const outcome of [failedCreate, failedManaged, refusedRemoval]) expect(outcome).toMatchObject({ status: 'IGNORED' });
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(sfnMock).not.toHaveReceivedCommand(ListExecutionsCommand);
  });

  it('rejects an event it does not handle, or one that names no valid account, with INVALID_INPUT', async () => {
    // Prepare
    const unknown = { ...createAccountResult(), detail: { eventName: 'InviteAccountToOrganization' } };
    const badAccount = createAccountResult('SUCCEEDED', '12345');
    const noAccount = createAccountResult('SUCCEEDED', null);

    // Act
    const errors = await Promise.all([unknown, badAccount, noAccount].map((event) => onboardingErrorOf(handleStartEvent(event, dependencies()))));

    // Assess
    for (const error of errors) expect(error.code).toBe(ErrorCode.INVALID_INPUT);
    expect(errors[1]?.message).toContain('12-digit');
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('names the execution from the event id, so a redelivered event maps to the same name', () => {
    // Act
    const first = startRequestFromAccountEvent(createAccountResult());
    const again = startRequestFromAccountEvent(createAccountResult());
    const other = startRequestFromAccountEvent({ ...createAccountResult(), id: 'another-event-id' });

    // Assess
    expect(first).toEqual(again);
    expect('idempotencyKey' in first && 'idempotencyKey' in other && first.idempotencyKey !== other.idempotencyKey).toBe(true);
  });

  it('accepts exactly the events its own EventBridge patterns describe', () => {
    // Assess: every pattern's source and eventName route back to the same definition.
    const fixtures = { CreateAccountResult: createAccountResult(), CreateManagedAccount: createManagedAccount(), CloseAccountResult: closeAccountResult(), RemoveAccountFromOrganization: removeAccountFromOrganization() };
    for (const [name, event] of Object.entries(fixtures)) {
      const pattern = AccountEvent[name as keyof typeof AccountEvent].pattern;
      expect(pattern.source).toContain(event.source);
      expect(pattern.detailType).toContain(event['detail-type']);
      expect((pattern.detail as { eventName: string[] }).eventName).toEqual([name]);
      expect(startRequestFromAccountEvent(event)).toMatchObject({ accountId: ACCOUNT, kind: AccountEvent[name as keyof typeof AccountEvent].kind });
    }
  });
});

describe('execution names', () => {
  it('are onboard-<account>-<16 hex>, stable for a key and different for another key', () => {
    // Act
    const name = executionNameFor('onboard', ACCOUNT, 'event:abc');

    // Assess
    expect(name).toMatch(new RegExp(`^onboard-${ACCOUNT}-[0-9a-f]{16}$`));
    expect(executionNameFor('onboard', ACCOUNT, 'event:abc')).toBe(name);
    expect(executionNameFor('onboard', ACCOUNT, 'event:abd')).not.toBe(name);
    expect(name.length).toBeLessThanOrEqual(80);
  });

  it('map to the ARN StartExecution would return', () => {
    // Act
    const arn = executionArnFor(ONBOARDING_ARN, 'onboard-444455556666-0123456789abcdef');

    // Assess
    expect(arn).toBe('arn:aws:states:us-east-1:111122223333:execution:Onboarding:onboard-444455556666-0123456789abcdef');
  });
});

describe('one run per account at a time', () => {
  it('does not start a second onboarding while one for the same account is running, and reports the running one', async () => {
    // Prepare: the running execution sits on the second page of ListExecutions.
    const running = { name: `onboard-${ACCOUNT}-aaaaaaaaaaaaaaaa`, executionArn: `${ONBOARDING_ARN.replace(':stateMachine:', ':execution:')}:onboard-${ACCOUNT}-aaaaaaaaaaaaaaaa` };
    sfnMock
      .on(ListExecutionsCommand, { stateMachineArn: ONBOARDING_ARN, statusFilter: 'RUNNING', nextToken: undefined })
      .resolves({ executions: [{ name: `onboard-${OTHER_ACCOUNT}-bbbbbbbbbbbbbbbb`, executionArn: 'arn:other', stateMachineArn: ONBOARDING_ARN, status: 'RUNNING', startDate: new Date() }], nextToken: 'page-2' })
      .on(ListExecutionsCommand, { nextToken: 'page-2' })
      .resolves({ executions: [{ ...running, stateMachineArn: ONBOARDING_ARN, status: 'RUNNING', startDate: new Date() }] });

    // Act
    const outcome = (await handleStartEvent(createAccountResult(), dependencies())) as StartedExecution;

    // Assess
    expect(outcome).toMatchObject({ status: 'ALREADY_RUNNING', executionName: running.name, executionArn: running.executionArn });
    expect(sfnMock).toHaveReceivedCommandTimes(ListExecutionsCommand, 2);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('starts an onboarding when only other accounts have runs in progress', async () => {
    // Prepare
    sfnMock.on(ListExecutionsCommand).resolves({
      executions: [{ name: `onboard-${OTHER_ACCOUNT}-bbbbbbbbbbbbbbbb`, executionArn: 'arn:other', stateMachineArn: ONBOARDING_ARN, status: 'RUNNING', startDate: new Date() }],
    });

    // Act
    const outcome = await handleStartEvent(createAccountResult(), dependencies());

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED' });
  });

  it('treats ExecutionAlreadyExists (a duplicate delivery after the first run ended) as success', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    // Act
    const outcome = (await handleStartEvent(createAccountResult(), dependencies())) as StartedExecution;

    // Assess
    expect(outcome.status).toBe('ALREADY_STARTED');
    expect(outcome.executionArn).toBe(executionArnFor(ONBOARDING_ARN, outcome.executionName));
  });

  it('lets any other Step Functions error through, so the Lambda service retries and then dead-letters the event', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: {} }));

    // Act
    const attempt = handleStartEvent(createAccountResult(), dependencies());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('refuses an offboarding event when no offboarding workflow is deployed', async () => {
    // Act
    const error = await onboardingErrorOf(handleStartEvent(closeAccountResult(), dependencies({ stateMachines: { onboard: ONBOARDING_ARN } })));

    // Assess
    expect(error.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

describe('the deploy-time custom resource', () => {
  it('starts one onboarding on Create and answers SUCCESS with the execution ARN', async () => {
    // Act
    await handleStartEvent(cloudFormationRequest('Create'), dependencies());

    // Assess
    expect(responses).toHaveLength(1);
    const [response] = responses;
    expect(response?.url).toBe(RESPONSE_URL);
    const name = executionNameFor('onboard', ACCOUNT, 'deploy:2026-01-01T00:00:00.000Z');
    expect(response?.body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: `onboarding-on-deploy-${ACCOUNT}`,
      StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/LogpointCloudTrailOnboarding/guid',
      RequestId: 'c3b8a1f0-request',
      LogicalResourceId: 'OnboardingDeployTrigger7BECAD93',
      NoEcho: false,
      Data: { ExecutionArn: startedExecutionArn(ONBOARDING_ARN, name), ExecutionName: name, StartStatus: 'STARTED' },
    });
    expect(startInput()).toEqual({ accountId: ACCOUNT, trigger: 'cdk deploy 2026-01-01T00:00:00.000Z' });
  });

  it('starts a new onboarding on each deploy (new nonce) and none for a repeated request of the same deploy', async () => {
    // Act
    await handleStartEvent(cloudFormationRequest('Update', { DeployNonce: 'deploy-2' }), dependencies());
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    await handleStartEvent(cloudFormationRequest('Update', { DeployNonce: 'deploy-2' }), dependencies());

    // Assess
    const names = sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name);
    expect(names[0]).toBe(names[1]);
    expect(responses.map((response) => response.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(responses[1]?.body.Data).toMatchObject({ ExecutionArn: responses[0]?.body.Data?.ExecutionArn, StartStatus: 'ALREADY_STARTED' });
  });

  it('does nothing on Delete but answer SUCCESS with the same physical id', async () => {
    // Act
    await handleStartEvent(cloudFormationRequest('Delete'), dependencies());

    // Assess
    expect(sfnMock).not.toHaveReceivedAnyCommand();
    expect(responses[0]?.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `onboarding-on-deploy-${ACCOUNT}` });
  });

  it('answers FAILED with the reason (and does not throw) when the onboarding cannot start, so the deploy stops at once', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: {} }));

    // Act
    await handleStartEvent(cloudFormationRequest('Create'), dependencies());

    // Assess
    expect(responses[0]?.body).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('State Machine Does Not Exist') as unknown });
  });

  it('answers FAILED naming the property when the account id is invalid', async () => {
    // Act
    await handleStartEvent(cloudFormationRequest('Create', { AccountId: 'not-an-account' }), dependencies());

    // Assess
    expect(responses[0]?.body).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('AccountId') as unknown });
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('never logs the pre-signed response URL', async () => {
    // Prepare
    const lines: string[] = [];
    const logger = {
      info: (message: string, attributes?: Record<string, unknown>) => lines.push(JSON.stringify([message, attributes])),
      warn: (message: string, attributes?: Record<string, unknown>) => lines.push(JSON.stringify([message, attributes])),
      error: (message: string, attributes?: Record<string, unknown>) => lines.push(JSON.stringify([message, attributes])),
    };

    // Act
    await handleStartEvent(cloudFormationRequest('Create'), dependencies({ logger }));

    // Assess
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('presigned-secret-signature');
  });
});

describe('manual starts', () => {
  it('passes the operator input through and names the run from the idempotency key', async () => {
    // Act
    const outcome = (await handleStartEvent(
      { accountId: ACCOUNT, bucketName: 'other-trail-bucket', idempotencyKey: 'ticket-42' },
      dependencies(),
    )) as StartedExecution;

    // Assess
    expect(outcome.executionName).toBe(executionNameFor('onboard', ACCOUNT, 'manual:ticket-42'));
    expect(startInput()).toEqual({ accountId: ACCOUNT, bucketName: 'other-trail-bucket', trigger: 'manual' });
  });

  it('without a key, names the run from the Lambda request id, which the service keeps across its own retries', async () => {
    // Act
    const outcome = (await handleStartEvent({ accountId: ACCOUNT }, dependencies({}))) as StartedExecution;

    // Assess
    expect(outcome.executionName).toBe(executionNameFor('onboard', ACCOUNT, 'manual:lambda-request-1'));
  });

  it('starts an offboarding on request', async () => {
    // Act
    const outcome = await handleStartEvent({ action: 'offboard', accountId: ACCOUNT, reason: 'manual' }, dependencies());

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED', kind: 'offboard' });
    expect(startInput()).toEqual({ accountId: ACCOUNT, reason: 'manual', trigger: 'manual' });
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: OFFBOARDING_ARN });
  });

  it('rejects an input the workflow would refuse, before starting anything', async () => {
    // Act
    const error = await onboardingErrorOf(handleStartEvent({ accountId: ACCOUNT, bucketName: 'Not_A_Bucket' }, dependencies()));

    // Assess
    expect(error.code).toBe(ErrorCode.INVALID_INPUT);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

describe('putCustomResourceResponse', () => {
  async function withServer(status: number, run: (url: string, requests: { method?: string; headers: IncomingMessage['headers']; body: string }[]) => Promise<void>): Promise<void> {
    const requests: { method?: string; headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        requests.push({ method: request.method, headers: request.headers, body });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await run(`http://127.0.0.1:${port}/response?X-Amz-Signature=presigned-secret-signature`, requests);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it('PUTs the JSON body with an empty content type, as the pre-signed URL requires', async () => {
    await withServer(200, async (url, requests) => {
      // Act
      await putCustomResourceResponse(fetch, url, '{"Status":"SUCCESS"}');

      // Assess
      expect(requests).toHaveLength(1);
      expect(requests[0]?.method).toBe('PUT');
      expect(requests[0]?.headers['content-type'] ?? '').toBe('');
      expect(requests[0]?.body).toBe('{"Status":"SUCCESS"}');
    });
  });

  it('fails when CloudFormation refuses the response, without revealing the pre-signed URL', async () => {
    await withServer(403, async (url) => {
      // Act
      const error = await onboardingErrorOf(putCustomResourceResponse(fetch, url, '{}'));

      // Assess
      expect(error.message).toContain('403');
      expect(error.message).not.toContain('presigned-secret-signature');
    });
  });
});
