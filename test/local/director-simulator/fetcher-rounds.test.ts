import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it, vi } from 'vitest';
import { FETCH_STATUS_OK, startDirectorSimulator } from '../../../local/director-simulator/index.js';
import { call, configPath, createAndComplete, manualClock, seedCreateRequest } from './director-http.js';
import { ACCOUNT, LONG_AGO, ORDER_DELAY_MS, deliver, nextSecond, useFetchFixture } from './fetcher-fixture.js';

/**
 * What the simulated fetcher reads in which round: only objects at or after filter_date, each
 * once (the per-source cursor), last_log_received moved only by objects read, and rounds that run
 * when asked or by themselves without ever breaking the simulator.
 */

const fixture = useFetchFixture();

/** A bucket, a reader scoped to the account's log prefix and a prefix-only simulator. */
async function prefixOnlySetUp(options: { intervalMs?: number } = {}) {
  const f = fixture();
  const bucket = await f.trailBucket();
  const logPrefix = bucket.logPrefixes[ACCOUNT] ?? '';
  const credentials = await f.readerKey(f.productReaderPolicy(bucket.name, logPrefix));
  const director = await f.director({ strategy: 'prefix-only', scopePrefixOf: () => logPrefix, ...options });
  return { f, bucket, logPrefix, credentials, director };
}

