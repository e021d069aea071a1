import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { CustomResourceResponse } from '../../../lambda/triggers/custom-resource.js';
import type { ExecutionStarterDependencies } from '../../../lambda/triggers/start-event.js';
import { AccountLockAttribute } from '../../../lambda/contract/account-lock.js';
import { DynamoDbSandbox } from '../../../local/aws/dynamodb-sandbox.js';

/** Fixtures and fakes shared by the tests of lambda/triggers/. */

export const ACCOUNT = '444455556666';
export const OTHER_ACCOUNT = '777788889999';
export const ONBOARDING_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:Onboarding';
export const OFFBOARDING_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:Offboarding';
export const EVENT_ID = '68679d28-343e-d8ec-4a8c-cdd430223a5d';
export const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/stack?X-Amz-Signature=presigned-secret-signature';

/** Real event shapes, as AWS documents them (Organizations via CloudTrail, Control Tower lifecycle). */
export function createAccountResult(state = 'SUCCEEDED', accountId: string | null = ACCOUNT): Record<string, unknown> {
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

export function createManagedAccount(state = 'SUCCEEDED'): Record<string, unknown> {
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

/** Control Tower's UpdateManagedAccount, as its user guide shows it (an enrolment retried after an error ends with it). */
export function updateManagedAccount(state = 'SUCCEEDED'): Record<string, unknown> {
  return {
    version: '0',
    id: 'bbbbcccc-1111-2222-3333-444455556666',
    'detail-type': 'AWS Service Event via CloudTrail',
    source: 'aws.controltower',
    account: '111122223333',
    time: '2019-11-16T12:09:32Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      eventVersion: '1.05',
      eventSource: 'controltower.amazonaws.com',
      eventName: 'UpdateManagedAccount',
      awsRegion: 'eu-west-1',
      eventType: 'AwsServiceEvent',
      serviceEventDetails: {
        updateManagedAccountStatus: {
          organizationalUnit: { organizationalUnitName: 'Custom', organizationalUnitId: 'ou-abcd-l3zc8b3h' },
          account: { accountName: 'LifeCycle1', accountId: ACCOUNT },
          state,
          message: 'AWS Control Tower successfully updated a managed account.',
          requestedTimestamp: '2019-11-15T11:45:18+0000',
          completedTimestamp: '2019-11-16T12:09:32+0000',
        },
      },
    },
  };
}

export function closeAccountResult(): Record<string, unknown> {
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

export function removeAccountFromOrganization(errorCode?: string): Record<string, unknown> {
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

export function cloudFormationRequest(requestType: 'Create' | 'Update' | 'Delete', properties: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:Starter',
    ResponseURL: RESPONSE_URL,
    StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/LogpointCloudTrailOnboarding/guid',
    RequestId: 'c3b8a1f0-request',
    ResourceType: 'Custom::LogpointCloudTrailOnboarding',
    LogicalResourceId: 'OnboardingDeployTrigger7BECAD93',
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: `onboarding-on-deploy-${ACCOUNT}` }),
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:Starter',
      AccountId: ACCOUNT,
      DeployNonce: '2026-01-01T00:00:00.000Z',
      ...properties,
    },
  };
}

const mockSfn = () => mockClient(SFNClient);
/** The Step Functions mock of the running test file (installStarterFakes): it replaces SFNClient's prototype until the file ends. */
export let sfnMock: ReturnType<typeof mockSfn>;
const LOCK_TABLE = 'AccountLocks';
/** The lock table the starter reads (dynalite), a fresh one per test (installStarterFakes). */
export let lockTable: DynamoDbSandbox;
let lockDynamo: DynamoDBClient;

/** The account's lock as a run of `executionArn` holds it, for an hour from now. */
export async function holdLock(accountId: string, executionArn: string, workflow = 'onboard'): Promise<void> {
  await lockDynamo.send(
    new PutItemCommand({
      TableName: LOCK_TABLE,
      Item: {
        [AccountLockAttribute.accountId]: { S: accountId },
        [AccountLockAttribute.owner]: { S: executionArn },
        [AccountLockAttribute.workflow]: { S: workflow },
        [AccountLockAttribute.acquiredAt]: { S: new Date().toISOString() },
        [AccountLockAttribute.expiresAt]: { N: String(Math.floor(Date.now() / 1000) + 3600) },
      },
    }),
  );
}
/** Every custom resource response the starter sent in the current test. */
export const responses: { url: string; body: CustomResourceResponse }[] = [];

export function dependencies(overrides: Partial<ExecutionStarterDependencies> = {}): ExecutionStarterDependencies & { requestId: string } {
  return {
    sfn: new SFNClient({}),
    stateMachines: { onboard: ONBOARDING_ARN, offboard: OFFBOARDING_ARN },
    locks: { dynamo: lockDynamo, tableName: LOCK_TABLE },
    now: () => new Date(),
    sendCustomResourceResponse: (url, body) => {
      responses.push({ url, body: JSON.parse(body) as CustomResourceResponse });
      return Promise.resolve();
    },
    requestId: 'lambda-request-1',
    ...overrides,
  };
}

export function startedExecutionArn(stateMachineArn: string, name: string): string {
  return stateMachineArn.replace(':stateMachine:', ':execution:') + `:${name}`;
}

/**
 * Registers the per-test reset of the Step Functions mock and the recorded responses: no running
 * executions, StartExecution succeeds, any other command fails.
 */
export function installStarterFakes(): void {
  // Per file, and restored after it: a worker that runs several files must not keep SFNClient mocked.
  beforeAll(() => {
    sfnMock = mockSfn();
  });
  afterAll(() => {
    sfnMock.restore();
  });
  beforeEach(async () => {
    sfnMock.reset();
    // Strict: a command the test did not expect fails loudly instead of resolving undefined.
    sfnMock.onAnyCommand().rejects(new Error('unexpected SFN command'));
    lockTable = await DynamoDbSandbox.start({ region: 'us-east-1', tables: [{ name: LOCK_TABLE, partitionKey: AccountLockAttribute.accountId }] });
    lockDynamo = lockTable.client;
    sfnMock.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
      executionArn: startedExecutionArn(input.stateMachineArn, input.name),
      startDate: new Date(),
    }));
    responses.length = 0;
  });

  afterEach(async () => {
    sfnMock.reset();
    await lockTable.stop();
  });
}

export function startInput(): Record<string, unknown> {
  const call = sfnMock.commandCalls(StartExecutionCommand)[0];
  if (!call) throw new Error('StartExecution was not called');
  return JSON.parse(call.args[0].input.input ?? '{}') as Record<string, unknown>;
}
