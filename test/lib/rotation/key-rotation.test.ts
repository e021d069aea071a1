import { AccountRegistryTable } from '../../../lib/registry/account-registry-table.js';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { runtimeSettingsSchema } from '../../../lambda/contract/runtime-settings.js';
import { KeyRotation } from '../../../lib/rotation/key-rotation.js';
import type { KeyRotationProps } from '../../../lib/rotation/key-rotation.js';
import { EnvName } from '../../../lambda/contract/env-names.js';
import { AccountLockTable } from '../../../lib/shared/account-lock-table.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const settings = runtimeSettingsSchema.parse({
  director: {
    baseUrl: 'https://director.example.com',
    poolUuid: 'a'.repeat(32),
    logpointId: 'b'.repeat(32),
    credentialSecretId: 'logpoint/director',
  },
  trail: { bucketName: 'org-trail-bucket', bucketRegion: REGION },
  logSource: {},
});

interface Synthesized {
  app: App;
  stack: Stack;
  rotation: KeyRotation;
  template: Template;
}

function synthesize(props: Partial<KeyRotationProps> = {}): Synthesized {
  const app = new App();
  const stack = new Stack(app, 'RotationTest', { env: { account: ACCOUNT, region: REGION } });
  const rotation = new KeyRotation(stack, 'KeyRotation', {
    settings,
    directorSecret: Secret.fromSecretNameV2(stack, 'DirectorSecret', 'logpoint/director'),
    alarmTopic: new Topic(stack, 'Alarms'),
    accountLocks: new AccountLockTable(stack, 'AccountLocks'),
    accountRegistry: new AccountRegistryTable(stack, 'AccountRegistry'),
    ...props,
  });
  const finalize = new LambdaFunction(stack, 'Finalize', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('export {}') });
  rotation.grantEnableRotation(finalize);
  return { app, stack, rotation, template: Template.fromStack(stack) };
}

/** A CloudFormation value as one string: Fn::Join flattened, `Ref`/`GetAtt` as `<name>`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join(',');
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (Array.isArray(record['Fn::Join'])) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
    if ('Ref' in record) return `<${flatten(record.Ref)}>`;
    if (Array.isArray(record['Fn::GetAtt'])) return `<${(record['Fn::GetAtt'] as unknown[]).map(flatten).join('.')}>`;
  }
  return JSON.stringify(value);
}

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
}

/** The statements of the policies attached to the role of the function whose logical id starts with `prefix`. */
function statementsOfFunction(template: Template, prefix: string): Statement[] {
  const functions = template.findResources('AWS::Lambda::Function');
  const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(prefix)) ?? [];
  const roleId = (fn?.Properties as { Role: { 'Fn::GetAtt': [string, string] } }).Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    ((policy.Properties as { Roles: { Ref: string }[] }).Roles ?? []).some((role) => role.Ref === roleId),
  );
  return policies.flatMap((policy) => (policy.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement);
}

const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
const resourcesOf = (statement: Statement): string[] => [statement.Resource].flat().map(flatten);

