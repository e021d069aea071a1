import { describe, expect, it } from 'vitest';
import { OnboardingError } from '../../../lambda/shared/errors.js';
import {
  ancestorListingNeedsDelimiter,
  buildReaderPolicy,
  partitionForRegion,
  readerScopeOf,
  s3ViaServiceValues,
  scopeAncestors,
  USER_INLINE_POLICY_LIMIT,
} from '../../../lambda/shared/reader-policy.js';
import type { IamPolicyDocument } from '../../../lambda/shared/reader-policy.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';

const BUCKET = 'org-trail-logs';
const PREFIX = 'central/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/';
/** The reader's reach for PREFIX: the account's whole folder (its logs, digests and insights). */
const SCOPE = 'central/AWSLogs/o-a1b2c3d4e5/111122223333/';
const KEY_ARN = 'arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** The folders above SCOPE, written out by hand rather than with the helper under test. */
const PREFIX_FOLDERS = ['', 'central/', 'central/AWSLogs/', 'central/AWSLogs/o-a1b2c3d4e5/'];

interface Allowed {
  bucketArn: string;
  objectArn: string;
  keyArn: string | null;
  /** Exactly the folders above the scope that may be listed. */
  folders: string[];
  /** Whether listing those folders needs `s3:delimiter` = `/`. */
  delimited: boolean;
}

/** Every action and resource the policy grants must be one of these, and nothing broader. */
function assertLeastPrivilege(policy: IamPolicyDocument, allowed: Allowed): void {
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
  // Listing is allowed under the log prefix, and of exactly the folders above it (no wildcard there).
  const listings = byAction('s3:ListBucket');
  for (const statement of listings) {
    expect(statement.Action).toEqual(['s3:ListBucket']);
    expect(statement.Resource).toEqual([allowed.bucketArn]);
  }
  expect(listings.map((statement) => statement.Condition)).toEqual([
    { StringLike: { 's3:prefix': [allowed.objectArn.slice(allowed.bucketArn.length + 1)] } },
    {
      StringEqualsIfExists: { 's3:prefix': allowed.folders },
      ...(allowed.delimited ? { StringEquals: { 's3:delimiter': ['/'] } } : {}),
    },
  ]);
  for (const statement of byAction('s3:GetObject')) expect(statement.Resource).toEqual([allowed.objectArn]);
  for (const statement of byAction('kms:Decrypt')) {
    expect(statement.Resource).toEqual([allowed.keyArn]);
    expect(Object.keys(statement.Condition?.StringEquals ?? {})).toEqual(['kms:ViaService']);
  }
}

const allowedFor = (keyArn: string | null): Allowed => ({
  bucketArn: `arn:aws:s3:::${BUCKET}`,
  objectArn: `arn:aws:s3:::${BUCKET}/${SCOPE}*`,
  keyArn,
  folders: PREFIX_FOLDERS,
  delimited: true,
});

