import { Match, type Template } from 'aws-cdk-lib/assertions';
import { FleetTask } from '../../../lambda/contract/fleet-states.js';
import { ReconcileTask } from '../../../lambda/contract/reconcile-states.js';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OffboardingTask } from '../../../lambda/contract/offboarding-states.js';
import { OnboardingTask } from '../../../lambda/contract/onboarding-states.js';
import { DEFAULT_CONFIG_PATH } from '../../../lib/product/app-config.js';
import { DIRECTOR_CALLING_TASKS } from '../../../lib/offboarding/offboarding-workflow.js';
import { CA_BUNDLE_FILE_NAME } from '../../../lib/shared/onboarding-function.js';
import {
  extractDefinitions,
  FLEET_START_STATE,
  OFFBOARDING_START_STATE,
  ONBOARDING_START_STATE,
  RECONCILE_START_STATE,
} from '../../../local/sandbox/definition.js';
import {
  exampleConfig,
  expectOutput,
  expectResource,
  expectResourceCount,
  logicalIdOf,
  pathBelowOnboarding,
  resourceById,
  resourcesOf,
  synthStack,
  TEST_DEPLOY_NONCE,
  type SynthesizedStack,
} from '../stack-fixture.js';
import { EnvName } from '../../../lambda/contract/env-names.js';

const TLS_FIXTURE_CA = path.join(import.meta.dirname, '..', '..', 'fixtures', 'tls', 'test-only-ca.cert.pem');

let example: SynthesizedStack;
let template: Template;
let starterId: string;
let deadLetterQueueId: string;
let stateMachineId: string;
let offboardingStateMachineId: string;
let rotationFunctionId: string;

/** The account events that start a workflow in the default stack: three onboard, two offboard. */
const ONBOARDING_EVENTS = ['CreateAccountResult', 'CreateManagedAccount', 'UpdateManagedAccount'];
const OFFBOARDING_EVENTS = ['CloseAccountResult', 'RemoveAccountFromOrganization'];

beforeAll(() => {
  example = synthStack();
  template = example.template;
  starterId = logicalIdOf(template, 'AWS::Lambda::Function', 'Starter/Function/Resource');
  deadLetterQueueId = logicalIdOf(template, 'AWS::SQS::Queue', 'Starter/DeadLetterQueue/Resource');
  stateMachineId = stateMachineStartingAt(template, ONBOARDING_START_STATE);
  offboardingStateMachineId = stateMachineStartingAt(template, OFFBOARDING_START_STATE);
  rotationFunctionId = logicalIdOf(template, 'AWS::Lambda::Function', 'KeyRotation/RotateAccessKeyFunction/Resource');
});