describe('simulated S3 fetcher rounds', () => {
  it('skips objects older than filter_date and reads a delivery made after it', async () => {
    // Arrange: filter_date is the second after the trail's objects were written
    const { f, bucket, logPrefix, credentials, director } = await prefixOnlySetUp();
    await nextSecond();
    const filterDate = new Date().toISOString();
    const id = await f.createSource(director, { bucket: bucket.name, credentials, filterDate });
    const [before] = await director.fetcher!.runOnce();
    const delivered = `${logPrefix}eu-west-1/2030/01/01/${ACCOUNT}_CloudTrail_eu-west-1_20300101T0000Z_late.json.gz`;

    // Act
    await deliver(f.aws, bucket.name, delivered);
    const [after] = await director.fetcher!.runOnce();

    // Assess
    expect(before).toMatchObject({ fetchStatus: FETCH_STATUS_OK, objectsRead: [], lastLogReceived: null });
    expect(after).toMatchObject({ fetchStatus: FETCH_STATUS_OK, objectsRead: [delivered] });
    expect(f.readBack(director, id).last_log_received).toBe((await f.lastModifiedOf(bucket.name)).get(delivered));
  });

  it('reads each object once: a second round reads nothing and keeps last_log_received; a new object advances it', async () => {
    // Arrange
    const { f, bucket, logPrefix, credentials, director } = await prefixOnlySetUp();
    const id = await f.createSource(director, { bucket: bucket.name, credentials, filterDate: LONG_AGO });
    const [first] = await director.fetcher!.runOnce();
    const firstReceived = f.readBack(director, id).last_log_received;
    const firstAttempt = f.readBack(director, id).config.Connector.last_fetch_attempt;

    // Act
    f.clock.advance(60_000);
    const [second] = await director.fetcher!.runOnce();
    const afterSecond = f.readBack(director, id);
    await nextSecond();
    const delivered = `${logPrefix}eu-west-1/2030/01/02/${ACCOUNT}_CloudTrail_eu-west-1_20300102T0000Z_next.json.gz`;
    await deliver(f.aws, bucket.name, delivered);
    const [third] = await director.fetcher!.runOnce();

    // Assess
    expect(first?.objectsRead).toHaveLength(3);
    expect(second?.objectsRead).toEqual([]);
    expect(afterSecond.last_log_received).toBe(firstReceived);
    expect(afterSecond.config.Connector.last_fetch_attempt).not.toBe(firstAttempt);
    expect(third?.objectsRead).toEqual([delivered]);
    expect(Date.parse(f.readBack(director, id).last_log_received as string)).toBeGreaterThan(Date.parse(firstReceived as string));
  });

  it('reads an object with the same LastModified second as those already read, and reads every page of a listing', async () => {
    // Arrange: a scripted S3 whose listing grows by one object of the same second, over two pages
    const f = fixture();
    const second = new Date('2026-01-05T09:00:00.000Z');
    const listing = [
      { Key: 'AWSLogs/a.json.gz', LastModified: second },
      { Key: 'AWSLogs/b.json.gz', LastModified: second },
    ];
    const s3 = scriptedS3(listing);
    const director = await f.director({ strategy: 'root-recursive', s3ClientFor: () => s3.client });
    await f.createSource(director, { bucket: 'scripted', credentials: { accessKeyId: 'AKIAX', secretAccessKey: 'x' }, filterDate: LONG_AGO });
    const [first] = await director.fetcher!.runOnce();

    // Act
    listing.push({ Key: 'AWSLogs/c.json.gz', LastModified: second });
    const [next] = await director.fetcher!.runOnce();

    // Assess
    expect(first?.objectsRead).toEqual(['AWSLogs/a.json.gz', 'AWSLogs/b.json.gz']);
    expect(next).toMatchObject({ objectsRead: ['AWSLogs/c.json.gz'], lastLogReceived: second.toISOString() });
    expect(s3.continuationTokens).toContain('page-2');
  });

  it('fetches a source only once its create order has completed, and no longer once it is deleted', async () => {
    // Arrange
    const { f, bucket, credentials, director } = await prefixOnlySetUp();
    await call(director, 'POST', configPath(director, 'LogSources'), { body: f.sourceBody({ bucket: bucket.name, credentials, filterDate: LONG_AGO }) });
    const whilePending = await director.fetcher!.runOnce();
    f.clock.advance(ORDER_DELAY_MS);
    const [active] = await director.fetcher!.runOnce();

    // Act
    await call(director, 'DELETE', configPath(director, active?.logSourceId ?? ''));
    f.clock.advance(ORDER_DELAY_MS);
    const afterDelete = await director.fetcher!.runOnce();

    // Assess
    expect(whilePending).toEqual([]);
    expect(active?.fetchStatus).toBe(FETCH_STATUS_OK);
    expect(afterDelete).toEqual([]);
  });

  it('prefix-only without a scope prefix for a source reports a configuration error, not a crash', async () => {
    // Arrange
    const f = fixture();
    const bucket = await f.trailBucket();
    const credentials = await f.readerKey(f.productReaderPolicy(bucket.name, bucket.logPrefixes[ACCOUNT] ?? ''));
    const director = await f.director({ strategy: 'prefix-only', scopePrefixOf: () => undefined });
    await f.createSource(director, { bucket: bucket.name, credentials, filterDate: LONG_AGO });

    // Act
    const [result] = await director.fetcher!.runOnce();

    // Assess
    expect(result?.fetchStatus).toBe('error: no scope prefix for prefix-only listing');
  });

  it('never shows its S3 calls as Director requests, and keeps the simulator serving when S3 cannot even be reached', async () => {
    // Arrange: a client factory that throws, as a misconfigured endpoint would
    const f = fixture();
    const throwing = (): never => {
      throw new TypeError('no endpoint');
    };
    const director = await f.director({ strategy: 'root-recursive', s3ClientFor: throwing });
    const id = await f.createSource(director, { bucket: 'any-bucket', credentials: { accessKeyId: 'AKIAX', secretAccessKey: 'x' }, filterDate: LONG_AGO });
    const requestsBefore = director.requests.length;

    // Act
    const [result] = await director.fetcher!.runOnce();

    // Assess
    expect(result?.fetchStatus).toBe('error: TypeError before any S3 call');
    expect(director.requests).toHaveLength(requestsBefore);
    expect((await call(director, 'GET', configPath(director, id))).status).toBe(200);
  });

  it('with intervalMs, fetches by itself until stop()', async () => {
    // Arrange
    const { f, bucket, credentials, director } = await prefixOnlySetUp({ intervalMs: 5 });

    // Act
    const id = await f.createSource(director, { bucket: bucket.name, credentials, filterDate: LONG_AGO });

    // Assess
    await vi.waitFor(() => expect(f.readBack(director, id)?.last_log_received).not.toBeNull(), { timeout: 5000, interval: 10 });
    expect(f.readBack(director, id).config.Connector.fetch_status).toBe(FETCH_STATUS_OK);
    await director.stop();
    expect(await director.fetcher!.runOnce()).toEqual([]);
  });

  it('has no fetcher unless one is configured, and then no fetch fields in the read-back', async () => {
    // Arrange
    const clock = manualClock();
    const director = await startDirectorSimulator({ orderDelayMs: ORDER_DELAY_MS, clock: clock.now });
    try {
      // Act
      await createAndComplete(director, clock, seedCreateRequest(), ORDER_DELAY_MS);

      // Assess
      expect(director.fetcher).toBeUndefined();
      expect(director.logSources()[0]?.config).toMatchObject({ Connector: { bucket_name: 'bucket' } });
      expect(director.logSources()[0]?.config).not.toHaveProperty('Connector.fetch_status');
      expect(director.logSources()[0]).toMatchObject({ last_log_received: null });
    } finally {
      await director.stop();
    }
  });
});

/**
 * An S3 client that answers from `listing` in pages of two and serves any object as empty: for
 * what the stand-in cannot arrange on purpose (equal LastModified seconds, truncated listings).
 */
function scriptedS3(listing: { Key: string; LastModified: Date }[]): { client: S3Client; continuationTokens: (string | undefined)[] } {
  const continuationTokens: (string | undefined)[] = [];
  const send = (command: object): Promise<object> => {
    if (command instanceof ListObjectsV2Command) {
      const token = command.input.ContinuationToken;
      continuationTokens.push(token);
      const start = token === undefined ? 0 : 2;
      const more = start + 2 < listing.length;
      return Promise.resolve({ Contents: listing.slice(start, start + 2), IsTruncated: more, ...(more ? { NextContinuationToken: 'page-2' } : {}) });
    }
    if (command instanceof GetObjectCommand) return Promise.resolve({ Body: { transformToByteArray: () => Promise.resolve(new Uint8Array()) } });
    return Promise.reject(new Error(`not scripted: ${command.constructor.name}`));
  };
  return { client: { send } as unknown as S3Client, continuationTokens };
}
