import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { CloudTrailOnboarding } from '../../../lib/product/cloudtrail-onboarding.js';
import { runtimeSettingsFromConfig } from '../../../lib/product/app-config.js';
import { exampleConfig, expectResourceCount, logicalIdOf, synthStack, testApp } from '../stack-fixture.js';
import { ACCOUNT, OTHER_ACCOUNT, REGION, ResolvedTemplate } from './resolved-template.js';

/**
 * Who may publish to the alarm topic, decided by an independent IAM evaluator
 * (@cloud-copilot/iam-simulate) over the synthesized topic policy and key policy, with every
 * intrinsic resolved to the ARNs of a fake deployment. A publish to the encrypted topic goes
 * through only if the topic policy allows sns:Publish and the key policy allows
 * kms:GenerateDataKey* and kms:Decrypt for the same caller.
 */

type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
type Policy = Record<string, unknown>;
type Context = Record<string, string>;

const CLOUDWATCH = 'cloudwatch.amazonaws.com';
const EVENTS = 'events.amazonaws.com';
/** SNS binds every data key of a topic to it with this encryption context. */
const TOPIC_CONTEXT_KEY = 'kms:EncryptionContext:aws:sns:topicArn';
const KMS_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

interface Publishing {
  topicArn: string;
  keyArn: string;
  topicPolicy: Policy;
  keyPolicy: Policy;
  /** Every alarm in the stack whose actions notify the topic. */
  alarmArns: string[];
  /** Every EventBridge rule in the stack that targets the topic. */
  ruleArns: string[];
}

function publishingOf(template: Template, stackName: string): Publishing {
  const resolved = new ResolvedTemplate(template, stackName);
  const topicArn = resolved.arnOf(logicalIdOf(template, 'AWS::SNS::Topic', 'Alarms/Topic/Resource'));
  const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'Alarms/TopicKey/Resource');
  const [topicPolicyId, ...others] = resolved.idsOf('AWS::SNS::TopicPolicy');
  if (topicPolicyId === undefined || others.length > 0) throw new Error('Expected exactly one topic policy.');
  const topicPolicy = resolved.resolve(resolved.resource(topicPolicyId).Properties?.PolicyDocument) as Policy;
  const notifies = (actions: unknown) => ((resolved.resolve(actions) ?? []) as string[]).includes(topicArn);
  const alarmArns = resolved.idsOf('AWS::CloudWatch::Alarm').filter((id) => {
    const properties = resolved.resource(id).Properties ?? {};
    return notifies(properties.AlarmActions) || notifies(properties.OKActions) || notifies(properties.InsufficientDataActions);
  });
  const ruleArns = resolved
    .idsOf('AWS::Events::Rule')
    .filter((id) => ((resolved.resolve(resolved.resource(id).Properties?.Targets) ?? []) as { Arn: string }[]).some((target) => target.Arn === topicArn));
  return {
    topicArn,
    keyArn: resolved.arnOf(keyId),
    topicPolicy,
    keyPolicy: resolved.resolve(resolved.resource(keyId).Properties?.KeyPolicy) as Policy,
    alarmArns: alarmArns.map((id) => resolved.arnOf(id)),
    ruleArns: ruleArns.map((id) => resolved.arnOf(id)),
  };
}

interface Call {
  principal: string;
  action: string;
  resource: string;
  context: Context;
  resourcePolicy: Policy;
  identityPolicy?: Policy;
}

