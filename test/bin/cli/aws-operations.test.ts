import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  type ExecutionListItem,
  type ListExecutionsCommandInput,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { awsOperations, type StackParts } from '../../../bin/cli/aws-operations.js';
import type { ManualStart } from '../../../bin/cli/target.js';
import { rejectionOf } from '../../support/rejections.js';

/**
 * The run commands against a deployed stack (`--target aws`): starts through the starter function,
 * runs from Step Functions, the registry from its table, a rotation through RotateSecret. Every
 * AWS client is a mock; the answers are shaped as AWS gives them.
 */

const ACCOUNT = '123456789012';
const ONBOARDING = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:LogpointOnboarding`;
const OFFBOARDING = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:LogpointOffboarding`;
const STACK: StackParts = {
  starterFunctionName: 'LogpointCloudTrailOnboarding-Starter',
  onboardingStateMachineArn: ONBOARDING,
  offboardingStateMachineArn: OFFBOARDING,
  accountRegistryTable: 'LogpointCloudTrailOnboarding-AccountRegistry',
};
const REQUEST: ManualStart = { action: 'onboard', accountId: '111122223333', idempotencyKey: 'cli-1', trigger: 'cli' };
const SECRET_STRING = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const lambda = mockClient(LambdaClient);
const sfn = mockClient(SFNClient);
const dynamo = mockClient(DynamoDBClient);
const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => {
  lambda.reset();
  sfn.reset();
  dynamo.reset();
  secretsManager.reset();
});

// The mocks replace the clients' prototypes; the next file in this worker gets real clients back.
afterAll(() => {
  for (const mock of [lambda, sfn, dynamo, secretsManager]) mock.restore();
});

const operations = (stack: Partial<StackParts> = {}) =>
  awsOperations(
    {
      lambda: new LambdaClient({ region: 'eu-west-1' }),
      sfn: new SFNClient({ region: 'eu-west-1' }),
      dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
      secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }),
    },
    { ...STACK, ...stack },
  );

/** A Lambda answer's Payload: the function's JSON result as bytes (the SDK's blob adapter is a Uint8Array too). */
const payload = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value)) as InvokeCommandOutput['Payload'];

describe('awsOperations start', () => {
  it('invokes the starter function synchronously with the request as JSON and answers the StartedExecution it returns', async () => {
    // Protects: the operator gets the execution (or the run holding the account) the starter started, not a fire-and-forget.
    // Prepare
    const started = {
      status: 'STARTED',
      kind: 'onboard',
      accountId: '111122223333',
      executionName: 'onboard-111122223333-0123abcd',
      executionArn: `arn:aws:states:eu-west-1:${ACCOUNT}:execution:LogpointOnboarding:onboard-111122223333-0123abcd`,
    };
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(started) });

    // Act
    const answer = await operations().start(REQUEST);

    // Assess
    expect(answer).toEqual(started);
    const [call] = lambda.commandCalls(InvokeCommand);
    expect(call?.args[0].input).toMatchObject({ FunctionName: STACK.starterFunctionName, InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(call?.args[0].input.Payload as Uint8Array))).toEqual(REQUEST);
  });

  it('rejects naming the errorType and message when the starter function failed (FunctionError)', async () => {
    // Protects: a refusal of the starter (no such workflow, bad account) reaches the operator as what it said.
    // Prepare
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({ errorType: 'OnboardingError', errorMessage: 'No offboard workflow is deployed with this starter', trace: ['at x'] }),
    });

    // Act
    const refusal = await rejectionOf(operations().start({ ...REQUEST, action: 'offboard' }));

    // Assess
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).toMatch(/OnboardingError: No offboard workflow is deployed with this starter/);
  });

  it('rejects with the FunctionError itself when the failed answer carries no errorType', async () => {
    // Protects: a crash without a structured error (a timeout, an out-of-memory) still says something.
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload('') });

    // Act
    const refusal = await rejectionOf(operations().start(REQUEST));

    // Assess
    expect((refusal as Error).message).toMatch(/Unhandled: no message/);
  });

  it('rejects an answer that is not a StartedExecution', async () => {
    // Protects: a starter of another version (or another function) is not taken as having started a run.
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ status: 'QUEUED', kind: 'onboard', accountId: '111122223333' }) });

    // Act
    const refusal = await rejectionOf(operations().start(REQUEST));

    // Assess
    expect(refusal).toBeInstanceOf(Error);
    expect((refusal as Error).message).toMatch(/status|executionArn/);
  });
});

