import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { buildReaderPolicy } from '../../../lambda/shared/reader-policy.js';
import { createAwsSandbox, type AwsSandbox, type TrailBucketSpec } from '../../../local/aws/index.js';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import type { DirectorSimulator, FetcherCredentials, S3FetcherOptions } from '../../../local/director-simulator/index.js';
import { createAndComplete, manualClock, seedCreateRequest, type AnyJson } from './director-http.js';

/**
 * The simulated fetcher's tests run against the real S3 stand-in (s3rver behind the IAM-enforcing
 * emulation) and the fake IAM: a reader's key can read exactly what its policy allows.
 */

export const ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '999999999999';
export const ORGANIZATION = 'o-a1b2c3d4e5';
export const REGION = 'eu-west-1';
export const ORDER_DELAY_MS = 10;
/** Before every object the stand-in holds: such a source reads the whole trail. */
export const LONG_AGO = '2020-01-01T00:00:00.000Z';

type TrailBucket = Awaited<ReturnType<AwsSandbox['createTrailBucket']>>;
type PolicyDocument = { Version: string; Statement: unknown[] };

interface SourceSpec {
  bucket: string;
  credentials: FetcherCredentials;
  filterDate: string;
}

export interface FetchFixture {
  aws: AwsSandbox;
  clock: ReturnType<typeof manualClock>;
  /** A trail bucket of its own for one test (default: account layout, three log files, one digest). */
  trailBucket(spec?: Partial<TrailBucketSpec>): Promise<TrailBucket>;
  /** A new IAM user with `policy` inline, and its access key. */
  readerKey(policy: PolicyDocument): Promise<FetcherCredentials>;
  /** The reader policy the product grants for `logPrefix` (lambda/shared/reader-policy.ts). */
  productReaderPolicy(bucket: string, logPrefix: string): PolicyDocument;
  /** A simulator whose fetcher reads the stand-in unless given another client; stopped after the test. */
  director(fetcher: Omit<S3FetcherOptions, 's3ClientFor'> & Partial<Pick<S3FetcherOptions, 's3ClientFor'>>): Promise<DirectorSimulator>;
  /** A create body: the seed guide's, with a fresh name and this Connector. */
  sourceBody(spec: SourceSpec): { data: AnyJson };
  /** Creates an S3Fetcher source from {@link sourceBody}, completes its order and returns its id. */
  createSource(director: DirectorSimulator, spec: SourceSpec): Promise<string>;
  /** The source as GET .../LogSources shows it. */
  readBack(director: DirectorSimulator, id: string): AnyJson;
  /** The LastModified S3 reports for each key of the bucket (read with the product's own access). */
  lastModifiedOf(bucket: string): Promise<Map<string, string>>;
}

export function useFetchFixture(): () => FetchFixture {
  let aws: AwsSandbox | undefined;
  const directors: DirectorSimulator[] = [];
  let buckets = 0;
  let users = 0;
  let sources = 0;
  const clock = manualClock();

  beforeAll(async () => {
    aws = await createAwsSandbox({ accountId: ACCOUNT, region: REGION });
  });
  afterEach(async () => {
    await Promise.all(directors.splice(0).map((director) => director.stop()));
  });
  afterAll(async () => {
    await aws?.stop();
  });

  const sandbox = (): AwsSandbox => {
    if (aws === undefined) throw new Error('the AWS sandbox runs only while the suite runs');
    return aws;
  };

  const fixture: FetchFixture = {
    get aws() {
      return sandbox();
    },
    clock,
    trailBucket: async (spec = {}) => {
      buckets += 1;
      return sandbox().createTrailBucket({ name: `fetch-trail-${buckets}`, layout: 'account', accountIds: [ACCOUNT], ...spec });
    },
    readerKey: async (policy) => {
      users += 1;
      const UserName = `fetch-reader-${users}`;
      const { iam } = sandbox();
      await iam.send(new CreateUserCommand({ UserName }));
      await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'read', PolicyDocument: JSON.stringify(policy) }));
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName }));
      return { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' };
    },
    productReaderPolicy: (bucket, logPrefix) => buildReaderPolicy({ bucketName: bucket, logPrefix, kmsKeyArn: null, bucketRegion: REGION }),
    director: async (fetcher) => {
      const director = await startDirectorSimulator({
        orderDelayMs: ORDER_DELAY_MS,
        clock: clock.now,
        fetcher: { s3ClientFor: (credentials, region) => sandbox().s3ForCredentials(credentials, { region }), ...fetcher },
      });
      directors.push(director);
      return director;
    },
    sourceBody: (spec) => {
      sources += 1;
      const body = seedCreateRequest();
      const name = `CloudTrail-${sources}`;
      body.data.name = name;
      body.data.config.Source.name = name;
      Object.assign(body.data.config.Connector, {
        access_key: spec.credentials.accessKeyId,
        secret_key: spec.credentials.secretAccessKey,
        bucket_name: spec.bucket,
        region_name: REGION,
        filter_date: spec.filterDate,
      });
      return body;
    },
    createSource: async (director, spec) => {
      const body = fixture.sourceBody(spec);
      const name = body.data.name as string;
      await createAndComplete(director, clock, body, ORDER_DELAY_MS);
      const created = director.logSources().find((source) => source.name === name);
      if (typeof created?.id !== 'string') throw new Error(`log source ${name} was not created`);
      return created.id;
    },
    readBack: (director, id) => director.logSources().find((source) => source.id === id),
    lastModifiedOf: async (bucket) => {
      const listed = await sandbox()
        .s3ForProduct()
        .send(new ListObjectsV2Command({ Bucket: bucket }));
      return new Map((listed.Contents ?? []).map((entry) => [entry.Key ?? '', entry.LastModified?.toISOString() ?? '']));
    },
  };
  return () => fixture;
}

/** Waits until the wall clock has entered a later second: S3's LastModified has whole seconds. */
export async function nextSecond(): Promise<void> {
  await sleep(1000 - (Date.now() % 1000) + 5);
}

/** A gzipped CloudTrail-like file at `key`, written as CloudTrail would (not through any reader). */
export async function deliver(aws: AwsSandbox, bucket: string, key: string): Promise<void> {
  await aws.fakes.s3.putObjects(bucket, [{ key, body: gzipSync(JSON.stringify({ Records: [] })), contentType: 'application/json', contentEncoding: 'gzip' }]);
}

/** The newest of some ISO instants. */
export function newest(instants: Iterable<string>): string {
  return [...instants].sort().at(-1) ?? '';
}