describe('KeyRotation', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize();
  });

  it('lets only Secrets Manager of this account invoke the rotation function, for account secrets only', () => {
    // Act
    const permissions = synthesized.template.findResources('AWS::Lambda::Permission', {
      Properties: { Principal: 'secretsmanager.amazonaws.com' },
    });

    // Assess
    const [permission] = Object.values(permissions);
    expect(Object.keys(permissions)).toHaveLength(1);
    expect(permission?.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', SourceAccount: ACCOUNT });
    expect(flatten((permission?.Properties as { SourceArn: unknown }).SourceArn)).toBe(
      `arn:<AWS::Partition>:secretsmanager:${REGION}:${ACCOUNT}:secret:logpoint/cloudtrail/????????????-??????`,
    );
  });

  it('scopes IAM to the reader users, secrets to the account secrets and the Director secret, events to the default bus', () => {
    // Act
    const statements = statementsOfFunction(synthesized.template, 'KeyRotationRotateAccessKeyFunction');

    // Assess
    const readerUsers = `arn:<AWS::Partition>:iam::${ACCOUNT}:user/logpoint/cloudtrail-reader-????????????`;
    const accountSecrets = `arn:<AWS::Partition>:secretsmanager:${REGION}:${ACCOUNT}:secret:logpoint/cloudtrail/????????????-??????`;
    const directorSecret = `arn:<AWS::Partition>:secretsmanager:${REGION}:${ACCOUNT}:secret:logpoint/director-??????`;
    const byService = (service: string) => statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith(`${service}:`)));
    expect(new Set(byService('iam').flatMap(resourcesOf))).toEqual(new Set([readerUsers]));
    expect(byService('iam').flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed']),
    );
    expect(new Set(byService('secretsmanager').flatMap(resourcesOf))).toEqual(new Set([accountSecrets, directorSecret]));
    const onAccountSecrets = byService('secretsmanager').filter((statement) => resourcesOf(statement).includes(accountSecrets));
    expect(onAccountSecrets.flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage']),
    );
    expect(onAccountSecrets.flatMap(actionsOf)).not.toContain('secretsmanager:DeleteSecret');
    const onDirectorSecret = byService('secretsmanager').filter((statement) => resourcesOf(statement).includes(directorSecret));
    expect(onDirectorSecret.flatMap(actionsOf)).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']));
    expect(byService('events')).toHaveLength(1);
    expect(byService('events').flatMap(resourcesOf)).toEqual([`arn:<AWS::Partition>:events:${REGION}:${ACCOUNT}:event-bus/default`]);
    expect(byService('s3').flatMap(resourcesOf)).toEqual(
      expect.arrayContaining(['arn:<AWS::Partition>:s3:::org-trail-bucket', 'arn:<AWS::Partition>:s3:::org-trail-bucket/AWSLogs/*']),
    );
    // Only X-Ray (no resource-level permissions) may use "*".
    const starred = statements.filter((statement) => resourcesOf(statement).includes('*'));
    expect(starred.flatMap(actionsOf).every((action) => action.startsWith('xray:'))).toBe(true);
  });

  it('alarms to the given topic when the rotation function reports an error', () => {
    // Assess
    expect(() =>
      synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^KeyRotationRotateAccessKeyFunction') } }],
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
      }),
    ).not.toThrow();
  });

  it('runs the rotation handler with the settings and a timeout that leaves room for a rollback', () => {
    // Assess
    expect(() =>
      synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Timeout: 300,
        Environment: { Variables: Match.objectLike({ ONBOARDING_SETTINGS: JSON.stringify(settings) }) },
        Description: Match.stringLikeRegexp('Rotates the access key'),
      }),
    ).not.toThrow();
  });

  it('tells the function that enables rotation which function and schedule to use, and lets it call RotateSecret', () => {
    // Act
    const statements = statementsOfFunction(synthesized.template, 'Finalize');

    // Assess
    expect(synthesized.rotation.scheduleDays).toBe(90);
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Environment: {
        Variables: {
          [EnvName.ROTATION_LAMBDA_ARN]: { 'Fn::GetAtt': [Match.stringLikeRegexp('^KeyRotationRotateAccessKeyFunction'), 'Arn'] },
          [EnvName.ROTATION_SCHEDULE_DAYS]: '90',
        },
      },
    });
    const rotate = statements.find((statement) => actionsOf(statement).includes('secretsmanager:RotateSecret'));
    expect(rotate === undefined ? [] : resourcesOf(rotate)).toEqual([
      `arn:<AWS::Partition>:secretsmanager:${REGION}:${ACCOUNT}:secret:logpoint/cloudtrail/????????????-??????`,
    ]);
    expect(statements.some((statement) => actionsOf(statement).includes('lambda:InvokeFunction'))).toBe(true);
  });

  it('takes a configured schedule and refuses an impossible one', () => {
    // Act
    const weekly = synthesize({ scheduleDays: 7 });
    const refused = [0, 1001, 2.5].map((scheduleDays) => {
      try {
        synthesize({ scheduleDays });
        return null;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    });

    // Assess
    expect(weekly.rotation.scheduleDays).toBe(7);
    weekly.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [EnvName.ROTATION_SCHEDULE_DAYS]: '7' }) },
    });
    expect(refused.every((message) => message?.includes('scheduleDays') === true)).toBe(true);
  });

  it('passes cdk-nag AwsSolutions checks without unacknowledged findings', () => {
    // Act
    const violations = new AwsSolutionsChecks(synthesized.app).validateScope(synthesized.stack).violations;

    // Assess
    const findings = violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`));
    // The test's own stand-ins (a plain topic, an inline function) are not the construct's concern.
    const scaffolding = /^AwsSolutions-(SNS3 RotationTest\/Alarms\/|IAM4\S* RotationTest\/Finalize\/ServiceRole\/|L1 RotationTest\/Finalize\/)/;
    expect(findings.filter((finding) => !scaffolding.test(finding))).toEqual([]);
    expect(findings.length).toBeGreaterThan(0);
  });
});