describe('awsOperations describeRun', () => {
  const EXECUTION = `arn:aws:states:eu-west-1:${ACCOUNT}:execution:LogpointOnboarding:onboard-111122223333-0123abcd`;

  it('maps DescribeExecution and takes the current state from the newest state entered in the history, read newest first', async () => {
    // Protects: `status` shows where a run stopped, and why, as Step Functions reports it.
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION,
      stateMachineArn: ONBOARDING,
      name: 'onboard-111122223333-0123abcd',
      status: 'FAILED',
      startDate: new Date('2024-05-01T10:00:00.000Z'),
      stopDate: new Date('2024-05-01T10:03:00.000Z'),
      error: 'DIRECTOR_UNAVAILABLE',
      cause: 'Director answered 503',
    });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 9, type: 'ExecutionFailed', timestamp: new Date('2024-05-01T10:03:00.000Z') },
        { id: 8, type: 'TaskStateExited', timestamp: new Date(), stateExitedEventDetails: { name: 'RegisterLogSource' } },
        { id: 7, type: 'TaskStateEntered', timestamp: new Date(), stateEnteredEventDetails: { name: 'RegisterLogSource' } },
        { id: 3, type: 'TaskStateEntered', timestamp: new Date(), stateEnteredEventDetails: { name: 'AcquireLock' } },
      ],
    });

    // Act
    const run = await operations().describeRun(EXECUTION);

    // Assess
    expect(run).toEqual({
      workflow: 'onboard',
      executionName: 'onboard-111122223333-0123abcd',
      executionArn: EXECUTION,
      status: 'FAILED',
      startDate: '2024-05-01T10:00:00.000Z',
      stopDate: '2024-05-01T10:03:00.000Z',
      currentState: 'RegisterLogSource',
      error: 'DIRECTOR_UNAVAILABLE',
      cause: 'Director answered 503',
    });
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: EXECUTION });
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]?.args[0].input).toMatchObject({ executionArn: EXECUTION, reverseOrder: true });
  });

  it('leaves out the stop date, error, cause and current state a running run does not have yet', async () => {
    // Protects: a running run is not shown with an invented end or failure.
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION,
      name: 'onboard-111122223333-0123abcd',
      status: 'RUNNING',
      startDate: new Date('2024-05-01T10:00:00.000Z'),
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [{ id: 1, type: 'ExecutionStarted', timestamp: new Date() }] });

    // Act
    const run = await operations().describeRun(EXECUTION);

    // Assess
    expect(run).toEqual({
      workflow: 'onboard',
      executionName: 'onboard-111122223333-0123abcd',
      executionArn: EXECUTION,
      status: 'RUNNING',
      startDate: '2024-05-01T10:00:00.000Z',
    });
  });
});

