import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { buildReaderPolicy, type IamPolicyDocument } from '../../../lambda/shared/reader-policy.js';
import { evaluatePolicies, parsePolicyDocument } from '../../../local/aws/policy-evaluator.js';

/**
 * What a reader may reach, proven twice on the same requests: with iam-simulate (an IAM engine
 * nobody on this project wrote) and with the sandbox's own evaluator, which the S3 stand-in uses to
 * enforce the reader's policy, so the sandbox's fetcher is refused exactly where AWS would refuse it.
 *
 * ListObjects(V2) is authorised as `s3:ListBucket` on the bucket with `s3:prefix` and `s3:delimiter`
 * ("Actions, resources, and condition keys for Amazon S3"). A request without `Prefix` carries no
 * `s3:prefix` key, one with `Prefix=""` carries it empty (clients that omit the parameter fail
 * `"s3:prefix": ""` conditions on AWS: bji/libs3#111, minio/minio-go#1064), so both are played.
 */

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const KEY = `arn:aws:kms:${REGION}:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const OTHER_KEY = `arn:aws:kms:${REGION}:999988887777:key/9999abcd-12ab-34cd-56ef-1234567890ab`;

type Context = Record<string, string>;
interface Request {
  action: string;
  resource: string;
  context?: Context;
}
type Row = [label: string, request: Request, allowed: boolean];

/** A KMS key is usable only if its key policy says so; this is the default one, which defers to IAM. */
const DEFAULT_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:root' }, Action: 'kms:*', Resource: '*' }],
};

async function simulated(policy: IamPolicyDocument, request: Request): Promise<boolean> {
  const response = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::999988887777:user/logpoint/cloudtrail-reader-${ACCOUNT}`,
        action: request.action,
        resource: { resource: request.resource, accountId: '999988887777' },
        contextVariables: request.context ?? {},
      },
      identityPolicies: [{ name: 'reader', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.action.startsWith('kms:') ? { resourcePolicy: DEFAULT_KEY_POLICY } : {}),
    },
    {},
  );
  if (response.resultType !== 'single') throw new Error(`iam-simulate did not evaluate the request: ${JSON.stringify(response)}`);
  // A key the engine does not know for the action would be ignored, and the case would prove nothing.
  expect(response.result.ignoredContextKeys ?? []).toEqual([]);
  return response.overallResult === 'Allowed';
}

function evaluatedLocally(policy: IamPolicyDocument, request: Request): boolean {
  return evaluatePolicies([parsePolicyDocument(JSON.stringify(policy))], request).decision === 'Allow';
}

