import { Match, type Template } from 'aws-cdk-lib/assertions';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StarterEnvName } from '../../lambda/core/execution-starter.js';
import { DEFAULT_CONFIG_PATH } from '../../lib/app-config.js';
import { CA_BUNDLE_FILE_NAME } from '../../lib/onboarding-function.js';
import {
  exampleConfig,
  expectOutput,
  expectResource,
  expectResourceCount,
  logicalIdOf,
  resourcesOf,
  synthStack,
  TEST_DEPLOY_NONCE,
  type SynthesizedStack,
} from './stack-fixture.js';

const TLS_FIXTURE_CA = path.join(import.meta.dirname, '..', 'fixtures', 'tls', 'test-only-ca.cert.pem');

let example: SynthesizedStack;
let template: Template;
let starterId: string;
let deadLetterQueueId: string;
let stateMachineId: string;

beforeAll(() => {
  example = synthStack();
  template = example.template;
  starterId = logicalIdOf(template, 'AWS::Lambda::Function', 'Starter/Function/Resource');
  deadLetterQueueId = logicalIdOf(template, 'AWS::SQS::Queue', 'Starter/DeadLetterQueue/Resource');
  stateMachineId = logicalIdOf(template, 'AWS::StepFunctions::StateMachine', 'Workflow/StateMachine/Resource');
});

function ruleTargetingStarter(eventName: string): Record<string, unknown> {
  const rules = Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { detail: { eventName: [eventName] } } } }));
  expect(rules).toHaveLength(1);
  return (rules[0] as { Properties: Record<string, unknown> }).Properties;
}

describe('new-account triggers', () => {
  it('match Organizations CreateAccountResult with state SUCCEEDED, delivered via CloudTrail', () => {
    expectResource(template, 'AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.organizations'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['organizations.amazonaws.com'],
          eventName: ['CreateAccountResult'],
          serviceEventDetails: { createAccountStatus: { state: ['SUCCEEDED'] } },
        },
      },
    });
  });

  it('match Control Tower CreateManagedAccount with state SUCCEEDED', () => {
    expectResource(template, 'AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.controltower'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: { eventName: ['CreateManagedAccount'], serviceEventDetails: { createManagedAccountStatus: { state: ['SUCCEEDED'] } } },
      },
    });
  });

  it('deliver to the start-execution function with a retry policy and the encrypted dead-letter queue', () => {
    for (const eventName of ['CreateAccountResult', 'CreateManagedAccount']) {
      expect(ruleTargetingStarter(eventName).Targets).toEqual([
        {
          Arn: { 'Fn::GetAtt': [starterId, 'Arn'] },
          Id: 'Target0',
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetterQueueId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
        },
      ]);
    }
  });

  it('let EventBridge invoke the starter only from those rules', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as { Properties: Record<string, unknown> }[];
    expect(permissions).toHaveLength(2);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({ Principal: 'events.amazonaws.com', FunctionName: { 'Fn::GetAtt': [starterId, 'Arn'] } });
      expect(permission.Properties.SourceArn).toBeDefined();
    }
  });

  it('leave out a trigger the config turns off', () => {
    // Act
    const { template: withoutOrganizations } = synthStack(exampleConfig({ triggers: { organizations: false } }));

    // Assess
    expect(withoutOrganizations.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.organizations'] } } })).toEqual({});
    expectResource(withoutOrganizations, 'AWS::Events::Rule', { EventPattern: { source: ['aws.controltower'] } });
  });

  it('retry and dead-letter failed asynchronous invocations of the starter too (EventBridge and CloudFormation invoke it asynchronously)', () => {
    expectResource(template, 'AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: starterId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21_600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [deadLetterQueueId, 'Arn'] } } },
    });
  });

  it('keep the dead-letter queue encrypted and reachable over TLS only', () => {
    expectResource(template, 'AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    expectResource(template, 'AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: deadLetterQueueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('tell the starter which state machine to start', () => {
    expectResource(template, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [StarterEnvName.ONBOARDING_STATE_MACHINE_ARN]: { Ref: stateMachineId } }) },
    });
  });
});

describe('onboarding on deploy', () => {
  it('is a custom resource served by the starter, carrying the account and the deploy nonce', () => {
    expectResource(template, 'Custom::LogpointCloudTrailOnboarding', {
      ServiceToken: { 'Fn::GetAtt': [starterId, 'Arn'] },
      AccountId: '111122223333',
      DeployNonce: TEST_DEPLOY_NONCE,
      ServiceTimeout: '300',
    });
  });

  it('waits for the starter permission to start executions', () => {
    const [trigger] = Object.values(template.findResources('Custom::LogpointCloudTrailOnboarding')) as { DependsOn?: string[] }[];
    const starterPolicy = logicalIdOf(template, 'AWS::IAM::Policy', 'Starter/FunctionRole/DefaultPolicy/Resource');
    expect(trigger?.DependsOn).toContain(starterPolicy);
  });

  it('reports the execution ARN as a stack output', () => {
    const triggerId = logicalIdOf(template, 'Custom::LogpointCloudTrailOnboarding', 'DeployTrigger/Resource/Default');
    expectOutput(template, 'OnboardingExecutionArn', { Value: { 'Fn::GetAtt': [triggerId, 'ExecutionArn'] } });
  });

  it('gets a new nonce on every synth unless one is given', () => {
    // Act
    const { template: unpinned } = synthStack(exampleConfig(), { deployNonce: undefined });

    // Assess
    const [trigger] = Object.values(unpinned.findResources('Custom::LogpointCloudTrailOnboarding')) as { Properties: { DeployNonce: string } }[];
    expect(trigger?.Properties.DeployNonce).not.toBe(TEST_DEPLOY_NONCE);
    expect(Number.isNaN(Date.parse(trigger?.Properties.DeployNonce ?? ''))).toBe(false);
  });

  it('is absent, with its output, when no account is configured', () => {
    // Prepare
    const config = exampleConfig();
    delete config.onboardAccountId;

    // Act
    const { template: withoutAccount } = synthStack(config);

    // Assess
    expectResourceCount(withoutAccount, 'Custom::LogpointCloudTrailOnboarding', 0);
    expect(Object.keys(withoutAccount.findOutputs('OnboardingExecutionArn'))).toEqual([]);
  });
});

