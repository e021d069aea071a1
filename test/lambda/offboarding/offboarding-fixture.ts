import { beforeEach, expect } from 'vitest';
import { accountSecretName, readerUserName } from '../../../lambda/contract/names.js';
import { runtimeSettingsSchema, type RuntimeSettings } from '../../../lambda/contract/runtime-settings.js';
import type { OffboardingInventory, OffboardingRequest } from '../../../lambda/offboarding/workflow-contract.js';
import { provisionReader } from '../../../lambda/onboarding/provisioning.js';
import { readAccessKey } from '../../../lambda/shared/account-secret.js';
import { tagAccountSecret } from '../../../lambda/shared/account-secret-tags.js';
import { OnboardingError } from '../../../lambda/shared/errors.js';
import { buildLogSourceBody } from '../../../lambda/shared/log-source-body.js';
import { ACCOUNT, HOME_ACCOUNT, REGION, useAwsSandbox } from '../../support/aws-sandbox.js';
import type { AwsSandbox } from '../../../local/aws/index.js';
import { harnessPerTest, rejectionOf, type Harness } from '../director/support.js';

/* One account in a fresh AWS sandbox and Director simulator on one movable clock: what the offboarding tests share. */

export const USER = readerUserName(ACCOUNT);
export const SECRET = accountSecretName(ACCOUNT);
export const START = Date.parse('2026-03-01T12:00:00.000Z');
export const ORDER_DELAY_MS = 1_000;
export const DAY_MS = 86_400_000;

export const settings: RuntimeSettings = runtimeSettingsSchema.parse({
  director: { baseUrl: 'https://director.example.com', poolUuid: 'a'.repeat(32), logpointId: 'b'.repeat(32), credentialSecretId: 'logpoint/director/api' },
  trail: { bucketName: 'org-trail-bucket', bucketRegion: REGION },
  logSource: {},
  orderPolling: { initialWaitSeconds: 2, maxWaitSeconds: 60, deadlineSeconds: 120 },
});
export const request: OffboardingRequest = {
  accountId: ACCOUNT,
  reason: 'account-closed',
  logSourceName: `CloudTrail-${ACCOUNT}`,
  trigger: null,
  coverage: 'account-source',
};

let nowMs = START;
let current: Harness | undefined;
let awsOfThisFile: (() => AwsSandbox) | undefined;

/**
 * Call at the top of each test file that uses this fixture: a fresh AWS sandbox and Director
 * simulator for each of its tests, on one clock that starts at START (hooks belong to a file, not
 * to a module a worker loads once).
 */
export function useOffboardingFixture(): void {
  beforeEach(() => {
    nowMs = START;
  });
  // One clock for IAM, Secrets Manager, Director orders and tokens: tests move it instead of waiting.
  awsOfThisFile = useAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION, clock: () => nowMs });
  const startDirector = harnessPerTest();
  beforeEach(async () => {
    current = await startDirector({ simulator: { clock: () => nowMs, orderDelayMs: ORDER_DELAY_MS }, client: { now: () => nowMs } });
  });
}

export const aws = (): AwsSandbox => (awsOfThisFile ?? expect.fail('call useOffboardingFixture() in the test file'))();
/** The Director simulator and its client for the running test. */
export const harness = (): Harness => current ?? expect.fail('the Director harness exists only while a test runs');
export const now = (): Date => new Date(nowMs);
export const advance = (ms: number): void => {
  nowMs += ms;
};
export const clients = () => ({ iam: aws().iam, secretsManager: aws().secretsManager, director: harness().client });
export const directorContext = () => ({ director: harness().client, polling: settings.orderPolling, now });
export const deletes = () => harness().director.operations.filter((operation) => operation.startsWith('DELETE '));
export const userNames = () =>
  aws()
    .fakes.iam.users()
    .map((user) => user.userName);
export const keyIds = () =>
  aws()
    .fakes.iam.accessKeys()
    .map((key) => key.accessKeyId);
export const secretView = (name = SECRET) =>
  aws()
    .fakes.secretsManager.secrets()
    .find((secret) => secret.name === name);

/** Submits a log source body and lets the simulator's order complete. */
async function createInDirector(body: ReturnType<typeof buildLogSourceBody>): Promise<string> {
  await harness().client.createLogSource(body);
  advance(ORDER_DELAY_MS);
  const created = await harness().client.findLogSourceByName(body.name);
  return created?.id ?? expect.fail(`log source ${body.name} was not created`);
}

/** What a successful onboarding leaves: the tagged user, its policy and key, the secret, and the log source recorded on it. */
export async function onboard(
  accountId = ACCOUNT,
  options: { name?: string; markOwnership?: boolean } = {},
): Promise<{ logSourceId: string; accessKeyId: string; secretAccessKey: string }> {
  const bucket = {
    bucketName: 'org-trail-bucket',
    bucketRegion: REGION,
    logPrefix: `AWSLogs/${accountId}/CloudTrail/`,
    kmsKeyArn: null,
    sampleObjectKey: `AWSLogs/${accountId}/CloudTrail/x.json.gz`,
  };
  await provisionReader({ iam: aws().iam, secretsManager: aws().secretsManager }, { accountId, bucket });
  const key = await readAccessKey(aws().secretsManager, accountId);
  const body = buildLogSourceBody(
    settings.logSource,
    { accountId, bucketName: bucket.bucketName, bucketRegion: REGION, ...key, filterDate: now().toISOString() },
    { name: options.name ?? `CloudTrail-${accountId}`, markOwnership: options.markOwnership ?? true },
  );
  const logSourceId = await createInDirector(body);
  if (options.markOwnership !== false) await tagAccountSecret(aws().secretsManager, accountId, { logSourceId });
  return { logSourceId, ...key };
}

/** A log source of that name that this product did not create (no ownership marker). */
export async function createForeignLogSource(name: string): Promise<string> {
  const body = buildLogSourceBody(
    settings.logSource,
    {
      accountId: ACCOUNT,
      bucketName: 'someone-elses-bucket',
      bucketRegion: REGION,
      accessKeyId: 'AKIAFOREIGNEXAMPLE00',
      secretAccessKey: 'foreign-secret-value',
      filterDate: now().toISOString(),
    },
    { name, markOwnership: false },
  );
  return createInDirector(body);
}

export async function caught(promise: Promise<unknown>): Promise<OnboardingError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(OnboardingError);
  return error as OnboardingError;
}

export const inventory = (overrides: Partial<OffboardingInventory> = {}): OffboardingInventory => ({
  logSourceName: request.logSourceName,
  logSourceFound: false,
  logSourceId: null,
  readerUser: 'absent',
  secret: 'absent',
  ...overrides,
});
