import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import type { AccountState } from '../../../local/sandbox/account-state.js';
import { iamRequestsFor, UnmappedCallError, type IamRequest } from '../../support/iam-requests.js';
import { forSimulator } from '../../support/role-conformance.js';

/**
 * The SDK-call → IAM-request mapping the role conformance test relies on, checked against the
 * Service Authorization Reference as iam-data ships it: every action exists, every resource ARN
 * is of a resource type the action takes, and every context key is one AWS evaluates for it.
 */

const ACCOUNT = '111122223333';
const ENV = {
  partition: 'aws',
  region: 'eu-west-1',
  account: ACCOUNT,
  aliases: { 'arn:aws:lambda:eu-west-1:000000000000:function:KeyRotation': `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:Rotation` },
};
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/logpoint/cloudtrail-reader-${ACCOUNT}`;
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:logpoint/cloudtrail/${ACCOUNT}-AbCdEf`;
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/logpoint/boundary`;

const STATE: AccountState = {
  users: [
    {
      userName: `cloudtrail-reader-${ACCOUNT}`,
      path: '/logpoint/',
      arn: USER_ARN,
      userId: 'AIDAEXAMPLE',
      tags: { 'logpoint:managed-by': 'logpoint-cloudtrail-onboarding' },
      policyNames: [],
      permissionsBoundary: BOUNDARY,
    },
  ],
  accessKeys: [{ accessKeyId: 'AKIAEXAMPLEKEY000001', userName: `cloudtrail-reader-${ACCOUNT}`, status: 'Active' }],
  userPolicies: [],
  secrets: [
    {
      name: `logpoint/cloudtrail/${ACCOUNT}`,
      arn: SECRET_ARN,
      tags: { 'logpoint:managed-by': 'logpoint-cloudtrail-onboarding' },
      scheduledForDeletion: false,
      rotationEnabled: true,
      rotationLambdaArn: 'arn:aws:lambda:eu-west-1:000000000000:function:KeyRotation',
    },
  ],
  buckets: [{ name: 'trail', region: 'eu-west-1', encryption: { type: 'SSE-KMS', kmsKeyArn: KEY_ARN, bucketKeyEnabled: true }, denyProductAccess: false }],
};

const user = { UserName: `cloudtrail-reader-${ACCOUNT}` };
const tags = { Tags: [{ Key: 'logpoint:managed-by', Value: 'logpoint-cloudtrail-onboarding' }] };
const secret = { SecretId: SECRET_ARN };
const object = { Bucket: 'trail', Key: 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/01/01/file.json.gz' };

/** One sample input per mapped command, with the optional fields that add context keys. */
const SAMPLES: [string, string, Record<string, unknown>][] = [
  ['IAM', 'CreateUser', { ...user, Path: '/logpoint/', PermissionsBoundary: BOUNDARY, ...tags }],
  ['IAM', 'GetUser', user],
  ['IAM', 'DeleteUser', user],
  ['IAM', 'ListUserTags', user],
  ['IAM', 'TagUser', { ...user, ...tags }],
  ['IAM', 'UntagUser', { ...user, TagKeys: ['logpoint:managed-by'] }],
  ['IAM', 'PutUserPolicy', { ...user, PolicyName: 'read', PolicyDocument: '{}' }],
  ['IAM', 'DeleteUserPolicy', { ...user, PolicyName: 'read' }],
  ['IAM', 'GetUserPolicy', { ...user, PolicyName: 'read' }],
  ['IAM', 'ListUserPolicies', user],
  ['IAM', 'PutUserPermissionsBoundary', { ...user, PermissionsBoundary: BOUNDARY }],
  ['IAM', 'DeleteUserPermissionsBoundary', user],
  ['IAM', 'CreateAccessKey', user],
  ['IAM', 'ListAccessKeys', user],
  ['IAM', 'UpdateAccessKey', { ...user, AccessKeyId: 'AKIAEXAMPLEKEY000001', Status: 'Inactive' }],
  ['IAM', 'DeleteAccessKey', { ...user, AccessKeyId: 'AKIAEXAMPLEKEY000001' }],
  ['IAM', 'GetAccessKeyLastUsed', { AccessKeyId: 'AKIAEXAMPLEKEY000001' }],
  ['SecretsManager', 'CreateSecret', { Name: `logpoint/cloudtrail/${ACCOUNT}`, Description: 'reader', KmsKeyId: 'alias/aws/secretsmanager', ...tags }],
  ['SecretsManager', 'DescribeSecret', { SecretId: `logpoint/cloudtrail/${ACCOUNT}` }],
  ['SecretsManager', 'GetSecretValue', { ...secret, VersionId: 'v1', VersionStage: 'AWSPREVIOUS' }],
  ['SecretsManager', 'PutSecretValue', { ...secret, SecretString: 'not inspected' }],
  ['SecretsManager', 'UpdateSecret', { ...secret, Description: 'reader', KmsKeyId: KEY_ARN }],
  ['SecretsManager', 'UpdateSecretVersionStage', { ...secret, VersionStage: 'AWSCURRENT', MoveToVersionId: 'v2' }],
  ['SecretsManager', 'TagResource', { ...secret, ...tags }],
  ['SecretsManager', 'UntagResource', { ...secret, TagKeys: ['logpoint:last-order'] }],
  ['SecretsManager', 'RestoreSecret', secret],
  ['SecretsManager', 'DeleteSecret', { ...secret, RecoveryWindowInDays: 7 }],
  ['SecretsManager', 'RotateSecret', { ...secret, RotationLambdaARN: 'arn:aws:lambda:eu-west-1:000000000000:function:KeyRotation', RotateImmediately: false }],
  ['S3', 'HeadBucket', { Bucket: 'trail' }],
  ['S3', 'GetBucketLocation', { Bucket: 'trail' }],
  ['S3', 'GetBucketEncryption', { Bucket: 'trail' }],
  ['S3', 'ListObjectsV2', { Bucket: 'trail', Prefix: 'AWSLogs/', Delimiter: '/', MaxKeys: 50 }],
  ['S3', 'ListObjects', { Bucket: 'trail', Prefix: 'AWSLogs/' }],
  ['S3', 'HeadObject', object],
  ['S3', 'GetObject', object],
  ['EventBridge', 'PutEvents', { Entries: [{ Source: 'logpoint.onboarding', DetailType: 'Key Rotation Succeeded', Detail: '{}' }] }],
  ['SFN', 'StartExecution', { stateMachineArn: `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:Onboarding`, name: 'run' }],
  ['SFN', 'ListExecutions', { stateMachineArn: `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:Onboarding`, statusFilter: 'RUNNING' }],
];

const requestsOf = (service: string, operation: string, input: Record<string, unknown>, state = STATE): IamRequest[] =>
  iamRequestsFor({ service: service as 'IAM', operation, input, state }, ENV);

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};

describe('iamRequestsFor', () => {
  it.each(SAMPLES)(
    '%s.%s: actions, resource types and context keys are the ones the Service Authorization Reference lists',
    async (service, operation, input) => {
      const requests = requestsOf(service, operation, input);

      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) {
        const response = await runSimulation(
          {
            request: {
              principal: `arn:aws:iam::${ACCOUNT}:role/Function`,
              action: request.action,
              resource: { resource: request.resource, accountId: ACCOUNT },
              contextVariables: request.context,
            },
            identityPolicies: [{ name: 'all', policy: ALLOW_ALL }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            ...(request.action.startsWith('kms:') ? { resourcePolicy: KEY_POLICY } : {}),
          },
          {},
        );
        const name = `${request.action} on ${request.resource}`;
        const outcome =
          response.resultType === 'single'
            ? { name, resultType: response.resultType, ignoredContextKeys: response.result.ignoredContextKeys, result: response.overallResult }
            : { name, resultType: response.resultType };
        expect(outcome).toEqual({ name, resultType: 'single', ignoredContextKeys: [], result: 'Allowed' });
      }
    },
  );

  it('maps the calls whose permission the API reference names besides the call itself', () => {
    const actions = (service: string, operation: string, input: Record<string, unknown>) =>
      requestsOf(service, operation, input).map((request) => request.action);

    expect(actions('IAM', 'CreateUser', { ...user, Path: '/logpoint/', ...tags })).toEqual(['iam:CreateUser', 'iam:TagUser']);
    expect(actions('IAM', 'CreateUser', { ...user, Path: '/logpoint/' })).toEqual(['iam:CreateUser']);
    expect(actions('SecretsManager', 'CreateSecret', { Name: 'logpoint/cloudtrail/1', ...tags })).toEqual([
      'secretsmanager:CreateSecret',
      'secretsmanager:TagResource',
    ]);
    expect(
      requestsOf('SecretsManager', 'RotateSecret', { ...secret, RotationLambdaARN: 'arn:aws:lambda:eu-west-1:000000000000:function:KeyRotation' })[1],
    ).toMatchObject({
      action: 'lambda:InvokeFunction',
      resource: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:Rotation`,
    });
    expect(actions('S3', 'GetObject', object)).toEqual(['s3:GetObject', 'kms:Decrypt']);
    expect(actions('S3', 'HeadObject', object)).toEqual(['s3:GetObject']);
    expect(actions('S3', 'HeadBucket', { Bucket: 'trail' })).toEqual(['s3:ListBucket']);
    expect(actions('S3', 'GetBucketEncryption', { Bucket: 'trail' })).toEqual(['s3:GetEncryptionConfiguration']);
  });

  it("takes the resource's own attributes from the account state: path, tags, boundary, KMS key via S3", () => {
    const [getUser] = requestsOf('IAM', 'GetUser', user);
    const [putPolicy] = requestsOf('IAM', 'PutUserPolicy', { ...user, PolicyName: 'read', PolicyDocument: '{}' });
    const [createUser] = requestsOf('IAM', 'CreateUser', { ...user, Path: '/logpoint/', PermissionsBoundary: BOUNDARY });
    const [deleteSecret] = requestsOf('SecretsManager', 'DeleteSecret', { SecretId: `logpoint/cloudtrail/${ACCOUNT}`, RecoveryWindowInDays: 7 });
    const [list] = requestsOf('S3', 'ListObjectsV2', { Bucket: 'trail', Prefix: 'AWSLogs/', MaxKeys: 50 });
    const decrypt = requestsOf('S3', 'GetObject', object)[1];

    expect(getUser).toEqual({
      action: 'iam:GetUser',
      resource: USER_ARN,
      context: {
        'aws:ResourceTag/logpoint:managed-by': 'logpoint-cloudtrail-onboarding',
        'iam:ResourceTag/logpoint:managed-by': 'logpoint-cloudtrail-onboarding',
      },
    });
    expect(putPolicy?.context['iam:PermissionsBoundary']).toBe(BOUNDARY);
    expect(createUser).toMatchObject({ resource: USER_ARN, context: { 'iam:PermissionsBoundary': BOUNDARY } });
    expect(deleteSecret).toMatchObject({
      resource: SECRET_ARN,
      context: {
        'secretsmanager:SecretId': `logpoint/cloudtrail/${ACCOUNT}`,
        'aws:ResourceTag/logpoint:managed-by': 'logpoint-cloudtrail-onboarding',
        'secretsmanager:RecoveryWindowInDays': '7',
        'secretsmanager:resource/AllowRotationLambdaArn': `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:Rotation`,
      },
    });
    expect(list).toEqual({ action: 's3:ListBucket', resource: 'arn:aws:s3:::trail', context: { 's3:prefix': 'AWSLogs/', 's3:max-keys': '50' } });
    expect(decrypt).toMatchObject({ resource: KEY_ARN, context: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com', 'kms:CallerAccount': ACCOUNT } });
  });

  it('names what does not exist the way AWS does: a user without its path, a secret with a six-character suffix', () => {
    const empty: AccountState = { users: [], accessKeys: [], userPolicies: [], secrets: [], buckets: [] };

    const [getUser] = requestsOf('IAM', 'GetUser', { UserName: 'cloudtrail-reader-444455556666' }, empty);
    const [describe] = requestsOf('SecretsManager', 'DescribeSecret', { SecretId: 'logpoint/cloudtrail/444455556666' }, empty);

    expect(getUser?.resource).toBe(`arn:aws:iam::${ACCOUNT}:user/cloudtrail-reader-444455556666`);
    expect(getUser?.assumption).toBeDefined();
    expect(describe?.resource).toMatch(new RegExp(`^arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:logpoint/cloudtrail/444455556666-[A-Za-z0-9]{6}$`));
  });

  it('refuses a call it has no mapping for instead of guessing', () => {
    expect(() => requestsOf('IAM', 'CreateRole', { RoleName: 'x' })).toThrow(UnmappedCallError);
    expect(() => requestsOf('IAM', 'ListAccessKeys', {})).toThrow(UnmappedCallError);
  });

  it("evaluates a grant's secretsmanager:ResourceTag condition on the secret's tag (iam-data cannot name that key)", async () => {
    const grant = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow' as const,
          Action: 'secretsmanager:DeleteSecret',
          Resource: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:logpoint/cloudtrail/????????????-??????`,
          Condition: { StringEquals: { 'secretsmanager:ResourceTag/logpoint:managed-by': 'logpoint-cloudtrail-onboarding' } },
        },
      ],
    };
    const decide = async (tags: Record<string, string>) => {
      const [request] = requestsOf(
        'SecretsManager',
        'DeleteSecret',
        { ...secret, RecoveryWindowInDays: 7 },
        { ...STATE, secrets: [{ ...STATE.secrets[0]!, tags }] },
      );
      const response = await runSimulation(
        {
          request: {
            principal: `arn:aws:iam::${ACCOUNT}:role/Function`,
            action: request!.action,
            resource: { resource: request!.resource, accountId: ACCOUNT },
            contextVariables: request!.context,
          },
          identityPolicies: [{ name: 'grant', policy: forSimulator(grant) }],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
        },
        {},
      );
      return response.resultType === 'single' ? response.overallResult : response.resultType;
    };

    expect(await decide({ 'logpoint:managed-by': 'logpoint-cloudtrail-onboarding' })).toBe('Allowed');
    expect(await decide({ 'logpoint:managed-by': 'someone-else' })).toBe('ImplicitlyDenied');
    expect(await decide({})).toBe('ImplicitlyDenied');
    expect(grant.Statement[0]?.Condition.StringEquals).toHaveProperty(['secretsmanager:ResourceTag/logpoint:managed-by']);
  });
});
