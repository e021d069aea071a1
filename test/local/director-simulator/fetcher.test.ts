import { DeleteAccessKeyCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { AwsSandbox } from '../../../local/aws/index.js';
import { FETCH_STATUS_ERROR_PREFIX, FETCH_STATUS_OK } from '../../../local/director-simulator/index.js';
import { call, configPath, seedEditRequest } from './director-http.js';
import { ACCOUNT, LONG_AGO, ORDER_DELAY_MS, ORGANIZATION, OTHER_ACCOUNT, REGION, newest, useFetchFixture } from './fetcher-fixture.js';

/**
 * The simulated Logpoint S3 fetcher, strategy by strategy, against the IAM-enforcing S3 stand-in:
 * what each listing strategy can read with a least-privilege reader, and how a refusal shows in
 * Director's read-back (director-api.md "How the S3Fetcher reads the bucket — unknown").
 */

const fixture = useFetchFixture();
const bucketArn = (bucket: string): string => `arn:aws:s3:::${bucket}`;

/**
 * A reader that may list and read its account's log prefix and nothing above it: the narrowest
 * reader that can work at all. Pinned here rather than taken from buildReaderPolicy, whose reach
 * above the scope is the product's to choose; these tests are about the strategies.
 */
const scopeOnlyPolicy = (bucket: string, logPrefix: string) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucketArn(bucket)], Condition: { StringLike: { 's3:prefix': [`${logPrefix}*`] } } },
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${bucketArn(bucket)}/${logPrefix}*`] },
  ],
});

/** A key that may list and read the whole bucket: what a root listing or a full walk needs. */
const wholeBucketPolicy = (bucket: string) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucketArn(bucket)] },
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${bucketArn(bucket)}/*`] },
  ],
});

/**
 * A per-account reader on an organization bucket that may also list each folder on the way down
 * to its account (what a walking fetcher would need at the least), and everything of its account.
 */
