import { expect } from 'vitest';
import { accountSecretName, readerUserName } from '../../../lambda/contract/names.js';
import { provisionReader } from '../../../lambda/onboarding/provisioning.js';
import { OnboardingError } from '../../../lambda/shared/errors.js';
import { ACCOUNT, HOME_ACCOUNT, REGION, useAwsSandbox } from '../../support/aws-sandbox.js';
import type { AwsSandbox } from '../../../local/aws/index.js';
import type { BucketFacts } from '../../../lambda/shared/workflow-schemas.js';
import type { ReaderIdentity } from '../../../lambda/onboarding/workflow-contract.js';
import { tagAccountSecret } from '../../../lambda/shared/account-secret-tags.js';

/* The reader of one account in a fresh AWS sandbox: what the provisioning, finalize and compensation tests share. */

export const USER = readerUserName(ACCOUNT);
export const SECRET = accountSecretName(ACCOUNT);
export const PREFIX = `AWSLogs/${ACCOUNT}/CloudTrail/`;
export const KEY_ARN = `arn:aws:kms:${REGION}:${HOME_ACCOUNT}:key/0b3c1a2e-9f1d-4a57-8b6e-2f4c5d6e7f80`;

let sandboxOfThisFile: (() => AwsSandbox) | undefined;
/** Call at the top of each test file that uses this fixture: a fresh AWS sandbox for each of its tests (hooks belong to a file, not to a module a worker loads once). */
export function useReaderSandbox(): void {
  sandboxOfThisFile = useAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION });
}
export const sandbox = (): AwsSandbox => (sandboxOfThisFile ?? expect.fail('call useReaderSandbox() in the test file'))();

export function bucketFacts(overrides: Partial<BucketFacts> = {}): BucketFacts {
  return {
    bucketName: 'trail-bucket',
    bucketRegion: REGION,
    logPrefix: PREFIX,
    kmsKeyArn: null,
    sampleObjectKey: `${PREFIX}eu-west-1/2025/06/01/${ACCOUNT}_CloudTrail_eu-west-1_20250601T1200Z_a.json.gz`,
    ...overrides,
  };
}

export const clients = () => ({ iam: sandbox().iam, secretsManager: sandbox().secretsManager });
/** ProvisionReader alone: the new key is in the secret, and Director has not been given it yet. */
export const provisionUnconfirmed = (bucket = bucketFacts()) => provisionReader(clients(), { accountId: ACCOUNT, bucket });
/** ProvisionReader, then the record a finished onboarding leaves: Director holds the new key. */
export async function provision(bucket = bucketFacts()): Promise<ReaderIdentity> {
  const reader = await provisionUnconfirmed(bucket);
  await tagAccountSecret(sandbox().secretsManager, ACCOUNT, { directorKey: reader.accessKeyId, directorWrite: '' });
  return reader;
}
export const keyIds = () =>
  sandbox()
    .fakes.iam.accessKeys()
    .map((key) => key.accessKeyId);
export const secretKeyId = (stage = 'AWSCURRENT') =>
  (JSON.parse(sandbox().fakes.secretsManager.revealSecretValueForTest(SECRET, stage) ?? '{}') as { accessKeyId?: string }).accessKeyId;
/** Every secret access key the fake IAM currently holds. */
export const allSecrets = () => keyIds().map((id) => sandbox().fakes.iam.revealSecretAccessKeyForTest(id));

export function expectFreeOf(value: unknown, secrets: string[]): void {
  const text = JSON.stringify(value instanceof OnboardingError ? [value.message, value.toJSON(), value.details] : value);
  expect(secrets.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(text).not.toContain(secret);
}