describe('buildReaderPolicy', () => {
  it('grants exactly list-under-prefix, list-the-folders-above-it and read-under-prefix when the logs are not KMS encrypted', () => {
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
          Condition: { StringLike: { 's3:prefix': [`${SCOPE}*`] } },
        },
        {
          Sid: 'ListFoldersDownToTrailLogs',
          Effect: 'Allow',
          Action: ['s3:ListBucket'],
          Resource: [`arn:aws:s3:::${BUCKET}`],
          Condition: { StringEqualsIfExists: { 's3:prefix': PREFIX_FOLDERS }, StringEquals: { 's3:delimiter': ['/'] } },
        },
        { Sid: 'ReadTrailLogObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${BUCKET}/${SCOPE}*`] },
      ],
    });
    assertLeastPrivilege(policy, allowedFor(null));
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
    assertLeastPrivilege(policy, allowedFor(KEY_ARN));
  });

  it('uses the partition of the bucket region in every ARN', () => {
    // Act
    const gov = buildReaderPolicy({ bucketName: BUCKET, logPrefix: PREFIX, kmsKeyArn: null, bucketRegion: 'us-gov-west-1' });
    const china = buildReaderPolicy({ bucketName: BUCKET, logPrefix: PREFIX, kmsKeyArn: null, bucketRegion: 'cn-north-1' });

    // Assess
    expect(gov.Statement.flatMap((statement) => statement.Resource)).toEqual([
      `arn:aws-us-gov:s3:::${BUCKET}`,
      `arn:aws-us-gov:s3:::${BUCKET}`,
      `arn:aws-us-gov:s3:::${BUCKET}/${SCOPE}*`,
    ]);
    expect(china.Statement.flatMap((statement) => statement.Resource)).toEqual([
      `arn:aws-cn:s3:::${BUCKET}`,
      `arn:aws-cn:s3:::${BUCKET}`,
      `arn:aws-cn:s3:::${BUCKET}/${SCOPE}*`,
    ]);
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

  it.each([
    ['an account trail', 'AWSLogs/111122223333/CloudTrail/', 'AWSLogs/111122223333/', ['', 'AWSLogs/'], false],
    [
      'an account trail under a custom prefix',
      'logs/ct/AWSLogs/111122223333/CloudTrail/',
      'logs/ct/AWSLogs/111122223333/',
      ['', 'logs/', 'logs/ct/', 'logs/ct/AWSLogs/'],
      false,
    ],
    ['a whole organization trail', 'AWSLogs/o-abc123/', 'AWSLogs/o-abc123/', ['', 'AWSLogs/'], false],
    ['a whole Control Tower organization trail', 'o-abc123/AWSLogs/o-abc123/', 'o-abc123/AWSLogs/o-abc123/', ['', 'o-abc123/', 'o-abc123/AWSLogs/'], false],
    [
      "one account's slice of an organization trail",
      'org-trail/AWSLogs/o-abc123/111122223333/CloudTrail/',
      'org-trail/AWSLogs/o-abc123/111122223333/',
      ['', 'org-trail/', 'org-trail/AWSLogs/', 'org-trail/AWSLogs/o-abc123/'],
      true,
    ],
    [
      "one account's slice of a Control Tower trail",
      'o-abc123/AWSLogs/o-abc123/111122223333/CloudTrail/',
      'o-abc123/AWSLogs/o-abc123/111122223333/',
      ['', 'o-abc123/', 'o-abc123/AWSLogs/', 'o-abc123/AWSLogs/o-abc123/'],
      true,
    ],
    ['a shape it does not recognise', 'logs/', 'logs/', [''], true],
  ])(
    "for %s (log prefix %s), reaches the account's folder or the whole trail, and lets exactly the folders above it be listed, one level at a time unless it is the whole trail",
    (_what, logPrefix, scope, folders, delimited) => {
      // Act
      const policy = buildReaderPolicy({ bucketName: BUCKET, logPrefix, kmsKeyArn: null, bucketRegion: 'eu-west-1' });

      // Assess
      expect(readerScopeOf(logPrefix)).toBe(scope);
      expect(scopeAncestors(scope)).toEqual(folders);
      expect(ancestorListingNeedsDelimiter(scope)).toBe(delimited);
      assertLeastPrivilege(policy, {
        bucketArn: `arn:aws:s3:::${BUCKET}`,
        objectArn: `arn:aws:s3:::${BUCKET}/${scope}*`,
        keyArn: null,
        folders,
        delimited,
      });
    },
  );

  it("stays within IAM's 2,048 characters for a user's inline policies with the longest names it supports", () => {
    // Prepare: a 63-character bucket, a 100-character trail prefix of four folders, a 34-character
    // organization id, the GovCloud partition and a multi-Region key: the longest of each at once.
    const prefix = ['a'.repeat(25), 'b'.repeat(24), 'c'.repeat(24), 'd'.repeat(24)].join('/');
    const organizationId = `o-${'e'.repeat(32)}`;
    const scopes = [
      `${prefix}/AWSLogs/${organizationId}/111122223333/CloudTrail/`,
      `${prefix}/AWSLogs/111122223333/CloudTrail/`,
      `${prefix}/AWSLogs/${organizationId}/`,
    ];
    const kmsKeyArn = `arn:aws-us-gov:kms:us-gov-west-1:999988887777:key/mrk-${'0'.repeat(32)}`;
    expect(prefix).toHaveLength(100);

    for (const logPrefix of scopes) {
      // Act
      const policy = buildReaderPolicy({ bucketName: 'x'.repeat(63), logPrefix, kmsKeyArn, bucketRegion: 'us-gov-west-1' });

      // Assess: IAM counts the document without whitespace.
      expect(JSON.stringify(policy).replace(/\s/g, '').length).toBeLessThanOrEqual(USER_INLINE_POLICY_LIMIT);
    }
  });

  it('refuses, before anything is created, a scope whose policy IAM would refuse as too large', () => {
    // Prepare: CloudTrail allows a 200-character prefix; spelled out in every folder above one
    // account's slice of an organization trail it cannot fit.
    const logPrefix = `${'p'.repeat(200)}/AWSLogs/o-${'e'.repeat(32)}/111122223333/CloudTrail/`;

    // Act
    const build = () => buildReaderPolicy({ bucketName: 'x'.repeat(63), logPrefix, kmsKeyArn: KEY_ARN, bucketRegion: 'eu-west-1' });

    // Assess
    expect(build).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_INPUT, message: expect.stringContaining('2048') }));
  });
});