/** The logical id of the one state machine whose definition starts at `startAt` (how the sandbox tells them apart). */
function stateMachineStartingAt(synthesized: Template, startAt: string): string {
  const ids = Object.entries(synthesized.findResources('AWS::StepFunctions::StateMachine'))
    .filter(([, machine]) => JSON.stringify((machine as { Properties: unknown }).Properties).includes(`\\"StartAt\\":\\"${startAt}\\"`))
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

function rulesFor(synthesized: Template, eventName: string): [string, { Properties: Record<string, unknown> }][] {
  return Object.entries(synthesized.findResources('AWS::Events::Rule', { Properties: { EventPattern: { detail: { eventName: [eventName] } } } })) as [
    string,
    { Properties: Record<string, unknown> },
  ][];
}

function ruleTargetingStarter(eventName: string): Record<string, unknown> {
  const rules = rulesFor(template, eventName);
  expect(rules).toHaveLength(1);
  return rules[0]![1].Properties;
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

  it('match Control Tower UpdateManagedAccount with state SUCCEEDED too: a retried enrolment ends with it instead of CreateManagedAccount', () => {
    expect(ruleTargetingStarter('UpdateManagedAccount').EventPattern).toEqual({
      source: ['aws.controltower'],
      'detail-type': ['AWS Service Event via CloudTrail'],
      detail: { eventName: ['UpdateManagedAccount'], serviceEventDetails: { updateManagedAccountStatus: { state: ['SUCCEEDED'] } } },
    });
  });

  it('match Organizations CloseAccountResult (SUCCEEDED) and RemoveAccountFromOrganization for offboarding', () => {
    expect(ruleTargetingStarter('CloseAccountResult').EventPattern).toEqual({
      source: ['aws.organizations'],
      'detail-type': ['AWS Service Event via CloudTrail'],
      detail: {
        eventSource: ['organizations.amazonaws.com'],
        eventName: ['CloseAccountResult'],
        serviceEventDetails: { closeAccountStatus: { state: ['SUCCEEDED'] } },
      },
    });
    expect(ruleTargetingStarter('RemoveAccountFromOrganization').EventPattern).toMatchObject({
      source: ['aws.organizations'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventName: ['RemoveAccountFromOrganization'] },
    });
  });

  it('deliver to the start-execution function with a retry policy and the encrypted dead-letter queue', () => {
    for (const eventName of [...ONBOARDING_EVENTS, ...OFFBOARDING_EVENTS]) {
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
    // Prepare
    const triggerRuleArns = [...ONBOARDING_EVENTS, ...OFFBOARDING_EVENTS].map((eventName) => ({
      'Fn::GetAtt': [rulesFor(template, eventName)[0]?.[0], 'Arn'],
    }));

    // Act
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'events.amazonaws.com' } })) as {
      Properties: Record<string, unknown>;
    }[];

    // Assess: one permission per trigger rule, each for the starter and that rule only.
    for (const permission of permissions) expect(permission.Properties).toMatchObject({ FunctionName: { 'Fn::GetAtt': [starterId, 'Arn'] } });
    expect(permissions.map((permission) => permission.Properties.SourceArn)).toEqual(expect.arrayContaining(triggerRuleArns));
    expect(permissions).toHaveLength(triggerRuleArns.length);
  });

  it('leave out a trigger the config turns off', () => {
    // Act
    const { template: withoutOrganizations } = synthStack(exampleConfig({ triggers: { organizations: false } }));
    const { template: withoutControlTower } = synthStack(exampleConfig({ triggers: { controlTower: false } }));

    // Assess: the other onboarding trigger and the offboarding ones (still enabled) stay.
    expect(rulesFor(withoutOrganizations, 'CreateAccountResult')).toEqual([]);
    expect(rulesFor(withoutOrganizations, 'CreateManagedAccount')).toHaveLength(1);
    expect(rulesFor(withoutOrganizations, 'UpdateManagedAccount')).toHaveLength(1);
    expect(rulesFor(withoutControlTower, 'CreateManagedAccount')).toEqual([]);
    expect(rulesFor(withoutControlTower, 'UpdateManagedAccount')).toEqual([]);
    expect(withoutControlTower.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.controltower'] } } })).toEqual({});
    expect(rulesFor(withoutControlTower, 'CreateAccountResult')).toHaveLength(1);
    for (const eventName of OFFBOARDING_EVENTS) {
      expect(rulesFor(withoutOrganizations, eventName)).toHaveLength(1);
      expect(rulesFor(withoutControlTower, eventName)).toHaveLength(1);
    }
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
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('tell the starter which state machine to start for each kind of workflow', () => {
    const starter = resourcesOf(template)[starterId];
    expect((starter?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      [EnvName.ONBOARDING_STATE_MACHINE_ARN]: { Ref: stateMachineId },
      [EnvName.OFFBOARDING_STATE_MACHINE_ARN]: { Ref: offboardingStateMachineId },
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

describe('the state machines', () => {
  it('are the onboarding, offboarding, fleet and reconciliation workflows, told apart by their first state (as the local sandbox does)', () => {
    // Act
    const startStates = extractDefinitions(template.toJSON() as Record<string, unknown>).map((definition) => definition.StartAt);

    // Assess
    expect(startStates.sort()).toEqual([ONBOARDING_START_STATE, OFFBOARDING_START_STATE, FLEET_START_STATE, RECONCILE_START_STATE].sort());
  });

  it('log every event without execution data, and trace with X-Ray', () => {
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as { Properties: Record<string, unknown> }[];
    expect(machines).toHaveLength(4);
    for (const machine of machines) {
      expect(machine.Properties).toMatchObject({
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
        TracingConfiguration: { Enabled: true },
      });
    }
  });
});

describe('optional lifecycle parts', () => {
  it('leave out key rotation when keyRotation.enabled is false', () => {
    // Act
    const { stack, template: withoutRotation } = synthStack(exampleConfig({ keyRotation: { enabled: false } }));

    // Assess
    expect(stack.onboarding.keyRotation).toBeUndefined();
    const functionPaths = Object.values(resourcesOf(withoutRotation))
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map(pathBelowOnboarding);
    expect(functionPaths.filter((functionPath) => functionPath.startsWith('KeyRotation/'))).toEqual([]);
    expect(JSON.stringify(withoutRotation.toJSON())).not.toContain(EnvName.ROTATION_LAMBDA_ARN);
    expect(JSON.stringify(withoutRotation.toJSON())).not.toContain('secretsmanager:RotateSecret');
    expectResourceCount(
      withoutRotation,
      'AWS::Lambda::Function',
      Object.keys(OnboardingTask).length + Object.keys(OffboardingTask).length + Object.keys(FleetTask).length + Object.keys(ReconcileTask).length + 1,
    );
  });

  it('leave out the offboarding workflow, its triggers and alarms when offboarding.enabled is false', () => {
    // Act
    const { stack, template: withoutOffboarding } = synthStack(exampleConfig({ offboarding: { enabled: false } }));

    // Assess
    expect(stack.onboarding.offboardingWorkflow).toBeUndefined();
    expect(extractDefinitions(withoutOffboarding.toJSON() as Record<string, unknown>).map((definition) => definition.StartAt)).toEqual([
      ONBOARDING_START_STATE,
      FLEET_START_STATE,
      RECONCILE_START_STATE,
    ]);
    for (const eventName of OFFBOARDING_EVENTS) expect(rulesFor(withoutOffboarding, eventName)).toEqual([]);
    expect(JSON.stringify(withoutOffboarding.toJSON())).not.toContain(EnvName.OFFBOARDING_STATE_MACHINE_ARN);
    const alarmPaths = Object.values(resourcesOf(withoutOffboarding))
      .filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')
      .map(pathBelowOnboarding);
    expect(alarmPaths.filter((alarmPath) => alarmPath.includes('Offboarding'))).toEqual([]);
    expectResourceCount(
      withoutOffboarding,
      'AWS::Lambda::Function',
      Object.keys(OnboardingTask).length + Object.keys(FleetTask).length + Object.keys(ReconcileTask).length + 2,
    );
  });

  it('leave out every Organizations rule once both the organizations trigger and offboarding are off', () => {
    // Act
    const { template: noOrganizations } = synthStack(exampleConfig({ triggers: { organizations: false }, offboarding: { enabled: false } }));

    // Assess
    expect(noOrganizations.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.organizations'] } } })).toEqual({});
    expectResource(noOrganizations, 'AWS::Events::Rule', { EventPattern: { source: ['aws.controltower'] } });
  });
});

describe('key rotation', () => {
  it('tells the onboarding finalizer which function rotates account secrets, and on what schedule', () => {
    // Act
    const { template: weekly } = synthStack(exampleConfig({ keyRotation: { scheduleDays: 7 } }));

    // Assess
    const finalize = resourcesOf(weekly)[logicalIdOf(weekly, 'AWS::Lambda::Function', 'Workflow/FinalizeOnboardingFunction/Resource')];
    const rotation = logicalIdOf(weekly, 'AWS::Lambda::Function', 'KeyRotation/RotateAccessKeyFunction/Resource');
    expect((finalize?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      [EnvName.ROTATION_LAMBDA_ARN]: { 'Fn::GetAtt': [rotation, 'Arn'] },
      [EnvName.ROTATION_SCHEDULE_DAYS]: '7',
    });
  });

  it('lets the onboarding finalizer switch rotation on for account secrets only', () => {
    const finalizeRole = logicalIdOf(template, 'AWS::IAM::Role', 'Workflow/FinalizeOnboardingFunctionRole/Resource');
    const policies = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: finalizeRole }] } })) as {
      Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
    }[];
    const rotateStatements = policies
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => [statement.Action].flat().includes('secretsmanager:RotateSecret'));
    expect(rotateStatements).toHaveLength(1);
    expect(JSON.stringify(rotateStatements[0]?.Resource)).toMatch(
      /^\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":secretsmanager:",.*":secret:logpoint\/cloudtrail\/\?{12}-\?{6}"\]\]\}$/,
    );
  });
});