describe('awsOperations runs', () => {
  const item = (stateMachineArn: string, name: string, startDate: string, status: ExecutionListItem['status'] = 'SUCCEEDED'): ExecutionListItem => ({
    executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
    stateMachineArn,
    name,
    status,
    startDate: new Date(startDate),
    ...(status === 'RUNNING' ? {} : { stopDate: new Date(Date.parse(startDate) + 60_000) }),
  });

  /**
   * Two pages of onboarding executions (joined by nextToken) and one page of offboarding ones.
   * Answers what was asked, as it was asked (the SDK's paginator reuses its input object, so the
   * mock's recorded inputs show only the last token).
   */
  function listExecutionsAsStepFunctions(): [string | undefined, string | undefined][] {
    const asked: [string | undefined, string | undefined][] = [];
    const pages: Record<string, ExecutionListItem[][]> = {
      [ONBOARDING]: [
        [
          item(ONBOARDING, 'onboard-111122223333-aaaa1111', '2024-05-03T10:00:00.000Z', 'RUNNING'),
          item(ONBOARDING, 'fleet-2024-05-02-bbbb2222', '2024-05-02T09:00:00.000Z'),
          item(ONBOARDING, 'onboard-o-abcdef1234-cccc3333', '2024-05-01T10:00:00.000Z', 'FAILED'),
        ],
        [
          item(ONBOARDING, 'onboard-12345-dddd4444', '2024-04-30T10:00:00.000Z'),
          item(ONBOARDING, 'onboard-444455556666-eeee5555', '2024-04-29T10:00:00.000Z'),
          item(ONBOARDING, 'onboard-444455556666', '2024-04-28T10:00:00.000Z'),
        ],
      ],
      [OFFBOARDING]: [[item(OFFBOARDING, 'offboard-444455556666-ffff6666', '2024-05-02T12:00:00.000Z')]],
    };
    sfn.on(ListExecutionsCommand).callsFake((input: ListExecutionsCommandInput) => {
      asked.push([input.stateMachineArn, input.nextToken]);
      const machine = pages[input.stateMachineArn ?? ''] ?? [];
      const index = input.nextToken === undefined ? 0 : Number(input.nextToken.replace('page-', ''));
      return Promise.resolve({ executions: machine[index] ?? [], ...(index + 1 < machine.length ? { nextToken: `page-${index + 1}` } : {}) });
    });
    return asked;
  }

  it('lists the runs of both state machines across pages, keeps only onboard/offboard names, and sorts them oldest first', async () => {
    // Protects: `status` shows every account's runs, with the account read from the execution name.
    // Prepare
    const asked = listExecutionsAsStepFunctions();

    // Act
    const runs = await operations().runs();

    // Assess
    expect(runs.map((run) => [run.startDate, run.workflow, run.accountId, run.status])).toEqual([
      ['2024-04-29T10:00:00.000Z', 'onboard', '444455556666', 'SUCCEEDED'],
      ['2024-05-01T10:00:00.000Z', 'onboard', 'o-abcdef1234', 'FAILED'],
      ['2024-05-02T12:00:00.000Z', 'offboard', '444455556666', 'SUCCEEDED'],
      ['2024-05-03T10:00:00.000Z', 'onboard', '111122223333', 'RUNNING'],
    ]);
    expect(runs[0]).toEqual({
      accountId: '444455556666',
      workflow: 'onboard',
      executionName: 'onboard-444455556666-eeee5555',
      executionArn: `arn:aws:states:eu-west-1:${ACCOUNT}:execution:LogpointOnboarding:onboard-444455556666-eeee5555`,
      status: 'SUCCEEDED',
      startDate: '2024-04-29T10:00:00.000Z',
      stopDate: '2024-04-29T10:01:00.000Z',
    });
    expect(runs[3]?.stopDate).toBeUndefined();
    expect(asked).toEqual([
      [ONBOARDING, undefined],
      [ONBOARDING, 'page-1'],
      [OFFBOARDING, undefined],
    ]);
  });

  it('skips the offboarding state machine when the stack has none', async () => {
    // Protects: a stack deployed without offboarding is read without a ListExecutions of an undefined ARN.
    // Prepare
    const asked = listExecutionsAsStepFunctions();

    // Act
    const runs = await operations({ offboardingStateMachineArn: undefined }).runs();

    // Assess
    expect(runs.map((run) => run.workflow)).toEqual(['onboard', 'onboard', 'onboard']);
    expect(asked).toEqual([
      [ONBOARDING, undefined],
      [ONBOARDING, 'page-1'],
    ]);
  });
});

