import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DIRECTOR_SECRET_NAME,
  SANDBOX_ACCOUNT_ID,
  SANDBOX_ORGANIZATION_ID,
  SANDBOX_REGION,
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from '../../local/sandbox/environment.js';
import type { LocalRunResult } from '../../local/sandbox/state-machine-runner.js';
import {
  accountSecretNameOf,
  currentReaderKey,
  enteredStates,
  eventsOf,
  expectFailedWith,
  expectNothingLeftBehind,
  expectRunFreeOfSecrets,
  expectedOrderWaits,
  exitOutputOf,
  orderWaitSeconds,
  readerUserNameOf,
  secretValuesWritten,
} from './support.js';

/**
 * The synthesized state machine definition, executed with aws-local-stepfunctions, every Lambda
 * task running the real handler in-process against the IAM / Secrets Manager / S3 stand-ins and
 * the Director simulator (local/sandbox/environment.ts). One case per branch of the workflow.
 */

const ACCOUNT = SANDBOX_ACCOUNT_ID;
const USER = readerUserNameOf(ACCOUNT);
const SECRET = accountSecretNameOf(ACCOUNT);
const BUCKET = 'sandbox-org-cloudtrail';
const ACCOUNT_PREFIX = `AWSLogs/${ACCOUNT}/CloudTrail/`;
const TRAIL_KEY_ARN = `arn:aws:kms:${SANDBOX_REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const input = { accountId: ACCOUNT, trigger: 'workflow-test' };

let sandbox: Sandbox | undefined;

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ waitMs: 20, ...options });
  return sandbox;
}

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

/** Waits until Director has finished the order (its `response` is no longer empty), asking it over HTTP. */
async function waitForDirectorOrder(box: Sandbox, requestId: string): Promise<void> {
  const { baseUrl, poolUuid, logpointId } = box.director;
  const token = box.director.issueToken();
  await vi.waitFor(
    async () => {
      const answer = await fetch(`${baseUrl}/monitorapi/${poolUuid}/${logpointId}/orders/${requestId}`, { headers: { Authorization: `Bearer ${token}` } });
      const order = (await answer.json()) as { response?: Record<string, unknown> };
      expect(Object.keys(order.response ?? {})).not.toEqual([]);
    },
    { timeout: 15_000, interval: 100 },
  );
}

interface PolicyStatementView {
  Sid?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function readerPolicyStatements(box: Sandbox): PolicyStatementView[] {
  const policies = box.aws.fakes.iam.policies(USER);
  expect(policies.map((policy) => policy.policyName)).toEqual(['logpoint-cloudtrail-read']);
  return policies[0]?.document.Statement ?? [];
}

const actionsOf = (statement: PolicyStatementView): string[] => [statement.Action ?? []].flat();

/** The success checks every happy path shares: one created log source using the secret's key. */
function expectOnboarded(box: Sandbox, result: LocalRunResult): { logSourceId: string; accessKeyId: string } {
  expect(result.status).toBe('SUCCEEDED');
  expect(result.error).toBeNull();
  const output = result.output as Record<string, unknown>;
  expect(output).toMatchObject({ accountId: ACCOUNT, operation: 'CREATE', readerUserName: USER, secretName: SECRET, retiredAccessKeys: [] });
  const logSourceId = output.logSourceId as string;
  const accessKeyId = output.accessKeyId as string;

  const key = currentReaderKey(box, ACCOUNT);
  expect(key.accessKeyId).toBe(accessKeyId);
  expect(box.aws.summary().accessKeys).toEqual([{ userName: USER, accessKeyId, status: 'Active' }]);
  expect(box.director.operations).toHaveLength(1);
  expect(box.director.operations[0]).toMatch(/^POST \/configapi\/[0-9a-f]{32}\/[0-9a-f]{32}\/LogSources$/);
  const sources = box.director.logSources();
  expect(sources).toHaveLength(1);
  expect(sources[0]).toMatchObject({ id: logSourceId, config: { Connector: { access_key: accessKeyId, secret_key: '********', bucket_name: BUCKET } } });
  expect(box.director.connectorSecretMatches(logSourceId, key.secretAccessKey)).toBe(true);

  expect(box.events.map((event) => event.detailType)).toEqual(['Onboarding Succeeded']);
  expect(box.events[0]?.detail).toMatchObject({ accountId: ACCOUNT, logSourceId, operation: 'CREATE', accessKeyId, readerUserName: USER });
  expectRunFreeOfSecrets(box, result, secretValuesWritten(box));
  return { logSourceId, accessKeyId };
}

describe('onboarding workflow: happy paths', () => {
  it('onboards an account-layout trail: POSTs one log source holding the key stored in the secret, publishes Onboarding Succeeded', async () => {
    // Prepare
    const box = await start();

    // Act
    const result = await box.run(input);

    // Assess
    expectOnboarded(box, result);
    expect(enteredStates(result).slice(0, 9)).toEqual([
      'ReadOnboardingInput',
      'ValidateInput',
      'AcquireLock',
      'IsCoveredByOrganization',
      'CheckBucket',
      'ProvisionReader',
      'VerifyAccess',
      'RegisterLogSource',
      'StartOrderPolling',
    ]);
    const ending = enteredStates(result).slice(enteredStates(result).indexOf('FinalizeOnboarding'));
    expect(ending.slice(0, 4)).toEqual(['FinalizeOnboarding', 'StartDataWatch', 'WaitForData', 'CheckDataFlow']);
    expect(ending.slice(-6)).toEqual(['IsDataFlowing', 'ReleaseLock', 'AfterLockRelease', 'PublishOutcome', 'PublishSucceeded', 'Onboarded']);
    expect(result.output).toMatchObject({ dataPlane: { outcome: 'ONBOARDED', fetchStatus: 'ok', lastLogReceived: expect.any(String) } });
    expect(exitOutputOf(result, 'CheckBucket').bucket).toMatchObject({
      bucketName: BUCKET,
      bucketRegion: SANDBOX_REGION,
      logPrefix: ACCOUNT_PREFIX,
      kmsKeyArn: null,
    });
    expect(box.aws.fakes.iam.users()).toEqual([expect.objectContaining({ userName: USER, path: '/logpoint/' })]);
    expect(box.aws.summary().secrets).toEqual([DIRECTOR_SECRET_NAME, SECRET]);
  });

  it('polls the Director order in a Wait → CheckOrder loop whose waits double from 2 s and never exceed the 15 s cap', async () => {
    // Prepare: an order that takes a second of real time while each Wait lasts 100 ms, so the loop
    // runs several times even when a busy machine is slow to reach the first check, and stays far
    // inside the 30-minute deadline on the virtual clock (which each Wait advances by its seconds).
    const box = await start({ waitMs: 100, director: { orderDelayMs: 1_000 } });

    // Act
    const result = await box.run(input);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const waits = orderWaitSeconds(result);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits).toEqual(expectedOrderWaits(waits.length));
    expect(eventsOf(result, 'exited', 'CheckOrder')).toHaveLength(waits.length);
    const polls = eventsOf(result, 'exited', 'CheckOrder').map((event) => (event.output as { order: { status: string; attempt: number } }).order);
    expect(polls.map((poll) => poll.attempt)).toEqual(waits.map((_, index) => index + 1));
    expect(polls.at(-1)?.status).toBe('SUCCEEDED');
    expect(polls.slice(0, -1).every((poll) => poll.status === 'PENDING')).toBe(true);
  });

  it("onboards an organization trail under a custom prefix: the reader reads only the account's folder org-trail/AWSLogs/<o-id>/<account>/ and lists the folders above it one level at a time", async () => {
    // Prepare: the bucket also holds another member account's logs.
    const otherAccount = '444455556666';
    const box = await start({
      trail: { layout: 'organization', organizationId: SANDBOX_ORGANIZATION_ID, prefix: 'org-trail', accountIds: [ACCOUNT, otherAccount] },
      config: { collection: { mode: 'per-account', perAccountOnOrganizationTrail: true } },
    });
    const prefix = `org-trail/AWSLogs/${SANDBOX_ORGANIZATION_ID}/${ACCOUNT}/CloudTrail/`;
    const accountFolder = `org-trail/AWSLogs/${SANDBOX_ORGANIZATION_ID}/${ACCOUNT}/`;

    // Act
    const result = await box.run(input);

    // Assess
    expectOnboarded(box, result);
    expect(exitOutputOf(result, 'CheckBucket').bucket).toMatchObject({ logPrefix: prefix });
    expect(exitOutputOf(result, 'VerifyAccess').access).toMatchObject({ objectKey: expect.stringMatching(new RegExp(`^${prefix}.+\\.json\\.gz$`)) });
    const statements = readerPolicyStatements(box);
    expect(statements.flatMap(actionsOf).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:ListBucket']);
    const listings = statements.filter((statement) => actionsOf(statement).includes('s3:ListBucket'));
    expect(listings.map((statement) => statement.Resource)).toEqual([[`arn:aws:s3:::${BUCKET}`], [`arn:aws:s3:::${BUCKET}`]]);
    expect(listings.map((statement) => statement.Condition)).toEqual([
      { StringLike: { 's3:prefix': [`${accountFolder}*`] } },
      {
        StringEqualsIfExists: { 's3:prefix': ['', 'org-trail/', 'org-trail/AWSLogs/', `org-trail/AWSLogs/${SANDBOX_ORGANIZATION_ID}/`] },
        StringEquals: { 's3:delimiter': ['/'] },
      },
    ]);
    expect(statements.find((statement) => actionsOf(statement).includes('s3:GetObject'))?.Resource).toEqual([`arn:aws:s3:::${BUCKET}/${accountFolder}*`]);

    const reader = box.aws.s3ForCredentials(currentReaderKey(box, ACCOUNT), { region: SANDBOX_REGION });
    const own = await reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    expect(own.KeyCount).toBeGreaterThan(0);
    // A fetcher that walks down from the root may list each folder above its own, one level at a
    // time (S3 then shows the member accounts' folder names, never the keys under them) …
    for (const folder of ['', 'org-trail/', 'org-trail/AWSLogs/', `org-trail/AWSLogs/${SANDBOX_ORGANIZATION_ID}/`]) {
      await expect(reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: folder, Delimiter: '/' }))).resolves.toMatchObject({
        $metadata: { httpStatusCode: 200 },
      });
    }
    // … but not list another member's folder, nor the bucket (or a folder above its own) recursively.
    await expect(reader.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `org-trail/AWSLogs/${SANDBOX_ORGANIZATION_ID}/` }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await expect(
      reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `org-trail/AWSLogs/${SANDBOX_ORGANIZATION_ID}/${otherAccount}/` })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(
      reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `org-trail/AWSLogs/${SANDBOX_ORGANIZATION_ID}/${otherAccount}/`, Delimiter: '/' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('grants kms:Decrypt on exactly the trail key, only via S3 in the bucket region, when the bucket uses SSE-KMS', async () => {
    // Prepare
    const box = await start({ trail: { encryption: 'SSE-KMS', kmsKeyArn: TRAIL_KEY_ARN } });

    // Act
    const result = await box.run(input);

    // Assess
    expectOnboarded(box, result);
    expect(exitOutputOf(result, 'CheckBucket').bucket).toMatchObject({ kmsKeyArn: TRAIL_KEY_ARN });
    const statements = readerPolicyStatements(box);
    const kmsStatements = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('kms:')));
    expect(kmsStatements).toHaveLength(1);
    expect(kmsStatements[0]).toMatchObject({
      Action: ['kms:Decrypt'],
      Resource: [TRAIL_KEY_ARN],
      Condition: { StringEquals: { 'kms:ViaService': [`s3.${SANDBOX_REGION}.amazonaws.com`] } },
    });
    expect(Object.keys(kmsStatements[0]?.Condition ?? {})).toEqual(['StringEquals']);
  });

  it('grants no KMS permission at all when the bucket uses SSE-S3', async () => {
    // Prepare
    const box = await start({ trail: { encryption: 'SSE-S3' } });

    // Act
    const result = await box.run(input);

    // Assess
    expectOnboarded(box, result);
    const actions = readerPolicyStatements(box).flatMap(actionsOf);
    expect(actions.some((action) => action.startsWith('kms:'))).toBe(false);
    expect(actions.sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:ListBucket']);
  });

  it('retries VerifyAccess with ACCESS_NOT_YET_EFFECTIVE while the new key propagates through IAM, then succeeds', async () => {
    // Prepare: S3 refuses a new key for 400 ms; the definition's 7 retries span 7 × 100 ms here.
    const box = await start({ propagationDelayMs: 400, waitMs: 100 });

    // Act
    const result = await box.run(input);

    // Assess
    expectOnboarded(box, result);
    const retries = eventsOf(result, 'retried', 'VerifyAccess');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries.length).toBeLessThanOrEqual(7);
    const failures = eventsOf(result, 'failed', 'VerifyAccess');
    expect(failures).toHaveLength(retries.length);
    expect(failures.every((failure) => failure.error === 'ACCESS_NOT_YET_EFFECTIVE')).toBe(true);
    expect(eventsOf(result, 'caught')).toEqual([]);
    expect(eventsOf(result, 'exited', 'VerifyAccess')).toHaveLength(1);
  });
});

describe('onboarding workflow: failures end in the typed code, compensated, with a failure event', () => {
  it('fails with BUCKET_NOT_FOUND when the trail bucket does not exist, creating nothing', async () => {
    // Prepare
    const box = await start({ trail: null });

    // Act
    const result = await box.run(input);

    // Assess
    expectFailedWith(box, result, 'BUCKET_NOT_FOUND');
    expect(enteredStates(result)).not.toContain('ProvisionReader');
    expect(eventsOf(result, 'retried')).toEqual([]);
    expectNothingLeftBehind(box);
    expect(box.director.requests).toEqual([]);
  });

  it('fails with BUCKET_REGION_MISMATCH, without retrying, when the input bucketRegion differs from the bucket region', async () => {
    // Prepare
    const box = await start();

    // Act
    const result = await box.run({ ...input, bucketRegion: 'us-east-1' });

    // Assess
    expectFailedWith(box, result, 'BUCKET_REGION_MISMATCH');
    expect(result.error?.message).toContain(SANDBOX_REGION);
    expect(eventsOf(result, 'retried')).toEqual([]);
    expect(enteredStates(result)).not.toContain('ProvisionReader');
    expectNothingLeftBehind(box);
    expect(box.director.requests).toEqual([]);
  });

  it('fails with BUCKET_ACCESS_DENIED, without retrying, when the bucket policy denies the product, creating nothing', async () => {
    // Prepare
    const box = await start({ trail: { denyProductAccess: true } });

    // Act
    const result = await box.run(input);

    // Assess
    expectFailedWith(box, result, 'BUCKET_ACCESS_DENIED');
    expect(eventsOf(result, 'retried')).toEqual([]);
    expect(enteredStates(result)).not.toContain('ProvisionReader');
    expectNothingLeftBehind(box);
    expect(box.director.requests).toEqual([]);
  });

  it('retries CheckBucket five times while the trail has delivered no logs, then fails with NO_CLOUDTRAIL_LOGS', async () => {
    // Prepare
    const box = await start({ trail: { withLogs: false } });

    // Act
    const result = await box.run(input);

    // Assess
    expectFailedWith(box, result, 'NO_CLOUDTRAIL_LOGS');
    expect(eventsOf(result, 'retried', 'CheckBucket')).toHaveLength(5);
    expect(eventsOf(result, 'failed', 'CheckBucket').map((failure) => failure.error)).toEqual(Array(6).fill('NO_CLOUDTRAIL_LOGS'));
    expect(enteredStates(result)).not.toContain('ProvisionReader');
    expectNothingLeftBehind(box);
    expect(box.director.requests).toEqual([]);
  });

  it('fails with DIRECTOR_VALIDATION_FAILED, without retrying, when Director answers 400 to the create, and removes the new user, key and secret', async () => {
    // Prepare
    const box = await start();
    box.director.faults.failRoute('POST /LogSources', { status: 400, body: { status: 'Error', message: 'name must be present in request. ' } });

    // Act
    const result = await box.run(input);

    // Assess
    expectFailedWith(box, result, 'DIRECTOR_VALIDATION_FAILED');
    expect(result.error?.message).toContain('name must be present in request.');
    expect(eventsOf(result, 'retried', 'RegisterLogSource')).toEqual([]);
    const creates = box.director.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/LogSources'));
    expect(creates).toEqual([expect.objectContaining({ status: 400 })]);
    expectNothingLeftBehind(box);
    expect(box.director.logSources()).toEqual([]);
    expect(box.events[0]?.detail).toMatchObject({
      accountId: ACCOUNT,
      cleanup: { deletedUser: true, deletedSecret: true, deletedAccessKeys: [expect.stringMatching(/^AKIA/)] },
    });
  });

  it("fails with DIRECTOR_ORDER_FAILED, reporting Director's validation message, when the create order fails, and removes what it created", async () => {
    // Prepare
    const box = await start();
    box.director.faults.failOrders(1, { validationErrors: { 'config.RoutingPolicy.catch_all': ['Repo does not exist.'] } });

    // Act
    const result = await box.run(input);

    // Assess
    expectFailedWith(box, result, 'DIRECTOR_ORDER_FAILED');
    expect(result.error?.message).toContain('Repo does not exist.');
    expect(eventsOf(result, 'failed', 'CheckOrder').map((failure) => failure.error)).toEqual(['DIRECTOR_ORDER_FAILED']);
    expectNothingLeftBehind(box);
    expect(box.director.logSources()).toEqual([]);
    expect(box.events[0]?.detail).toMatchObject({ orderRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('gives up at the order deadline with DIRECTOR_OUTCOME_UNKNOWN, keeping the key the pending create carries, and a re-run repairs with that key', async () => {
    // Prepare: a 10-minute deadline; the sandbox advances its clock by each Wait's seconds.
    const box = await start({ config: { orderPolling: { deadlineSeconds: 600 } } });
    box.director.faults.neverFinishOrders(1);

    // Act
    const result = await box.run(input);

    // Assess: polled with doubling waits up to the deadline, then kept what Director may still use.
    expectFailedWith(box, result, 'DIRECTOR_OUTCOME_UNKNOWN');
    const waits = orderWaitSeconds(result);
    expect(waits.slice(0, 7)).toEqual([2, 4, 8, 15, 15, 15, 15]);
    expect(Math.max(...waits)).toBe(15);
    const waited = waits.reduce((sum, seconds) => sum + seconds, 0);
    expect(waited).toBeLessThanOrEqual(600);
    expect(waited).toBeGreaterThan(600 - 15);
    expect(eventsOf(result, 'failed', 'CheckOrder').map((failure) => failure.error)).toEqual(['DIRECTOR_ORDER_TIMEOUT']);
    const kept = currentReaderKey(box, ACCOUNT);
    expect(box.aws.summary().accessKeys).toEqual([{ userName: USER, accessKeyId: kept.accessKeyId, status: 'Active' }]);

    // Act: the re-run sends the create again (the first never took) with the same key.
    const repair = await box.run(input);

    // Assess
    expect(repair.status).toBe('SUCCEEDED');
    expect(box.director.logSources()).toHaveLength(1);
    expect(currentReaderKey(box, ACCOUNT).accessKeyId).toBe(kept.accessKeyId);
    expect(box.aws.summary().accessKeys).toEqual([{ userName: USER, accessKeyId: kept.accessKeyId, status: 'Active' }]);
  });

  it('retries RegisterLogSource while Director answers 503, then fails with DIRECTOR_UNAVAILABLE and removes what it created', async () => {
    // Prepare
    const box = await start();
    box.director.faults.failRoute('*', { status: 503, count: Number.POSITIVE_INFINITY });

    // Act
    const result = await box.run(input);

    // Assess
    expectFailedWith(box, result, 'DIRECTOR_UNAVAILABLE');
    expect(eventsOf(result, 'retried', 'RegisterLogSource')).toHaveLength(4);
    expect(eventsOf(result, 'failed', 'RegisterLogSource').map((failure) => failure.error)).toEqual(Array(5).fill('DIRECTOR_UNAVAILABLE'));
    expectNothingLeftBehind(box);
    expect(box.director.operations).toEqual([]);
  });

  it('keeps the key of a create answered 503 (no list before it: a proxy may answer so after Director applied it), and a re-run once Director is back repairs', async () => {
    // Prepare: tokens refresh, but every configuration and order call answers 503.
    const box = await start();
    box.director.faults.failRoute('/configapi/*', { status: 503, count: Number.POSITIVE_INFINITY });
    box.director.faults.failRoute('/monitorapi/*', { status: 503, count: Number.POSITIVE_INFINITY });

    // Act
    const result = await box.run(input);

    // Assess: the create was sent once, CheckOrder could not learn what became of it, the key stays.
    expectFailedWith(box, result, 'DIRECTOR_OUTCOME_UNKNOWN');
    expect(eventsOf(result, 'failed', 'RegisterLogSource')).toEqual([]);
    expect(eventsOf(result, 'failed', 'CheckOrder').map((failure) => failure.error)).toEqual(Array(5).fill('DIRECTOR_UNAVAILABLE'));
    expect(box.director.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/LogSources'))).toHaveLength(1);
    expect(box.director.operations).toEqual([]);
    const kept = currentReaderKey(box, ACCOUNT);
    expect(box.aws.summary().accessKeys).toEqual([{ userName: USER, accessKeyId: kept.accessKeyId, status: 'Active' }]);

    // Act: Director is back.
    box.director.faults.clear();
    const repair = await box.run(input);

    // Assess: the same key, one source.
    expect(repair.status).toBe('SUCCEEDED');
    expect(box.director.logSources()).toHaveLength(1);
    expect(currentReaderKey(box, ACCOUNT).accessKeyId).toBe(kept.accessKeyId);
  });

  it('fails with INVALID_INPUT at ValidateInput on a malformed account id, before touching AWS or Director', async () => {
    // Prepare
    const box = await start();

    // Act
    const result = await box.run({ accountId: '12345', trigger: 'workflow-test' });

    // Assess
    expectFailedWith(box, result, 'INVALID_INPUT');
    expect(enteredStates(result)).toEqual(['ReadOnboardingInput', 'ValidateInput', 'Compensate', 'HoldsLock', 'PublishFailed', 'OnboardingFailed']);
    expectNothingLeftBehind(box);
    expect(box.director.requests).toEqual([]);
    expect(box.aws.fakes.iam.mock.calls()).toEqual([]);
  });
});

describe('onboarding workflow: re-runs for an account already onboarded', () => {
  it("edits (PUT) the existing log source on a second run, keeps one log source and retires the old key, Director holding the secret's new key", async () => {
    // Prepare
    const box = await start();
    const first = await box.run(input);
    const { logSourceId, accessKeyId: firstKeyId } = expectOnboarded(box, first);

    // Act
    const second = await box.run(input);

    // Assess
    expect(second.status).toBe('SUCCEEDED');
    const output = second.output as Record<string, unknown>;
    expect(output).toMatchObject({ operation: 'EDIT', logSourceId, retiredAccessKeys: [firstKeyId] });
    const secondKeyId = output.accessKeyId as string;
    expect(secondKeyId).not.toBe(firstKeyId);

    expect(box.director.operations.map((operation) => operation.split(' ')[0])).toEqual(['POST', 'PUT']);
    expect(box.director.operations[1]).toContain(`/LogSources/${logSourceId.replace('LogSources/', '')}`);
    const sources = box.director.logSources();
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatchObject({ id: logSourceId, config: { Connector: { access_key: secondKeyId } } });

    expect(box.aws.summary().accessKeys).toEqual([{ userName: USER, accessKeyId: secondKeyId, status: 'Active' }]);
    const key = currentReaderKey(box, ACCOUNT);
    expect(key.accessKeyId).toBe(secondKeyId);
    expect(box.director.connectorSecretMatches(logSourceId, key.secretAccessKey)).toBe(true);
    expect(box.events.map((event) => event.detailType)).toEqual(['Onboarding Succeeded', 'Onboarding Succeeded']);
    expect(box.events[1]?.detail).toMatchObject({ operation: 'EDIT', accessKeyId: secondKeyId });
    expectRunFreeOfSecrets(box, second, secretValuesWritten(box));
  });

  it("keeps the FIRST key active, in the secret and in Director when a re-run's Director order fails", async () => {
    // Prepare
    const box = await start();
    const first = await box.run(input);
    const { logSourceId, accessKeyId: firstKeyId } = expectOnboarded(box, first);
    const firstKey = currentReaderKey(box, ACCOUNT);
    box.director.faults.failOrders(1, { validationErrors: { 'config.Source.charset': ['Unknown charset.'] } });

    // Act
    const second = await box.run(input);

    // Assess
    expectFailedWith(box, second, 'DIRECTOR_ORDER_FAILED', 1);
    const reader = exitOutputOf(second, 'ProvisionReader').reader as { accessKeyId: string; created: Record<string, boolean> };
    expect(reader.accessKeyId).not.toBe(firstKeyId);
    expect(reader.created).toEqual({ user: false, secret: false, accessKey: true });

    expect(box.aws.summary().accessKeys).toEqual([{ userName: USER, accessKeyId: firstKeyId, status: 'Active' }]);
    expect(box.aws.summary().users).toEqual([USER]);
    expect(currentReaderKey(box, ACCOUNT)).toEqual(firstKey);
    expect(box.director.operations.map((operation) => operation.split(' ')[0])).toEqual(['POST', 'PUT']);
    const sources = box.director.logSources();
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatchObject({ id: logSourceId, config: { Connector: { access_key: firstKeyId } } });
    expect(box.director.connectorSecretMatches(logSourceId, firstKey.secretAccessKey)).toBe(true);
    expect(box.events[1]?.detail).toMatchObject({ cleanup: { deletedAccessKeys: [reader.accessKeyId], deletedUser: false, deletedSecret: false } });
  });

  it('keeps the new key when a re-run gives up on its PUT order at the deadline, so Director never ends up on a deleted key when that order finishes late', async () => {
    // Prepare: Director takes 1.5 s (real time) per order. The first run's order checks are slowed
    // down so that it sees its order succeed; the re-run polls at full speed and reaches its
    // 30-second deadline (virtual time) while its PUT order is still pending.
    const box = await start({ director: { orderDelayMs: 1500 }, config: { orderPolling: { deadlineSeconds: 30 } } });
    box.director.faults.setLatency(600, 'GET /orders/*');
    const first = await box.run(input);
    const { logSourceId } = expectOnboarded(box, first);
    box.director.faults.setLatency(0, 'GET /orders/*');

    // Act
    const second = await box.run(input);
    const requestId = (box.events[1]?.detail as { orderRequestId?: string } | undefined)?.orderRequestId;
    expect(requestId).toBeTypeOf('string');
    await waitForDirectorOrder(box, requestId as string);

    // Assess: whatever compensation chose, once Director's orders are done the log source must use
    // the key the secret holds, and that key must still exist.
    expectFailedWith(box, second, 'DIRECTOR_OUTCOME_UNKNOWN', 1);
    // A fix may send Director a restoring edit of its own: give such an order time to finish too.
    await vi.waitFor(
      () => {
        const key = currentReaderKey(box, ACCOUNT);
        const directorKeyId = (box.director.logSources()[0] as { config: { Connector: { access_key: string } } }).config.Connector.access_key;
        expect(box.aws.summary().accessKeys).toContainEqual({ userName: USER, accessKeyId: directorKeyId, status: 'Active' });
        expect(directorKeyId).toBe(key.accessKeyId);
        expect(box.director.connectorSecretMatches(logSourceId, key.secretAccessKey)).toBe(true);
      },
      { timeout: 3_000, interval: 100 },
    );
  });
});
