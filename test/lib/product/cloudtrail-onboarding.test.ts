import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { AccountTriggers } from '../../../lib/triggers/account-triggers.js';
import { CloudTrailOnboarding } from '../../../lib/product/cloudtrail-onboarding.js';
import { CloudTrailOnboardingPropsError, type CloudTrailOnboardingProps } from '../../../lib/product/cloudtrail-onboarding-props.js';
import { ExecutionStarter } from '../../../lib/triggers/execution-starter.js';
import { expectResource, expectResourceCount, testApp } from '../stack-fixture.js';
import { EnvName } from '../../../lambda/contract/env-names.js';

const OFFBOARDING_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:Offboarding';

/** The minimum another CDK app has to give: the defaults fill in the rest. */
const minimalProps: CloudTrailOnboardingProps = {
  settings: {
    director: {
      baseUrl: 'https://director.example.com',
      poolUuid: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      logpointId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      credentialSecretId: 'logpoint/director/api',
    },
    trail: { bucketName: 'example-org-cloudtrail-logs' },
    logSource: {},
  },
};

function embed(props: Partial<CloudTrailOnboardingProps> = {}): { stack: Stack; onboarding: CloudTrailOnboarding } {
  const stack = new Stack(testApp(), 'HostStack');
  const onboarding = new CloudTrailOnboarding(stack, 'CloudTrail', { ...minimalProps, ...props });
  return { stack, onboarding };
}

describe('CloudTrailOnboarding embedded in another app', () => {
  it('builds from the minimal props, filling documented defaults into the settings', () => {
    // Act
    const { onboarding } = embed();

    // Assess
    expect(onboarding.settings.logSource.namePattern).toBe('CloudTrail-{accountId}');
    expect(onboarding.settings.orderPolling).toEqual({ initialWaitSeconds: 2, maxWaitSeconds: 15, deadlineSeconds: 1800, settleSeconds: 120 });
    expect(onboarding.stateMachine).toBe(onboarding.workflow.stateMachine);
    expect(onboarding.starterFunction).toBe(onboarding.starter.function);
    expect(onboarding.deployTrigger).toBeUndefined();
    expect(onboarding.keyRotation?.scheduleDays).toBe(90);
    expect(onboarding.offboardingWorkflow?.secretRecoveryWindowDays).toBe(7);
  });

  it('leaves out key rotation and the offboarding workflow when they are turned off', () => {
    // Act
    const { stack, onboarding } = embed({ keyRotation: false, offboarding: false });
    const template = Template.fromStack(stack);

    // Assess
    expect(onboarding.keyRotation).toBeUndefined();
    expect(onboarding.offboardingWorkflow).toBeUndefined();
    // The onboarding workflow, the fleet run of the existing accounts and the reconciliation.
    expectResourceCount(template, 'AWS::StepFunctions::StateMachine', 3);
    expect(Object.keys(onboarding.triggers.rules).sort()).toEqual(['CreateAccountResult', 'CreateManagedAccount', 'UpdateManagedAccount']);
    expect(JSON.stringify(template.toJSON())).not.toContain('secretsmanager:RotateSecret');
  });

  it('reserves 5 concurrent executions for the starter by default, another number when asked, and none with null', () => {
    // Act
    const reservedOf = (props: Partial<CloudTrailOnboardingProps>) => {
      const { stack, onboarding } = embed(props);
      const starter = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(onboarding.starterFunction.node.defaultChild as CfnFunction)] as {
        Properties: { ReservedConcurrentExecutions?: number };
      };
      return starter.Properties.ReservedConcurrentExecutions;
    };

    // Assess: a burst of account events waits for the starter's own share instead of taking the account's pool.
    expect(reservedOf({})).toBe(5);
    expect(reservedOf({ starterReservedConcurrency: 20 })).toBe(20);
    expect(reservedOf({ starterReservedConcurrency: null })).toBeUndefined();
  });

  it('refuses a rotation schedule or secret recovery window out of range, naming the field', () => {
    expect(() => embed({ keyRotation: { scheduleDays: 0 } })).toThrow(/scheduleDays must be a whole number from 1 to 1000, got 0/);
    expect(() => embed({ offboarding: { secretRecoveryWindowDays: 31 } })).toThrow(
      /secretRecoveryWindowDays must be a whole number of days from 7 to 30.*got 31/,
    );
  });

  it('reports invalid props with the field path and what it expects', () => {
    // Act
    const build = () => embed({ settings: { ...minimalProps.settings, director: { ...minimalProps.settings.director, poolUuid: 'nope' } } });

    // Assess
    expect(build).toThrow(CloudTrailOnboardingPropsError);
    expect(build).toThrow(/settings\.director\.poolUuid: must be the 32-character hex pool UUID/);
    expect(() => embed({ onboardAccountId: '42' })).toThrow(/onboardAccountId: must be a 12-digit AWS account id/);
  });

  it("uses the host app's own alarm topic and Director secret when given", () => {
    // Prepare
    const stack = new Stack(testApp(), 'HostStack');
    const alarmTopic = new Topic(stack, 'SharedTopic');
    const directorSecret = Secret.fromSecretCompleteArn(stack, 'Director', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shared/director-AbCdEf');

    // Act
    const onboarding = new CloudTrailOnboarding(stack, 'CloudTrail', { ...minimalProps, alarmTopic, directorSecret });
    const template = Template.fromStack(stack);

    // Assess
    expect(onboarding.alarmTopic).toBe(alarmTopic);
    expectResourceCount(template, 'AWS::SNS::Topic', 1);
    expectResourceCount(template, 'AWS::KMS::Key', 0);
    expectResource(template, 'AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shared/director-AbCdEf' })]),
      },
    });
  });
});

