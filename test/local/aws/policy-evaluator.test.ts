import { describe, expect, it } from 'vitest';
import { evaluatePolicies, parsePolicyDocument, PolicySyntaxError, UnsupportedPolicyFeatureError, wildcardMatch } from '../../../local/aws/policy-evaluator.js';
import type { PolicyStatement } from '../../../local/aws/policy-evaluator.js';

const BUCKET = 'arn:aws:s3:::trail-bucket';
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** The reader policy shape the product provisions: list under a prefix, read objects, decrypt via S3. */
const readerPolicy = parsePolicyDocument(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: BUCKET,
        Condition: { StringLike: { 's3:prefix': ['AWSLogs/111122223333/CloudTrail/*', 'AWSLogs/111122223333/CloudTrail/'] } },
      },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `${BUCKET}/AWSLogs/111122223333/CloudTrail/*` },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY, Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } } },
    ],
  }),
);

const policyWith = (...statements: PolicyStatement[]) => ({ Version: '2012-10-17', Statement: statements });

describe('evaluatePolicies', () => {
  it('allows listing under the allowed prefix and denies by default elsewhere', () => {
    const inside = evaluatePolicies([readerPolicy], {
      action: 's3:ListBucket',
      resource: BUCKET,
      context: { 's3:prefix': 'AWSLogs/111122223333/CloudTrail/eu-west-1/' },
    });
    const outside = evaluatePolicies([readerPolicy], { action: 's3:ListBucket', resource: BUCKET, context: { 's3:prefix': 'AWSLogs/444455556666/' } });
    expect(inside.decision).toBe('Allow');
    expect(outside.decision).toBe('ImplicitDeny');
  });

  it('treats a condition key missing from the request as not matching', () => {
    expect(evaluatePolicies([readerPolicy], { action: 's3:ListBucket', resource: BUCKET }).decision).toBe('ImplicitDeny');
  });

  it('lets an ...IfExists operator hold when its key is missing, and compares the key when it is there', () => {
    // The reader's folder statement: no Prefix (no s3:prefix key) means the root, as Prefix "" does.
    const folders = policyWith({
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: BUCKET,
      Condition: { StringEqualsIfExists: { 's3:prefix': ['', 'AWSLogs/'] }, StringEquals: { 's3:delimiter': '/' } },
    });
    const decide = (context: Record<string, string>) => evaluatePolicies([folders], { action: 's3:ListBucket', resource: BUCKET, context }).decision;
    expect(decide({ 's3:delimiter': '/' })).toBe('Allow');
    expect(decide({ 's3:prefix': '', 's3:delimiter': '/' })).toBe('Allow');
    expect(decide({ 's3:prefix': 'AWSLogs/', 's3:delimiter': '/' })).toBe('Allow');
    expect(decide({ 's3:prefix': 'AWSLogs/444455556666/', 's3:delimiter': '/' })).toBe('ImplicitDeny');
    // IfExists applies to its own operator only: the delimiter is still required.
    expect(decide({})).toBe('ImplicitDeny');
    expect(decide({ 's3:prefix': '' })).toBe('ImplicitDeny');
  });

  it('matches object ARNs with wildcards that span slashes, case-sensitively', () => {
    const allowedKey = `${BUCKET}/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/file.json.gz`;
    expect(evaluatePolicies([readerPolicy], { action: 's3:GetObject', resource: allowedKey }).decision).toBe('Allow');
    expect(evaluatePolicies([readerPolicy], { action: 's3:GetObject', resource: allowedKey.replace('AWSLogs', 'awslogs') }).decision).toBe('ImplicitDeny');
    expect(evaluatePolicies([readerPolicy], { action: 's3:PutObject', resource: allowedKey }).decision).toBe('ImplicitDeny');
  });

  it('matches actions case-insensitively and with wildcards', () => {
    const policy = policyWith({ Effect: 'Allow', Action: 'S3:Get*', Resource: '*' });
    expect(evaluatePolicies([policy], { action: 's3:GetObject', resource: BUCKET }).decision).toBe('Allow');
    expect(evaluatePolicies([policy], { action: 's3:ListBucket', resource: BUCKET }).decision).toBe('ImplicitDeny');
  });

  it('allows kms:Decrypt only through S3 in the key region', () => {
    const viaS3 = { action: 'kms:Decrypt', resource: KEY, context: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } };
    expect(evaluatePolicies([readerPolicy], viaS3).decision).toBe('Allow');
    expect(evaluatePolicies([readerPolicy], { ...viaS3, context: { 'kms:ViaService': 'ec2.eu-west-1.amazonaws.com' } }).decision).toBe('ImplicitDeny');
    expect(evaluatePolicies([readerPolicy], { ...viaS3, context: {} }).decision).toBe('ImplicitDeny');
  });

  it('lets an explicit Deny win over any Allow, across policies', () => {
    const deny = policyWith({ Effect: 'Deny', Action: 's3:*', Resource: `${BUCKET}/*` });
    const result = evaluatePolicies([readerPolicy, deny], { action: 's3:GetObject', resource: `${BUCKET}/AWSLogs/111122223333/CloudTrail/x` });
    expect(result.decision).toBe('ExplicitDeny');
    expect(result.statement?.Effect).toBe('Deny');
  });

  it('evaluates NotAction/NotResource and negated operators the IAM way', () => {
    const policy = policyWith(
      { Effect: 'Allow', NotAction: 'iam:*', NotResource: `${BUCKET}/private/*` },
      { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': 'eu-west-1' } } },
    );
    expect(evaluatePolicies([policy], { action: 's3:GetObject', resource: `${BUCKET}/a`, context: { 'aws:requestedregion': 'eu-west-1' } }).decision).toBe(
      'Allow',
    );
    expect(
      evaluatePolicies([policy], { action: 's3:GetObject', resource: `${BUCKET}/private/a`, context: { 'aws:RequestedRegion': 'eu-west-1' } }).decision,
    ).toBe('ImplicitDeny');
    expect(evaluatePolicies([policy], { action: 'iam:GetUser', resource: '*', context: { 'aws:RequestedRegion': 'eu-west-1' } }).decision).toBe('ImplicitDeny');
    expect(evaluatePolicies([policy], { action: 's3:GetObject', resource: `${BUCKET}/a`, context: { 'aws:RequestedRegion': 'us-east-1' } }).decision).toBe(
      'ExplicitDeny',
    );
    expect(evaluatePolicies([policy], { action: 's3:GetObject', resource: `${BUCKET}/a` }).decision).toBe('ExplicitDeny');
  });

  it('fails loudly on a condition operator it does not emulate instead of guessing', () => {
    const policy = policyWith({ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } });
    expect(() => evaluatePolicies([policy], { action: 's3:GetObject', resource: BUCKET })).toThrow(UnsupportedPolicyFeatureError);
  });
});