describe('failure alarms', () => {
  /** The one alarm on a metric of one resource (its dimension value). */
  function alarmOn(metricName: string, namespace: string, dimensionValue: unknown): Record<string, unknown> {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName, Namespace: namespace } })).filter(
      (alarm) =>
        JSON.stringify((alarm as { Properties: { Dimensions: { Value: unknown }[] } }).Properties.Dimensions.map((dimension) => dimension.Value)) ===
        JSON.stringify([dimensionValue]),
    );
    expect(alarms).toHaveLength(1);
    return (alarms[0] as { Properties: Record<string, unknown> }).Properties;
  }

  it('alarm on the first failed or timed-out execution of onboarding and of offboarding, and notify the topic', () => {
    const topicId = logicalIdOf(template, 'AWS::SNS::Topic', 'Alarms/Topic/Resource');
    for (const machineId of [stateMachineId, offboardingStateMachineId]) {
      for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
        expect(alarmOn(metric, 'AWS/States', { Ref: machineId })).toMatchObject({
          Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machineId } }],
          Statistic: 'Sum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: topicId }],
        });
      }
    }
  });

  it('alarm on start-execution errors and on messages in its dead-letter queue', () => {
    expect(alarmOn('Errors', 'AWS/Lambda', { Ref: starterId })).toMatchObject({
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: starterId } }],
      Threshold: 1,
    });
    expect(alarmOn('ApproximateNumberOfMessagesVisible', 'AWS/SQS', { 'Fn::GetAtt': [deadLetterQueueId, 'QueueName'] })).toMatchObject({
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterQueueId, 'QueueName'] } }],
      Threshold: 1,
    });
  });

  it('alarm on the first key rotation error and notify the topic', () => {
    const topicId = logicalIdOf(template, 'AWS::SNS::Topic', 'Alarms/Topic/Resource');
    expect(alarmOn('Errors', 'AWS/Lambda', { Ref: rotationFunctionId })).toMatchObject({
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('go to a topic encrypted with a rotating key that CloudWatch and EventBridge may use, reachable over TLS only', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'Alarms/TopicKey/Resource');
    expectResource(template, 'AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expectResource(template, 'AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
    expectResource(template, 'AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it("forward the workflow's own Onboarding Failed events (account and error code) to the topic", () => {
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
    // Prepare: every onboarding and offboarding task, the starter and the rotation function.
    const expected = [
      ...Object.keys(OnboardingTask).map((task) => `Workflow/${task}Function/Resource`),
      ...Object.keys(OffboardingTask).map((task) => `Offboarding/${task}Function/Resource`),
      ...Object.keys(FleetTask).map((task) => `Fleet/${task}Function/Resource`),
      ...Object.keys(ReconcileTask).map((task) => `Reconcile/${task}Function/Resource`),
      'Starter/Function/Resource',
      'KeyRotation/RotateAccessKeyFunction/Resource',
    ];

    // Act
    const functions = Object.values(resourcesOf(template)).filter((resource) => resource.Type === 'AWS::Lambda::Function');

    // Assess
    expect(functions.map(pathBelowOnboarding).sort()).toEqual(expected.sort());
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', TracingConfig: { Mode: 'Active' } });
      // Its own role: created beside the function, and no other function uses it.
      const roleId = (fn.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const rolePath = pathBelowOnboarding(resourceById(resourcesOf(template), roleId));
      expect(rolePath).toBe(pathBelowOnboarding(fn).replace(/\/Resource$/, 'Role/Resource'));
      expect(functions.filter((other) => JSON.stringify(other.Properties?.Role) === JSON.stringify(fn.Properties?.Role))).toHaveLength(1);
    }
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
      .map(([, resource]) => pathBelowOnboarding(resource).replace(/Function\/Resource$/, ''))
      .sort();
    expect(withBundle).toEqual(
      [
        ...['RegisterLogSource', 'CheckOrder', 'FinalizeOnboarding', 'CheckDataFlow', 'ConfirmCoverage'].map((task) => `Workflow/${task}`),
        ...DIRECTOR_CALLING_TASKS.map((task) => `Offboarding/${task}`),
        'KeyRotation/RotateAccessKey',
        'Reconcile/FindDrift',
      ].sort(),
    );
    expect(JSON.stringify(template.toJSON())).not.toContain('NODE_EXTRA_CA_CERTS');
  });
});

describe('stack outputs and tags', () => {
  it('name the state machines, the account registry, the starter, the alarm topic and the dead-letter queue', () => {
    const outputs = ['StateMachineArn', 'OffboardingStateMachineArn', 'FleetStateMachineArn', 'ReconcileStateMachineArn', 'AccountRegistryTable'];
    for (const output of [...outputs, 'StarterFunctionName', 'AlarmTopicArn', 'DeadLetterQueueUrl'])
      expect(Object.keys(template.findOutputs(output))).toEqual([output]);
  });

  it('tag resources with the configured tags', () => {
    expectResource(template, 'AWS::Lambda::Function', { Tags: Match.arrayWith([{ Key: 'project', Value: 'logpoint-cloudtrail-onboarding' }]) });
  });

  it('synthesize from the bundled example config', () => {
    expect(path.basename(DEFAULT_CONFIG_PATH)).toBe('example.json');
    expect(example.stack.stackName).toBe('LogpointCloudTrailOnboarding');
  });
});