describe('awsOperations registry', () => {
  it('scans the table the stack names and answers its items as plain values, in account order', async () => {
    // Protects: `status` reads the registry the deployed functions write, drift set included.
    // Prepare
    dynamo
      .on(ScanCommand)
      .resolvesOnce({
        Items: [
          { accountId: { S: '444455556666' }, state: { S: 'FAILED' }, lastErrorCode: { S: 'ACCESS_DENIED' } },
          { accountId: { S: '111122223333' }, state: { S: 'ONBOARDED' }, accessKeyId: { S: 'AKIAIOSFODNN7EXAMPLE' }, drift: { SS: ['source', 'key'] } },
        ],
        LastEvaluatedKey: { accountId: { S: '111122223333' } },
      })
      .resolvesOnce({ Items: [{ accountId: { S: '222233334444' }, state: { S: 'COVERED' } }] });

    // Act
    const items = await operations().registry();

    // Assess
    expect(items).toEqual([
      { accountId: '111122223333', state: 'ONBOARDED', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', drift: ['key', 'source'] },
      { accountId: '222233334444', state: 'COVERED', drift: [] },
      { accountId: '444455556666', state: 'FAILED', lastErrorCode: 'ACCESS_DENIED', drift: [] },
    ]);
    expect(dynamo.commandCalls(ScanCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: STACK.accountRegistryTable, ExclusiveStartKey: undefined },
      { TableName: STACK.accountRegistryTable, ExclusiveStartKey: { accountId: { S: '111122223333' } } },
    ]);
  });

  it('rejects, saying the stack lacks the output, when the stack names no registry table', async () => {
    // Protects: a stack of an older version fails clearly instead of scanning a table named "undefined".
    // Act
    const refusal = await rejectionOf(operations({ accountRegistryTable: undefined }).registry());

    // Assess
    expect((refusal as Error).message).toMatch(/no AccountRegistryTable output/);
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('awsOperations rotate', () => {
  it("starts a rotation of the account's secret now and answers the new version's id as token, never a secret", async () => {
    // Protects: `rotate` starts what the schedule would, and prints nothing of the key.
    // Prepare
    secretsManager.on(RotateSecretCommand).resolves({
      ARN: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:logpoint/cloudtrail/111122223333-AbCdEf`,
      Name: 'logpoint/cloudtrail/111122223333',
      VersionId: 'c0ffee00-1111-2222-3333-444455556666',
    });

    // Act
    const rotation = await operations().rotate('111122223333');

    // Assess
    expect(rotation).toEqual({ secretName: 'logpoint/cloudtrail/111122223333', token: 'c0ffee00-1111-2222-3333-444455556666' });
    expect(secretsManager.calls()).toHaveLength(1);
    expect(secretsManager.commandCalls(RotateSecretCommand)[0]?.args[0].input).toEqual({
      SecretId: 'logpoint/cloudtrail/111122223333',
      RotateImmediately: true,
    });
    expect(JSON.stringify(rotation)).not.toContain(SECRET_STRING);
  });

  it('rejects when Secrets Manager answers without a new version', async () => {
    // Protects: a rotation that did not start is not reported with an empty token.
    // Prepare
    secretsManager.on(RotateSecretCommand).resolves({ Name: 'logpoint/cloudtrail/111122223333' });

    // Act
    const refusal = await rejectionOf(operations().rotate('111122223333'));

    // Assess
    expect((refusal as Error).message).toMatch(/started no rotation of logpoint\/cloudtrail\/111122223333/);
  });
});

describe('awsOperations answers', () => {
  it('never carry a secret: no operation reads a secret value, and none of their answers holds one', async () => {
    // Protects: the CLI prints and logs what these answer; a key's secret must never be among it.
    // Prepare
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload({ status: 'STARTED', kind: 'onboard', accountId: '111122223333', executionName: 'onboard-111122223333-x', executionArn: 'arn:x' }),
    });
    sfn.on(DescribeExecutionCommand).resolves({ name: 'onboard-111122223333-x', status: 'SUCCEEDED', startDate: new Date(), stopDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    dynamo.on(ScanCommand).resolves({ Items: [{ accountId: { S: '111122223333' }, accessKeyId: { S: 'AKIAIOSFODNN7EXAMPLE' } }] });
    secretsManager.on(RotateSecretCommand).resolves({ VersionId: 'v1' });
    const target = operations();

    // Act
    const answers = [
      await target.start(REQUEST),
      await target.describeRun('arn:x'),
      await target.runs(),
      await target.registry(),
      await target.rotate('111122223333'),
    ];

    // Assess
    expect(JSON.stringify(answers)).not.toMatch(/secretAccessKey|SecretString|SecretAccessKey/i);
    expect(secretsManager.calls().map((call) => call.args[0].constructor.name)).toEqual(['RotateSecretCommand']);
    expect(target.runsInProcess).toBe(false);
  });
});