describe('addOffboarding', () => {
  it('adds rules for closed and removed accounts that start the offboarding workflow through the same starter', () => {
    // Prepare: without the built-in offboarding workflow, so the host app brings its own.
    const { stack, onboarding } = embed({ offboarding: false });
    expect(onboarding.triggers.rules.CloseAccountResult).toBeUndefined();

    // Act
    onboarding.addOffboarding(StateMachine.fromStateMachineArn(stack, 'Offboarding', OFFBOARDING_ARN));
    const template = Template.fromStack(stack);

    // Assess
    expectResource(template, 'AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.organizations'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: { eventName: ['CloseAccountResult'], serviceEventDetails: { closeAccountStatus: { state: ['SUCCEEDED'] } } },
      },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
    expectResource(template, 'AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.organizations'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: { eventName: ['RemoveAccountFromOrganization'], errorCode: [{ exists: false }] },
      },
    });
    expectResource(template, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [EnvName.OFFBOARDING_STATE_MACHINE_ARN]: OFFBOARDING_ARN }) },
    });
    expectResource(template, 'AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'StartOffboarding', Action: 'states:StartExecution', Resource: OFFBOARDING_ARN })]),
      },
    });
    expectResource(template, 'AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: OFFBOARDING_ARN }],
    });
  });

  it('is already done for the built-in offboarding workflow, so a second one is refused', () => {
    // Prepare
    const { stack, onboarding } = embed();

    // Act + Assess
    expect(onboarding.triggers.rules.CloseAccountResult).toBeDefined();
    expect(() => onboarding.addOffboarding(StateMachine.fromStateMachineArn(stack, 'Offboarding', OFFBOARDING_ARN))).toThrow(
      /already starts the offboard workflow/,
    );
  });

  it('can also be given to AccountTriggers directly, and a workflow kind binds only once', () => {
    // Prepare
    const { stack, onboarding } = embed();
    const offboarding = StateMachine.fromStateMachineArn(stack, 'Offboarding', OFFBOARDING_ARN);
    const starter = new ExecutionStarter(stack, 'SecondStarter', { onboarding: onboarding.stateMachine, accountLocks: onboarding.accountLocks });

    // Act
    const triggers = new AccountTriggers(stack, 'SecondTriggers', { starter, organizations: false, controlTower: false, offboarding });

    // Assess
    expect(Object.keys(triggers.rules).sort()).toEqual(['CloseAccountResult', 'RemoveAccountFromOrganization']);
    expect(() => triggers.addOffboarding(offboarding)).toThrow(/already starts the offboard workflow/);
  });
});