const list = (bucket: string, prefix: string | undefined, delimiter?: string): Request => ({
  action: 's3:ListBucket',
  resource: `arn:aws:s3:::${bucket}`,
  context: { ...(prefix === undefined ? {} : { 's3:prefix': prefix }), ...(delimiter === undefined ? {} : { 's3:delimiter': delimiter }) },
});
const get = (bucket: string, key: string): Request => ({ action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/${key}` });
const decrypt = (via: string | undefined, key = KEY): Request => ({
  action: 'kms:Decrypt',
  resource: key,
  context: via === undefined ? {} : { 'kms:ViaService': via },
});

interface Scope {
  name: string;
  bucket: string;
  /** The log prefix CheckBucket found, which the policy is built for. */
  logPrefix: string;
  /** What the reader may reach: one account's whole folder, or the whole organization trail. */
  scope: string;
  /** The folders above the scope, from the root down. */
  folders: string[];
  /** Whether a recursive listing from the root (no prefix, no delimiter) is allowed: see reader-policy.ts. */
  rootRecursive: boolean;
  /** Prefixes next to the scope that must stay closed: a sibling, and one that merely starts the same. */
  siblings: string[];
}

const SCOPES: Scope[] = [
  {
    name: 'an account trail',
    bucket: 'account-trail-logs',
    logPrefix: `AWSLogs/${ACCOUNT}/CloudTrail/`,
    scope: `AWSLogs/${ACCOUNT}/`,
    folders: ['AWSLogs/'],
    rootRecursive: true,
    siblings: ['AWSLogs/999999999999/', 'AWSLogs/1111222233334/', `AWSLogs/${ACCOUNT}`],
  },
  {
    name: "one account's slice of an organization trail",
    bucket: 'org-trail-logs',
    logPrefix: `org-trail/AWSLogs/o-abc123/${ACCOUNT}/CloudTrail/`,
    scope: `org-trail/AWSLogs/o-abc123/${ACCOUNT}/`,
    folders: ['org-trail/', 'org-trail/AWSLogs/', 'org-trail/AWSLogs/o-abc123/'],
    rootRecursive: false,
    siblings: ['org-trail/AWSLogs/o-abc123/999999999999/', 'org-trail/AWSLogs/o-abc123/1111222233334/', 'AWSLogs/o-abc123/', 'org-trail/AWSLogs/o-abc1234/'],
  },
  {
    name: "one account's slice of a Control Tower trail",
    bucket: 'aws-controltower-logs-444455556666-eu-west-1',
    logPrefix: `o-abc123/AWSLogs/o-abc123/${ACCOUNT}/CloudTrail/`,
    scope: `o-abc123/AWSLogs/o-abc123/${ACCOUNT}/`,
    folders: ['o-abc123/', 'o-abc123/AWSLogs/', 'o-abc123/AWSLogs/o-abc123/'],
    rootRecursive: false,
    siblings: ['o-abc123/AWSLogs/o-abc123/999999999999/', `o-abc123/AWSLogs/${ACCOUNT}/Config/`],
  },
  {
    name: 'a whole organization trail',
    bucket: 'org-trail-logs',
    logPrefix: 'AWSLogs/o-abc123/',
    scope: 'AWSLogs/o-abc123/',
    folders: ['AWSLogs/'],
    rootRecursive: true,
    siblings: ['AWSLogs/o-zzz999/', 'AWSLogs/o-abc1234/', `AWSLogs/${ACCOUNT}/`],
  },
];

function casesFor({ bucket, logPrefix, scope, folders, rootRecursive, siblings }: Scope): { label: string; request: Request; allowed: boolean }[] {
  // An organization scope holds every member's folder; the log file is the account's own.
  const accountFolder = logPrefix.endsWith('/CloudTrail/') ? logPrefix.slice(0, -'CloudTrail/'.length) : `${logPrefix}${ACCOUNT}/`;
  const logFolder = `${accountFolder}CloudTrail/${REGION}/2026/11/30/`;
  const logFile = `${logFolder}${ACCOUNT}_CloudTrail_${REGION}_20261130T0000Z_x.json.gz`;
  const digestFile = `${accountFolder}CloudTrail-Digest/${REGION}/2026/11/30/${ACCOUNT}_CloudTrail-Digest_${REGION}_x_20261130T0000Z.json.gz`;
  const rows: Row[] = [
    // What a fetcher needs, whichever way it lists.
    ['walking down: the root, no Prefix at all, one level', list(bucket, undefined, '/'), true],
    ['walking down: the root, Prefix "", one level', list(bucket, '', '/'), true],
    ...folders.map((folder): Row => [`walking down: ${folder}, one level`, list(bucket, folder, '/'), true]),
    ['the scope itself, recursively', list(bucket, scope), true],
    ['under the scope, one level', list(bucket, logFolder, '/'), true],
    ['under the scope, recursively from a start date', list(bucket, logFolder.slice(0, -'11/30/'.length)), true],
    ['a log file under the scope', get(bucket, logFile), true],
    // The trail writes digests (and insights) beside the logs: a fetcher walking the account's folder reaches them.
    ['the digest folder beside the logs, one level', list(bucket, `${accountFolder}CloudTrail-Digest/`, '/'), true],
    ['a digest file of the account', get(bucket, digestFile), true],
    ['decrypting through S3 in the bucket region', decrypt(`s3.${REGION}.amazonaws.com`), true],
    // A recursive listing above the scope: allowed only when the scope is the whole trail.
    ['the root, recursively, no Prefix at all', list(bucket, undefined), rootRecursive],
    ['the root, recursively, Prefix ""', list(bucket, ''), rootRecursive],
    ...folders.map((folder): Row => [`${folder}, recursively`, list(bucket, folder), rootRecursive]),
    ['the root with another delimiter', list(bucket, '', ','), rootRecursive],
    // Never.
    ...siblings.flatMap((sibling): Row[] => [
      [`${sibling}, one level`, list(bucket, sibling, '/'), false],
      [`${sibling}, recursively`, list(bucket, sibling), false],
      [`an object under ${sibling}`, get(bucket, `${sibling}x.json.gz`), false],
    ]),
    ['a folder name cut short', list(bucket, scope.slice(0, 4), '/'), false],
    ['an object at the root', get(bucket, 'x.json.gz'), false],
    ['the same key in another bucket', get('another-bucket', logFile), false],
    ['decrypting outside S3', decrypt(`secretsmanager.${REGION}.amazonaws.com`), false],
    ['decrypting through S3 in another region', decrypt('s3.us-east-1.amazonaws.com'), false],
    ['decrypting without a service', decrypt(undefined), false],
    ['decrypting with another key through S3', decrypt(`s3.${REGION}.amazonaws.com`, OTHER_KEY), false],
    ['writing a log file', { action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/${logFile}` }, false],
    ['deleting a log file', { action: 's3:DeleteObject', resource: `arn:aws:s3:::${bucket}/${logFile}` }, false],
    ['reading an older version of a log file', { action: 's3:GetObjectVersion', resource: `arn:aws:s3:::${bucket}/${logFile}` }, false],
    ['listing object versions', { action: 's3:ListBucketVersions', resource: `arn:aws:s3:::${bucket}`, context: { 's3:prefix': scope } }, false],
    ['reading the bucket policy', { action: 's3:GetBucketPolicy', resource: `arn:aws:s3:::${bucket}` }, false],
    ['listing all buckets', { action: 's3:ListAllMyBuckets', resource: '*' }, false],
    [
      'encrypting with the trail key through S3',
      { action: 'kms:GenerateDataKey', resource: KEY, context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } },
      false,
    ],
  ];
  return rows.map(([label, request, allowed]) => ({ label, request, allowed }));
}

describe.each(SCOPES)('a reader for $name ($scope)', (scope) => {
  const policy = buildReaderPolicy({ bucketName: scope.bucket, logPrefix: scope.logPrefix, kmsKeyArn: KEY, bucketRegion: REGION });

  it.each(casesFor(scope))('$label: allowed is $allowed for iam-simulate and the sandbox evaluator alike', async ({ request, allowed }) => {
    // Act
    const byIamSimulate = await simulated(policy, request);
    const bySandbox = evaluatedLocally(policy, request);

    // Assess
    expect(byIamSimulate).toBe(allowed);
    expect(bySandbox).toBe(allowed);
  });
});
