import { Validations, type App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountEventName } from '../../../lambda/contract/account-events.js';
import { OrgEventForwarderStack } from '../../../lib/org-events/org-event-forwarder-stack.js';
import { ControlTowerGuard } from '../../../lib/shared/control-tower-guard.js';
import { GuardSuppressions } from '../../../lib/shared/guard-suppressions.js';
import { logicalIdOf, resourceById, resourcesOf, testApp } from '../stack-fixture.js';
import { MANAGEMENT_ACCOUNT, PRODUCT_BUS_ARN, renderedPattern } from './support.js';

const ORGANIZATIONS_EVENTS: AccountEventName[] = ['CreateAccountResult', 'CloseAccountResult', 'RemoveAccountFromOrganization'];
const PARAMETER = { Ref: 'ProductEventBusArn' };

interface Forwarder {
  app: App;
  stack: OrgEventForwarderStack;
  template: Template;
}

function forwarder(events: AccountEventName[] = ORGANIZATIONS_EVENTS, app: App = testApp()): Forwarder {
  const stack = new OrgEventForwarderStack(app, 'Forwarder-us-east-1', {
    env: { account: MANAGEMENT_ACCOUNT, region: 'us-east-1' },
    events,
    productEventBusArn: PRODUCT_BUS_ARN,
  });
  return { app, stack, template: Template.fromStack(stack) };
}

type Rule = { Properties: { EventPattern: { detail: { eventName: string[] } }; Targets: Record<string, unknown>[] } };

function rules(template: Template): Rule[] {
  return Object.values(template.findResources('AWS::Events::Rule')) as Rule[];
}

let us: Forwarder;
let roleId: string;
let queueId: string;

beforeAll(() => {
  us = forwarder();
  roleId = logicalIdOf(us.template, 'AWS::IAM::Role', 'Forwarder/DeliveryRole/Resource');
  queueId = logicalIdOf(us.template, 'AWS::SQS::Queue', 'Forwarder/DeadLetterQueue/Resource');
});

describe('OrgEventForwarderStack', () => {
  it("forwards each event with exactly the pattern of the product's own rule (lambda/contract/account-events.ts), nothing else", () => {
    // Act
    const patterns = Object.fromEntries(rules(us.template).map((rule) => [rule.Properties.EventPattern.detail.eventName[0], rule.Properties.EventPattern]));

    // Assess
    expect(patterns).toEqual(Object.fromEntries(ORGANIZATIONS_EVENTS.map((name) => [name, renderedPattern(name)])));
  });

  it('sends every event to the bus named by the ProductEventBusArn parameter (default: the product bus), with the delivery role, a retry policy and the dead-letter queue', () => {
    // Assess
    expect(us.template.toJSON()).toMatchObject({ Parameters: { ProductEventBusArn: { Type: 'String', Default: PRODUCT_BUS_ARN } } });
    for (const rule of rules(us.template)) {
      expect(rule.Properties.Targets).toEqual([
        {
          Id: 'Target0',
          Arn: PARAMETER,
          RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        },
      ]);
    }
  });

  it('lets the delivery role, assumable by EventBridge only, do one thing: put events on the product bus', () => {
    // Prepare
    const resources = resourcesOf(us.template);
    const role = resourceById(resources, roleId);
    const policiesOfRole = Object.values(resources).filter(
      (resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]),
    );

    // Assess
    expect(role.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' } }],
    });
    expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
    expect(role.Properties).not.toHaveProperty('Policies');
    expect(policiesOfRole.map((policy) => (policy.Properties?.PolicyDocument as { Statement: unknown }).Statement)).toEqual([
      [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: PARAMETER }],
    ]);
    expect(Object.values(resources).filter((resource) => resource.Type === 'AWS::IAM::Policy')).toHaveLength(1);
  });

  it('lets EventBridge write to the encrypted dead-letter queue only from the forwarding rules, and nobody without TLS', () => {
    // Prepare
    const ruleIds = Object.keys(us.template.findResources('AWS::Events::Rule'));
    const [policy, ...others] = Object.values(us.template.findResources('AWS::SQS::QueuePolicy')) as {
      Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } };
    }[];

    // Assess
    expect(others).toEqual([]);
    expect(resourceById(resourcesOf(us.template), queueId).Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    const [denyInsecure, ...sends] = policy!.Properties.PolicyDocument.Statement;
    expect(denyInsecure).toMatchObject({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(sends.map((statement) => [statement.Action, statement.Principal, statement.Condition])).toEqual(
      ruleIds.map((id) => ['sqs:SendMessage', { Service: 'events.amazonaws.com' }, { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [id, 'Arn'] } } }]),
    );
  });

  it('needs no CDK bootstrap, asset or look-up in the management account: one parameter, no deploy role (StackSet-ready)', () => {
    // Act
    const artifact = us.app.synth().getStackArtifact(us.stack.artifactId);

    // Assess
    expect(Object.keys(artifact.template.Parameters as object)).toEqual(['ProductEventBusArn']);
    expect(artifact.template).not.toHaveProperty('Rules');
    expect(artifact.assumeRoleArn).toBeUndefined();
    expect(artifact.cloudFormationExecutionRoleArn).toBeUndefined();
    expect(artifact.assets).toEqual([]);
    expect(artifact.environment).toMatchObject({ account: MANAGEMENT_ACCOUNT, region: 'us-east-1' });
  });

  it('refuses a target that is not an event bus ARN, and an empty event list', () => {
    // Act + Assess
    expect(
      () => new OrgEventForwarderStack(testApp(), 'Bad', { events: ORGANIZATIONS_EVENTS, productEventBusArn: 'arn:aws:sqs:eu-west-1:111122223333:queue' }),
    ).toThrow(/is not an EventBridge event bus ARN/);
    expect(() => new OrgEventForwarderStack(testApp(), 'Empty', { events: [], productEventBusArn: PRODUCT_BUS_ARN })).toThrow(/at least one event/);
  });

  it('leaves cdk-nag AwsSolutions nothing unacknowledged, for either region', () => {
    // Prepare
    const controlTower = forwarder(['CreateManagedAccount', 'UpdateManagedAccount']);

    // Act
    const findings = [us, controlTower].flatMap(({ app, stack }) =>
      new AwsSolutionsChecks(app)
        .validateScope(stack)
        .violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`)),
    );

    // Assess
    expect(findings).toEqual([]);
  });

  it('passes a synth with cdk-nag and the Control Tower guard, accepting only that the dead-letter queue has no dead-letter queue', () => {
    // Prepare
    const app = testApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ControlTowerGuard());
    const { stack } = forwarder(ORGANIZATIONS_EVENTS, app);

    // Act + Assess
    expect(() => app.synth()).not.toThrow();
    const acknowledged = stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.keys(entry.data as Record<string, string>).map((id) => `${id} on ${construct.node.path}`)),
      );
    expect(acknowledged.sort()).toEqual([
      `Annotation::AwsSolutions-SQS3 on ${stack.stackName}/Forwarder/DeadLetterQueue`,
      `cdk-validator-cfnguard::${GuardSuppressions.DEAD_LETTER_QUEUE.rule} on ${stack.stackName}/Forwarder/DeadLetterQueue`,
    ]);
  });
});