describe('the state machine', () => {
  it('is the only one in the template (the local sandbox extracts it)', () => {
    expectResourceCount(template, 'AWS::StepFunctions::StateMachine', 1);
  });

  it('logs every event without execution data, and traces with X-Ray', () => {
    expectResource(template, 'AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
    });
  });
});

describe('failure alarms', () => {
  function alarmOn(metricName: string, namespace: string): Record<string, unknown> {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName, Namespace: namespace } }));
    expect(alarms).toHaveLength(1);
    return (alarms[0] as { Properties: Record<string, unknown> }).Properties;
  }

  it('alarm on the first failed or timed-out execution and notify the topic', () => {
    const topicId = logicalIdOf(template, 'AWS::SNS::Topic', 'Alarms/Topic/Resource');
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      expect(alarmOn(metric, 'AWS/States')).toMatchObject({
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: stateMachineId } }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
      });
    }
  });

  it('alarm on start-execution errors and on messages in its dead-letter queue', () => {
    expect(alarmOn('Errors', 'AWS/Lambda')).toMatchObject({ Dimensions: [{ Name: 'FunctionName', Value: { Ref: starterId } }], Threshold: 1 });
    expect(alarmOn('ApproximateNumberOfMessagesVisible', 'AWS/SQS')).toMatchObject({
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterQueueId, 'QueueName'] } }],
      Threshold: 1,
    });
  });

  it('go to a topic encrypted with a rotating key that CloudWatch and EventBridge may use, reachable over TLS only', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'Alarms/TopicKey/Resource');
    expectResource(template, 'AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expectResource(template, 'AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    expectResource(template, 'AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('forward the workflow\'s own Onboarding Failed events (account and error code) to the topic', () => {
    expectResource(template, 'AWS::Events::Rule', {
      EventPattern: { source: ['logpoint.onboarding'], 'detail-type': ['Onboarding Failed'] },
      Targets: [Match.objectLike({ InputTransformer: Match.objectLike({ InputPathsMap: Match.objectLike({ 'detail-errorCode': '$.detail.errorCode' }) }) })],
    });
  });

  it('subscribe the configured e-mail address, and none without one', () => {
    // Act
    const { template: withEmail } = synthStack(exampleConfig({ notifications: { email: 'soc@example.com' } }));

    // Assess
    expectResource(withEmail, 'AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'soc@example.com' });
    expectResourceCount(template, 'AWS::SNS::Subscription', 0);
  });
});

describe('Lambda functions', () => {
  it('run on the nodejs22.x runtime the product targets, with X-Ray, each with its own role and no managed policy', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: Record<string, unknown> }[];
    expect(functions).toHaveLength(9);
    for (const fn of functions) expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', TracingConfig: { Mode: 'Active' } });
    const roles = new Set(functions.map((fn) => JSON.stringify(fn.Properties.Role)));
    expect(roles.size).toBe(9);
    for (const role of Object.values(template.findResources('AWS::IAM::Role')) as { Properties: Record<string, unknown> }[]) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('ship the Director CA bundle only with the functions that call Director', () => {
    // Act
    const { template: withCa } = synthStack(exampleConfig({ director: { caBundleFile: TLS_FIXTURE_CA } }));

    // Assess
    const withBundle = Object.entries(resourcesOf(withCa))
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .filter(([, resource]) => {
        const variables = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
        return variables.NODE_EXTRA_CA_CERTS === `/var/task/${CA_BUNDLE_FILE_NAME}`;
      })
      .map(([id]) => id.replace(/^OnboardingWorkflow|Function[0-9A-F]{8}$/g, ''))
      .sort();
    expect(withBundle).toEqual(['CheckOrder', 'FinalizeOnboarding', 'RegisterLogSource']);
    expect(JSON.stringify(template.toJSON())).not.toContain('NODE_EXTRA_CA_CERTS');
  });
});

describe('stack outputs and tags', () => {
  it('name the state machine, the starter, the alarm topic and the dead-letter queue', () => {
    for (const output of ['StateMachineArn', 'StarterFunctionName', 'AlarmTopicArn', 'DeadLetterQueueUrl']) expect(Object.keys(template.findOutputs(output))).toEqual([output]);
  });

  it('tag resources with the configured tags', () => {
    expectResource(template, 'AWS::Lambda::Function', { Tags: Match.arrayWith([{ Key: 'project', Value: 'logpoint-cloudtrail-onboarding' }]) });
  });

  it('synthesize from the bundled example config', () => {
    expect(path.basename(DEFAULT_CONFIG_PATH)).toBe('example.json');
    expect(example.stack.stackName).toBe('LogpointCloudTrailOnboarding');
  });
});