describe('parsePolicyDocument', () => {
  it('accepts a single statement object as well as a list', () => {
    const parsed = parsePolicyDocument('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}');
    expect(parsed.Statement).toHaveLength(1);
  });

  it.each([
    ['broken JSON', '{', 'Syntax errors in policy.'],
    ['an unknown version', '{"Version":"2020-01-01","Statement":[]}', 'valid version'],
    ['a principal', '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}', 'principal'],
    ['a statement without actions', '{"Statement":[{"Effect":"Allow","Resource":"*"}]}', 'actions'],
    ['a resource that is not an ARN', '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}]}', 'ARN format'],
    ['an unknown statement element', '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Extra":1}]}', 'Syntax errors'],
  ])('rejects %s', (_label, json, message) => {
    expect(() => parsePolicyDocument(json)).toThrow(PolicySyntaxError);
    expect(() => parsePolicyDocument(json)).toThrow(message);
  });
});

describe('wildcardMatch', () => {
  it('treats ? as exactly one character and escapes regex metacharacters', () => {
    expect(wildcardMatch('a?c', 'abc', false)).toBe(true);
    expect(wildcardMatch('a?c', 'ac', false)).toBe(false);
    expect(wildcardMatch('a.c(1)', 'a.c(1)', false)).toBe(true);
    expect(wildcardMatch('a.c', 'abc', false)).toBe(false);
  });
});
