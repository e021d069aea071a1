import { Validations, type Stack } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnboardingStack } from '../../../lib/product/onboarding-stack.js';
import { exampleConfig, testApp } from '../stack-fixture.js';

const TLS_FIXTURE_CA = path.join(import.meta.dirname, '..', '..', 'fixtures', 'tls', 'test-only-ca.cert.pem');

function findings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks(stack.node.root).validateScope(stack);
  return report.violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`));
}

function stackFor(overrides: Record<string, unknown> = {}): OnboardingStack {
  return new OnboardingStack(testApp(), 'LogpointCloudTrailOnboarding', { config: exampleConfig(overrides) });
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the stack built from the example config', () => {
    expect(findings(stackFor())).toEqual([]);
  });

  it('finds nothing unacknowledged with every option on: organization trail, CA bundle, e-mail, explicit environment', () => {
    // Prepare
    const stack = stackFor({
      env: { account: '123456789012', region: 'us-east-1' },
      trail: { organizationId: 'o-a1b2c3d4e5', trailPrefix: 'org-trail' },
      director: { caBundleFile: TLS_FIXTURE_CA, credentialSecretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:logpoint/director/api-AbCdEf' },
      notifications: { email: 'soc@example.com' },
    });

    // Act + Assess
    expect(findings(stack)).toEqual([]);
  });

  it('finds nothing unacknowledged once a host app wires in an offboarding workflow of its own', () => {
    // Prepare: the built-in offboarding is off, so addOffboarding is the only one.
    const stack = stackFor({ offboarding: { enabled: false } });
    stack.onboarding.addOffboarding(StateMachine.fromStateMachineName(stack, 'Offboarding', 'offboarding'));

    // Act + Assess
    expect(findings(stack)).toEqual([]);
  });

  it('finds nothing unacknowledged with key rotation and offboarding turned off', () => {
    expect(findings(stackFor({ keyRotation: { enabled: false }, offboarding: { enabled: false } }))).toEqual([]);
  });

  it('accepts a wildcard only on the policy it was acknowledged for: the same grant on another policy of that role is reported', () => {
    // Prepare: the reader-user grant of the offboarding FindLogSource function, copied to a policy with no acknowledgement.
    const stack = stackFor();
    const offboarding = stack.onboarding.offboardingWorkflow;
    if (offboarding === undefined) throw new Error('The example config turns offboarding on.');
    const findLogSource = offboarding.functions.FindLogSource;
    findLogSource.role?.attachInlinePolicy(
      new Policy(stack, 'UnacknowledgedCopy', {
        statements: [
          new PolicyStatement({
            actions: ['iam:GetUser'],
            resources: [stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: 'logpoint/cloudtrail-reader-*' })],
          }),
        ],
      }),
    );

    // Act + Assess
    expect(findings(stack)).toEqual([
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::.*:user\/logpoint\/cloudtrail-reader-\*\] at .*\/UnacknowledgedCopy\/Resource$/),
    ]);
  });

  it('is really checking: an unencrypted queue without TLS enforcement is reported', () => {
    // Prepare
    const stack = stackFor();
    new Queue(stack, 'CarelessQueue');

    // Act
    const reported = findings(stack);

    // Assess
    expect(reported).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-SQS4 at .*CarelessQueue/)]));
  });

  it('acknowledges only exact finding ids, each with a reason', () => {
    // Prepare
    const stack = stackFor();
    const acknowledgements: { path: string; id: string; reason: string }[] = [];
    for (const construct of stack.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          // The Control Tower guard's acknowledgements have their own test (test/lib/shared/guard-suppressions.test.ts).
          if (!id.startsWith('cdk-validator-cfnguard::')) acknowledgements.push({ path: construct.node.path, id, reason });
        }
      }
    }

    // Assess
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledgements) {
      // A bare AwsSolutions-IAM5 would accept every wildcard of that policy; only bracketed findings are allowed.
      expect(id.replace(/^annotation::/i, '')).toMatch(/^AwsSolutions-(IAM5\[Resource::.+\]|SQS3|L1)$/);
      expect(reason.length).toBeGreaterThan(40);
    }
    // Never on the stack or a whole construct subtree: only on the policy, queue or function that carries the finding.
    for (const { path: constructPath, id } of acknowledgements) {
      expect(constructPath).toMatch(
        id.endsWith('L1') ? /Function$/ : /\/(DefaultPolicy|DeadLetterQueue|ReaderBoundary\/Policy|AccountLocks\/HolderLookup\d+)$/,
      );
    }
  });
});