function simulationOf(call: Call, context: Context): Simulation {
  return {
    request: { principal: call.principal, action: call.action, resource: { resource: call.resource, accountId: ACCOUNT }, contextVariables: context },
    identityPolicies: call.identityPolicy === undefined ? [] : [{ name: 'identity', policy: call.identityPolicy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: call.resourcePolicy,
  };
}

async function decide(call: Call): Promise<Decision> {
  const { [TOPIC_CONTEXT_KEY]: topicContext, ...context } = call.context;
  if (topicContext !== undefined) return decideWithTopicContext(call, context, topicContext);
  const response = await runSimulation(simulationOf(call, context), {});
  if (response.resultType !== 'single') throw new Error(`Simulation failed: ${JSON.stringify(response)}`);
  // Every key sent was evaluated, so a decision never rests on a silently dropped condition.
  expect(response.result.ignoredContextKeys).toEqual([]);
  return response.overallResult;
}

/**
 * The engine validates context keys against the service's key list and only knows "/"-separated
 * variable keys, so it drops kms:EncryptionContext:<key>. Such a request runs in Discovery mode
 * instead, every aws:* key authoritative: what is left is the engine's verdict "allowed if
 * <condition>", and the one condition it may name, on the encryption context, is checked here.
 */
async function decideWithTopicContext(call: Call, context: Context, topicContext: string): Promise<Decision> {
  const response = await runSimulation(simulationOf(call, context), {
    simulationMode: 'Discovery',
    discoveryContextKeyConstraints: [{ keyName: '/^aws:/', presenceIsKnown: true, valueIsKnown: true }],
  });
  if (response.resultType !== 'single') throw new Error(`Simulation failed: ${JSON.stringify(response)}`);
  expect(response.result.ignoredContextKeys).toEqual([]);
  const condition = response.result.analysis.conditions;
  if (response.overallResult !== 'Allowed' || condition === undefined || condition.conditionType === 'always') return response.overallResult;
  if (condition.conditionType !== 'condition' || condition.key.toLowerCase() !== TOPIC_CONTEXT_KEY.toLowerCase() || condition.op !== 'StringLike') {
    throw new Error(`Unexpected remaining condition ${JSON.stringify(condition)}.`);
  }
  return condition.values.some((pattern) => globMatches(pattern, topicContext)) ? 'Allowed' : 'ImplicitlyDenied';
}

/** StringLike: `*` is any run of characters, `?` one character, all else literal. */
function globMatches(pattern: string, value: string): boolean {
  const expression = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${expression}$`).test(value);
}

interface Publish {
  principal: string;
  context: Context;
  /** The encryption context SNS asks KMS for (only the events case is evaluated with it). */
  topicContext?: string;
  identityPolicy?: Policy;
}

interface PublishDecisions {
  topic: Decision;
  key: Decision[];
}

async function publish(world: Publishing, call: Publish): Promise<PublishDecisions> {
  const identity = call.identityPolicy === undefined ? {} : { identityPolicy: call.identityPolicy };
  const topic = await decide({ ...call, ...identity, action: 'sns:Publish', resource: world.topicArn, resourcePolicy: world.topicPolicy });
  const keyContext = call.topicContext === undefined ? call.context : { ...call.context, [TOPIC_CONTEXT_KEY]: call.topicContext };
  const key = await Promise.all(
    KMS_ACTIONS.map((action) => decide({ ...call, ...identity, action, resource: world.keyArn, context: keyContext, resourcePolicy: world.keyPolicy })),
  );
  return { topic, key };
}

const ALLOWED: PublishDecisions = { topic: 'Allowed', key: ['Allowed', 'Allowed'] };
const source = (account: string, arn: string, secureTransport = 'true'): Context => ({
  'aws:SourceAccount': account,
  'aws:SourceArn': arn,
  'aws:SecureTransport': secureTransport,
});
const isAllowed = (decision: Decision) => decision === 'Allowed';

const STACK_NAME = exampleConfig().stackName;
let world: Publishing;

beforeAll(() => {
  world = publishingOf(synthStack().template, STACK_NAME);
});

describe('the alarm topic of the stack', () => {
  it('is notified by all twelve alarms (onboarding, offboarding, fleet, reconciliation, starter, dead letters, key rotation, no data yet) and the Onboarding Failed, onboarding-warning and no-data-yet rules', () => {
    expect(world.alarmArns).toHaveLength(12);
    expect(world.ruleArns).toHaveLength(3);
  });

  it('lets CloudWatch publish for every alarm of the stack, through the topic policy and the key policy', async () => {
    for (const alarmArn of world.alarmArns) {
      expect({ alarmArn, ...(await publish(world, { principal: CLOUDWATCH, context: source(ACCOUNT, alarmArn) })) }).toEqual({ alarmArn, ...ALLOWED });
    }
  });

  it("lets EventBridge publish for the stack's rules, the key bound to this account's topics by SNS's encryption context", async () => {
    for (const ruleArn of world.ruleArns) {
      const decisions = await publish(world, { principal: EVENTS, context: source(ACCOUNT, ruleArn), topicContext: world.topicArn });
      expect({ ruleArn, ...decisions }).toEqual({ ruleArn, ...ALLOWED });
    }
  });

  it("denies CloudWatch for another account's alarm and for an alarm of this account that is not the stack's", async () => {
    const foreign = await publish(world, { principal: CLOUDWATCH, context: source(OTHER_ACCOUNT, `arn:aws:cloudwatch:${REGION}:${OTHER_ACCOUNT}:alarm:lure`) });
    const spoofedAccount = await publish(world, { principal: CLOUDWATCH, context: source(OTHER_ACCOUNT, world.alarmArns[0] ?? '') });
    const unknown = await publish(world, { principal: CLOUDWATCH, context: source(ACCOUNT, `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:someone-elses`) });
    for (const decisions of [foreign, spoofedAccount, unknown]) {
      expect(isAllowed(decisions.topic)).toBe(false);
      expect(decisions.key.some(isAllowed)).toBe(false);
    }
  });

  it("denies EventBridge for another account's rule, for a rule of this account that is not the stack's, and keys for other topics", async () => {
    const foreignRule = `arn:aws:events:${REGION}:${OTHER_ACCOUNT}:rule/lure`;
    const foreign = await publish(world, { principal: EVENTS, context: source(OTHER_ACCOUNT, foreignRule) });
    const spoofedAccount = await publish(world, { principal: EVENTS, context: source(OTHER_ACCOUNT, world.ruleArns[0] ?? '') });
    const unknown = await publish(world, { principal: EVENTS, context: source(ACCOUNT, `arn:aws:events:${REGION}:${ACCOUNT}:rule/someone-elses`) });
    for (const decisions of [foreign, spoofedAccount, unknown]) expect(isAllowed(decisions.topic)).toBe(false);
    // A rule of another account publishing to its own topic encrypted with this key gets no data key.
    const foreignTopic = await publish(world, {
      principal: EVENTS,
      context: source(OTHER_ACCOUNT, foreignRule),
      topicContext: `arn:aws:sns:${REGION}:${OTHER_ACCOUNT}:lure`,
    });
    expect(foreignTopic.key.some(isAllowed)).toBe(false);
  });

  it('lets no other service publish or use the key', async () => {
    for (const principal of ['sns.amazonaws.com', 's3.amazonaws.com', 'lambda.amazonaws.com']) {
      const decisions = await publish(world, { principal, context: source(ACCOUNT, `arn:aws:s3:::${ACCOUNT}-bucket`) });
      expect({ principal, ...decisions }).toEqual({ principal, topic: 'ImplicitlyDenied', key: ['ImplicitlyDenied', 'ImplicitlyDenied'] });
    }
  });

  it('denies an IAM principal of another account even when its own policies allow everything', async () => {
    const identityPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sns:Publish', 'kms:*'], Resource: '*' }] };
    const decisions = await publish(world, {
      principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/Intruder`,
      context: { 'aws:SecureTransport': 'true' },
      identityPolicy,
    });
    expect(decisions).toEqual({ topic: 'ImplicitlyDenied', key: ['ImplicitlyDenied', 'ImplicitlyDenied'] });
  });

  it('lets only AWS services, or grants for AWS resources, create grants on the key (Control Tower CT.KMS.PR.3)', async () => {
    const grant = (grantIsForAwsResource: string) =>
      decide({
        principal: `arn:aws:iam::${ACCOUNT}:role/KeyAdmin`,
        action: 'kms:CreateGrant',
        resource: world.keyArn,
        context: { 'kms:GrantIsForAWSResource': grantIsForAwsResource, 'aws:PrincipalIsAWSService': 'false', 'aws:SecureTransport': 'true' },
        resourcePolicy: world.keyPolicy,
        identityPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] },
      });
    expect({ direct: await grant('false'), forAwsResource: await grant('true') }).toEqual({ direct: 'ExplicitlyDenied', forAwsResource: 'Allowed' });
  });

  it('refuses a publish without TLS, even from an allowed alarm or rule', async () => {
    for (const [principal, arn] of [
      [CLOUDWATCH, world.alarmArns[0] ?? ''],
      [EVENTS, world.ruleArns[0] ?? ''],
    ] as const) {
      const decision = await decide({
        principal,
        action: 'sns:Publish',
        resource: world.topicArn,
        context: source(ACCOUNT, arn, 'false'),
        resourcePolicy: world.topicPolicy,
      });
      expect({ principal, decision }).toEqual({ principal, decision: 'ExplicitlyDenied' });
    }
  });
});

describe("an operator's own alarm topic", () => {
  it('gets no policy from the construct: its owner grants CloudWatch and EventBridge', () => {
    // Prepare
    const stack = new Stack(testApp(), 'HostStack');
    const alarmTopic = new Topic(stack, 'SharedTopic');

    // Act
    new CloudTrailOnboarding(stack, 'CloudTrail', { settings: runtimeSettingsFromConfig(exampleConfig()), alarmTopic });
    const template = Template.fromStack(stack);

    // Assess
    expectResourceCount(template, 'AWS::SNS::TopicPolicy', 0);
    expectResourceCount(template, 'AWS::KMS::Key', 0);
  });
});
