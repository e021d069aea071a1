import { describe, expect, it } from 'vitest';
import { OnboardingError } from '../../../lambda/shared/errors.js';
import { buildReaderPolicy, partitionForRegion, s3ViaServiceValues } from '../../../lambda/shared/reader-policy.js';
import type { IamPolicyDocument } from '../../../lambda/shared/reader-policy.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';

const BUCKET = 'org-trail-logs';
const PREFIX = 'central/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/';
const KEY_ARN = 'arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Every action and resource the policy grants must be one of these, and nothing broader. */
function assertLeastPrivilege(policy: IamPolicyDocument, allowed: { bucketArn: string; objectArn: string; keyArn: string | null }): void {
  const allowedActions = new Set(['s3:ListBucket', 's3:GetObject', 'kms:Decrypt']);
  for (const statement of policy.Statement) {
    expect(statement.Effect).toBe('Allow');
    expect(statement).not.toHaveProperty('NotAction');
    expect(statement).not.toHaveProperty('NotResource');
    for (const action of statement.Action) {
      expect(action).not.toContain('*');
      expect(action).not.toContain('?');
      expect(allowedActions.has(action), `unexpected action ${action}`).toBe(true);
    }
    for (const resource of statement.Resource) {
      const permitted = [allowed.bucketArn, allowed.objectArn, ...(allowed.keyArn ? [allowed.keyArn] : [])];
      expect(permitted, `unexpected resource ${resource}`).toContain(resource);
      // The only wildcard allowed is the trailing one that means "objects under the log prefix".
      const wildcardFree = resource === allowed.objectArn ? resource.slice(0, -1) : resource;
      expect(wildcardFree).not.toMatch(/[*?]/);
    }
  }
  const byAction = (action: string) => policy.Statement.filter((statement) => statement.Action.includes(action));
  // Listing is only allowed under the log prefix.
  for (const statement of byAction('s3:ListBucket')) {
    expect(statement.Action).toEqual(['s3:ListBucket']);
    expect(statement.Resource).toEqual([allowed.bucketArn]);
    expect(statement.Condition).toEqual({ StringLike: { 's3:prefix': [allowed.objectArn.slice(allowed.bucketArn.length + 1)] } });
  }
  for (const statement of byAction('s3:GetObject')) expect(statement.Resource).toEqual([allowed.objectArn]);
  for (const statement of byAction('kms:Decrypt')) {
    expect(statement.Resource).toEqual([allowed.keyArn]);
    expect(Object.keys(statement.Condition?.StringEquals ?? {})).toEqual(['kms:ViaService']);
  }
}

describe('buildReaderPolicy', () => {
  it('grants exactly list-under-prefix and read-under-prefix when the logs are not KMS encrypted', () => {
    // Act
    const policy = buildReaderPolicy({ bucketName: BUCKET, logPrefix: PREFIX, kmsKeyArn: null, bucketRegion: 'eu-west-1' });

    // Assess
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ListTrailLogPrefix',
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: [`arn:aws:s3:::${BUCKET}`],
          Condition: { StringLike: { 's3:prefix': [`${PREFIX}*`] } },
        },
        { Sid: 'ReadTrailLogObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${BUCKET}/${PREFIX}*`] },
      ],
    });
    assertLeastPrivilege(policy, { bucketArn: `arn:aws:s3:::${BUCKET}`, objectArn: `arn:aws:s3:::${BUCKET}/${PREFIX}*`, keyArn: null });
  });

  it('adds kms:Decrypt on the trail key only, and only through S3 in the bucket region', () => {
    // Act
    const policy = buildReaderPolicy({ bucketName: BUCKET, logPrefix: PREFIX, kmsKeyArn: KEY_ARN, bucketRegion: 'eu-west-1' });

    // Assess
    const decrypt = policy.Statement.find((statement) => statement.Action.includes('kms:Decrypt'));
    expect(decrypt).toEqual({
      Sid: 'DecryptTrailLogsThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [KEY_ARN],
      Condition: { StringEquals: { 'kms:ViaService': ['s3.eu-west-1.amazonaws.com'] } },
    });
    assertLeastPrivilege(policy, { bucketArn: `arn:aws:s3:::${BUCKET}`, objectArn: `arn:aws:s3:::${BUCKET}/${PREFIX}*`, keyArn: KEY_ARN });
  });

  it('uses the partition of the bucket region in every ARN', () => {
    // Act
    const gov = buildReaderPolicy({ bucketName: BUCKET, logPrefix: PREFIX, kmsKeyArn: null, bucketRegion: 'us-gov-west-1' });
    const china = buildReaderPolicy({ bucketName: BUCKET, logPrefix: PREFIX, kmsKeyArn: null, bucketRegion: 'cn-north-1' });

    // Assess
    expect(gov.Statement.flatMap((statement) => statement.Resource)).toEqual([`arn:aws-us-gov:s3:::${BUCKET}`, `arn:aws-us-gov:s3:::${BUCKET}/${PREFIX}*`]);
    expect(china.Statement.flatMap((statement) => statement.Resource)).toEqual([`arn:aws-cn:s3:::${BUCKET}`, `arn:aws-cn:s3:::${BUCKET}/${PREFIX}*`]);
    expect(partitionForRegion('eu-central-1')).toBe('aws');
    expect(s3ViaServiceValues('cn-north-1')).toEqual(['s3.cn-north-1.amazonaws.com', 's3.cn-north-1.amazonaws.com.cn']);
  });

  it.each([
    ['a wildcard', 'AWSLogs/*/CloudTrail/'],
    ['a single-character wildcard', 'AWSLogs/11112222333?/CloudTrail/'],
    ['a policy variable', 'AWSLogs/${aws:username}/CloudTrail/'],
    ['no trailing slash', 'AWSLogs/111122223333/CloudTrail'],
    ['a leading slash', '/AWSLogs/111122223333/CloudTrail/'],
  ])('refuses a log prefix with %s, which would widen the grant', (_what, logPrefix) => {
    // Act
    const build = () => buildReaderPolicy({ bucketName: BUCKET, logPrefix, kmsKeyArn: null, bucketRegion: 'eu-west-1' });

    // Assess
    expect(build).toThrow(OnboardingError);
    expect(build).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_INPUT }));
  });

  it.each(['*', 'arn:aws:kms:eu-west-1:999988887777:key/*', '1234abcd-12ab-34cd-56ef-1234567890ab'])(
    'refuses "%s" as the KMS key: only a full key ARN may be granted',
    (kmsKeyArn) => {
      // Act
      const build = () => buildReaderPolicy({ bucketName: BUCKET, logPrefix: PREFIX, kmsKeyArn, bucketRegion: 'eu-west-1' });

      // Assess
      expect(build).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_INPUT }));
    },
  );
});
