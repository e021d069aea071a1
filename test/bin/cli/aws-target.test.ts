import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openAwsTarget, StackNotUsableError } from '../../../bin/cli/aws-target.js';
import { main } from '../../../bin/cli/main.js';
import { EnvName } from '../../../lambda/contract/env-names.js';
import { runtimeSettingsFromConfig } from '../../../lib/product/app-config.js';
import { exampleConfig } from '../../lib/stack-fixture.js';
import { captureStreams } from './support.js';

/**
 * `--target aws --stack <name>`: the stack is found through CloudFormation, its settings are the
 * starter function's (what every function runs with), and preflight adds the stack's own checks:
 * settled, every role and alarm in place. A stack that is not there, or not this product's,
 * fails the command (exit 1); a wrong combination of options is a usage error (exit 2).
 */

const STACK = 'LogpointCloudTrailOnboarding';
const STACK_ID = `arn:aws:cloudformation:eu-west-1:123456789012:stack/${STACK}/0b3c8f60-0000-0000-0000-000000000000`;
const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const settings = runtimeSettingsFromConfig(exampleConfig());

// The mocks replace the clients' prototypes; the next file in this worker gets real clients back.
afterAll(() => {
  cloudFormation.restore();
  lambda.restore();
});

beforeEach(() => {
  cloudFormation.reset();
  lambda.reset();
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: STACK,
        StackId: STACK_ID,
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: [{ OutputKey: 'StarterFunctionName', OutputValue: 'LogpointCloudTrailOnboarding-Starter' }],
      },
    ],
  });
  cloudFormation.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      { LogicalResourceId: 'StarterRole', ResourceType: 'AWS::IAM::Role', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
      { LogicalResourceId: 'FailedAlarm', ResourceType: 'AWS::CloudWatch::Alarm', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date() },
    ],
  });
  lambda.on(GetFunctionConfigurationCommand).resolves({ Environment: { Variables: { [EnvName.SETTINGS]: JSON.stringify(settings) } } });
});

const clients = () => ({ cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }), lambda: new LambdaClient({ region: 'eu-west-1' }) });

describe('the aws target', () => {
  it("reads the stack's settings from its starter function and onboards the stack's account by default", async () => {
    const target = await openAwsTarget({ stack: STACK, region: 'eu-west-1' }, clients());

    expect(target.name).toBe('aws');
    expect(target.settings.director.baseUrl).toBe(settings.director.baseUrl);
    expect(target.defaultSubject).toBe('123456789012');
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)[0]?.args[0].input).toEqual({ FunctionName: 'LogpointCloudTrailOnboarding-Starter' });
  });

  it('checks that the stack is settled and that its roles and alarms are in place', async () => {
    const target = await openAwsTarget({ stack: STACK }, clients());

    expect((await target.targetChecks?.())?.map((check) => [check.id, check.status])).toEqual([
      ['stack.status', 'pass'],
      ['stack.roles', 'pass'],
      ['stack.alarms', 'pass'],
    ]);
  });

  it('fails the stack checks for a rolled-back stack and for an alarm that did not deploy', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: STACK,
          StackId: STACK_ID,
          StackStatus: 'UPDATE_ROLLBACK_COMPLETE',
          CreationTime: new Date(),
          Outputs: [{ OutputKey: 'StarterFunctionName', OutputValue: 'f' }],
        },
      ],
    });
    cloudFormation.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        { LogicalResourceId: 'StarterRole', ResourceType: 'AWS::IAM::Role', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
        { LogicalResourceId: 'FailedAlarm', ResourceType: 'AWS::CloudWatch::Alarm', ResourceStatus: 'CREATE_FAILED', LastUpdatedTimestamp: new Date() },
      ],
    });
    const target = await openAwsTarget({ stack: STACK }, clients());

    const checks = (await target.targetChecks?.()) ?? [];
    expect(checks.map((check) => [check.id, check.status])).toEqual([
      ['stack.status', 'fail'],
      ['stack.roles', 'pass'],
      ['stack.alarms', 'fail'],
    ]);
    expect(checks[2]?.detail).toBe('FailedAlarm (CREATE_FAILED)');
  });

  it('refuses a stack that does not exist, or that is not this product', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: {}, message: `Stack with id ${STACK} does not exist` }),
      );
    await expect(openAwsTarget({ stack: STACK }, clients())).rejects.toThrow(StackNotUsableError);

    cloudFormation
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'Other', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [] }] });
    await expect(openAwsTarget({ stack: 'Other' }, clients())).rejects.toThrow(/no StarterFunctionName output/);
  });
});

describe('logpoint-onboard --target aws', () => {
  const run = async (args: string[]) => {
    const streams = captureStreams();
    const code = await main(args, streams);
    return { code, stderr: streams.text().stderr };
  };

  it('needs --stack, and refuses --config (a stack runs with the config it was deployed with): exit 2', async () => {
    expect(await run(['--target', 'aws', 'preflight'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--stack') });
    expect(await run(['--target', 'aws', '--stack', STACK, '--config', 'x.json', 'preflight'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--config'),
    });
    expect(await run(['--stack', STACK, 'preflight'])).toMatchObject({ code: 2 });
  });

  it('fails with exit 1, saying so, for a stack that is not there', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: {}, message: 'does not exist' }));

    expect(await run(['--target', 'aws', '--stack', 'Missing', '--region', 'eu-west-1', 'preflight', '--json'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Stack Missing was not found in eu-west-1'),
    });
  });
});