const pathToAccountPolicy = (bucket: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [bucketArn(bucket)],
      // IfExists: a listing of the root without Prefix carries no s3:prefix key at all (as on AWS).
      Condition: { StringEqualsIfExists: { 's3:prefix': ['', 'AWSLogs/', `AWSLogs/${ORGANIZATION}/`] }, StringEquals: { 's3:delimiter': ['/'] } },
    },
    {
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [bucketArn(bucket)],
      Condition: { StringLike: { 's3:prefix': [`AWSLogs/${ORGANIZATION}/${ACCOUNT}/*`] } },
    },
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${bucketArn(bucket)}/AWSLogs/${ORGANIZATION}/${ACCOUNT}/*`] },
  ],
});

describe('simulated S3 fetcher: listing strategies on an account trail, reader scoped to the account prefix', () => {
  it('prefix-only reads every log file under the scope with the source key and reports ok in the read-back', async () => {
    // Arrange
    const f = fixture();
    const bucket = await f.trailBucket();
    const logPrefix = bucket.logPrefixes[ACCOUNT] ?? '';
    const credentials = await f.readerKey(f.productReaderPolicy(bucket.name, logPrefix));
    const director = await f.director({ strategy: 'prefix-only', scopePrefixOf: () => logPrefix });
    const id = await f.createSource(director, { bucket: bucket.name, credentials, filterDate: LONG_AGO });
    const logKeys = bucket.objectKeys.filter((key) => key.startsWith(logPrefix));
    const lastModified = await f.lastModifiedOf(bucket.name);

    // Act
    const [result] = await director.fetcher!.runOnce();

    // Assess: the three log files, nothing else, and the read-back as GET shows it
    expect(result).toMatchObject({ logSourceId: id, fetchStatus: FETCH_STATUS_OK });
    expect([...(result?.objectsRead ?? [])].sort()).toEqual([...logKeys].sort());
    const read = (await call(director, 'GET', configPath(director, id))).body;
    expect(read.config.Connector).toMatchObject({ fetch_status: 'ok', last_fetch_attempt: new Date(f.clock.now()).toISOString() });
    expect(read.last_log_received).toBe(newest(logKeys.map((key) => lastModified.get(key) ?? '')));
    expect(read.config.Connector.secret_key).toBe('********');
  });

  it.each([
    ['root-recursive', 'the root listing (no prefix)'],
    ['walk-from-awslogs', 'the first step of the walk, the bucket root'],
  ] as const)('%s is refused at %s and reads nothing; fetch_status names the listing', async (strategy, _where) => {
    // Arrange
    const f = fixture();
    const bucket = await f.trailBucket();
    const credentials = await f.readerKey(scopeOnlyPolicy(bucket.name, bucket.logPrefixes[ACCOUNT] ?? ''));
    const director = await f.director({ strategy });
    const id = await f.createSource(director, { bucket: bucket.name, credentials, filterDate: LONG_AGO });

    // Act
    const [result] = await director.fetcher!.runOnce();

    // Assess
    expect(result).toMatchObject({ fetchStatus: `${FETCH_STATUS_ERROR_PREFIX}AccessDenied listing s3://${bucket.name}/`, objectsRead: [] });
    expect(f.readBack(director, id)).toMatchObject({ last_log_received: null, config: { Connector: { fetch_status: result?.fetchStatus } } });
  });

  it.each(['root-recursive', 'walk-from-awslogs'] as const)(
    '%s reads every object of the bucket, digests included, when the key may list it all',
    async (strategy) => {
      // Arrange
      const f = fixture();
      const bucket = await f.trailBucket({ eventRegions: ['eu-west-1', 'us-east-1'] });
      const credentials = await f.readerKey(wholeBucketPolicy(bucket.name));
      const director = await f.director({ strategy });
      await f.createSource(director, { bucket: bucket.name, credentials, filterDate: LONG_AGO });

      // Act
      const [result] = await director.fetcher!.runOnce();

      // Assess: the walk descends through every folder level down to the date folders
      expect(result?.fetchStatus).toBe(FETCH_STATUS_OK);
      expect([...(result?.objectsRead ?? [])].sort()).toEqual([...bucket.objectKeys].sort());
    },
  );
});

describe('simulated S3 fetcher on an organization trail with a per-account reader', () => {
  it('walk-from-awslogs with a reader scoped to its account prefix is refused at the bucket root', async () => {
    // Arrange
    const f = fixture();
    const bucket = await f.trailBucket({ layout: 'organization', organizationId: ORGANIZATION, accountIds: [ACCOUNT, OTHER_ACCOUNT] });
    const credentials = await f.readerKey(scopeOnlyPolicy(bucket.name, bucket.logPrefixes[ACCOUNT] ?? ''));
    const director = await f.director({ strategy: 'walk-from-awslogs' });
    await f.createSource(director, { bucket: bucket.name, credentials, filterDate: LONG_AGO });

    // Act
    const [result] = await director.fetcher!.runOnce();

    // Assess
    expect(result?.fetchStatus).toBe(`error: AccessDenied listing s3://${bucket.name}/`);
  });

  it('walk-from-awslogs with the product reader policy never reads another account: a listing on the way is refused, by name', async () => {
    // Arrange
    const f = fixture();
    const bucket = await f.trailBucket({ layout: 'organization', organizationId: ORGANIZATION, accountIds: [ACCOUNT, OTHER_ACCOUNT] });
    const credentials = await f.readerKey(f.productReaderPolicy(bucket.name, bucket.logPrefixes[ACCOUNT] ?? ''));
    const director = await f.director({ strategy: 'walk-from-awslogs' });
    await f.createSource(director, { bucket: bucket.name, credentials, filterDate: LONG_AGO });

    // Act
    const [result] = await director.fetcher!.runOnce();

    // Assess: where the walk stops depends on how far up the product lets its reader list
    expect(result?.fetchStatus).toMatch(new RegExp(`^error: AccessDenied listing s3://${bucket.name}/(AWSLogs/[^ ]*)?$`));
    expect(result?.objectsRead).toEqual([]);
  });

  it('walk-from-awslogs that may list the path down to its account is refused at the sibling account, and reads nothing', async () => {
    // Arrange
    const f = fixture();
    const bucket = await f.trailBucket({ layout: 'organization', organizationId: ORGANIZATION, accountIds: [ACCOUNT, OTHER_ACCOUNT] });
    const credentials = await f.readerKey(pathToAccountPolicy(bucket.name));
    const director = await f.director({ strategy: 'walk-from-awslogs' });
    const id = await f.createSource(director, { bucket: bucket.name, credentials, filterDate: LONG_AGO });

    // Act
    const [result] = await director.fetcher!.runOnce();

    // Assess: its own account (listed first) was fine; the refusal names the other account's folder
    expect(result).toMatchObject({
      fetchStatus: `error: AccessDenied listing s3://${bucket.name}/AWSLogs/${ORGANIZATION}/${OTHER_ACCOUNT}/`,
      objectsRead: [],
    });
    expect(f.readBack(director, id).last_log_received).toBeNull();
  });

  it('prefix-only reads only its own account of the organization bucket', async () => {
    // Arrange
    const f = fixture();
    const bucket = await f.trailBucket({ layout: 'organization', organizationId: ORGANIZATION, accountIds: [ACCOUNT, OTHER_ACCOUNT] });
    const logPrefix = bucket.logPrefixes[ACCOUNT] ?? '';
    const credentials = await f.readerKey(f.productReaderPolicy(bucket.name, logPrefix));
    const director = await f.director({ strategy: 'prefix-only', scopePrefixOf: () => logPrefix });
    await f.createSource(director, { bucket: bucket.name, credentials, filterDate: LONG_AGO });

    // Act
    const [result] = await director.fetcher!.runOnce();

    // Assess
    expect(result?.fetchStatus).toBe(FETCH_STATUS_OK);
    expect(result?.objectsRead).toHaveLength(3);
    expect(result?.objectsRead.every((key) => key.startsWith(`AWSLogs/${ORGANIZATION}/${ACCOUNT}/CloudTrail/`))).toBe(true);
  });
});

describe('simulated S3 fetcher: the key the source carries', () => {
  it.each([
    [
      'deactivated',
      (aws: AwsSandbox, UserName: string, AccessKeyId: string) => aws.iam.send(new UpdateAccessKeyCommand({ UserName, AccessKeyId, Status: 'Inactive' })),
    ],
    ['deleted', (aws: AwsSandbox, UserName: string, AccessKeyId: string) => aws.iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId }))],
  ] as const)('a %s key turns the next round into a fetch error naming the listing; last_log_received stays', async (_how, retire) => {
    // Arrange: one good round first
    const f = fixture();
    const bucket = await f.trailBucket();
    const logPrefix = bucket.logPrefixes[ACCOUNT] ?? '';
    const credentials = await f.readerKey(f.productReaderPolicy(bucket.name, logPrefix));
    const director = await f.director({ strategy: 'prefix-only', scopePrefixOf: () => logPrefix });
    const id = await f.createSource(director, { bucket: bucket.name, credentials, filterDate: LONG_AGO });
    await director.fetcher!.runOnce();
    const before = f.readBack(director, id).last_log_received;
    const userName = f.aws.fakes.iam.accessKeys().find((key) => key.accessKeyId === credentials.accessKeyId)?.userName ?? '';

    // Act
    await retire(f.aws, userName, credentials.accessKeyId);
    const [result] = await director.fetcher!.runOnce();

    // Assess
    expect(result?.fetchStatus).toBe(`error: InvalidAccessKeyId listing s3://${bucket.name}/${logPrefix}`);
    expect(f.readBack(director, id)).toMatchObject({ last_log_received: before, config: { Connector: { fetch_status: result?.fetchStatus } } });
    expect(before).not.toBeNull();
  });

  it('signs with the key of the source as it is now: after an edit to another key, that key is used', async () => {
    // Arrange
    const f = fixture();
    const bucket = await f.trailBucket();
    const logPrefix = bucket.logPrefixes[ACCOUNT] ?? '';
    const good = await f.readerKey(f.productReaderPolicy(bucket.name, logPrefix));
    const useless = await f.readerKey({ Version: '2012-10-17', Statement: [] });
    const director = await f.director({ strategy: 'prefix-only', scopePrefixOf: () => logPrefix });
    const id = await f.createSource(director, { bucket: bucket.name, credentials: good, filterDate: LONG_AGO });
    const { name } = f.readBack(director, id);

    // Act: edit the source to the key that may read nothing
    const edit = seedEditRequest();
    edit.data.name = name;
    edit.data.config.Source.name = name;
    Object.assign(edit.data.config.Connector, {
      access_key: useless.accessKeyId,
      secret_key: useless.secretAccessKey,
      bucket_name: bucket.name,
      region_name: REGION,
      filter_date: LONG_AGO,
    });
    await call(director, 'PUT', configPath(director, id), { body: edit });
    f.clock.advance(ORDER_DELAY_MS);
    const [result] = await director.fetcher!.runOnce();

    // Assess
    expect(result?.fetchStatus).toBe(`error: AccessDenied listing s3://${bucket.name}/${logPrefix}`);
    expect(director.connectorSecretMatches(id, useless.secretAccessKey)).toBe(true);
  });
});
