import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import { readAccessKey, type AccessKeyPair } from '../shared/account-secret.js';
import { OnboardingError } from '../shared/errors.js';
import type { ReaderIdentity } from './workflow-contract.js';

/**
 * The key pair this onboarding run created, read from the account secret. When the secret holds
 * another key, another onboarding of the account has written it since: this run must not go on
 * with a key it did not create (SECRET_INVALID). The secret half goes only to S3 or Director.
 */
export async function readRunKey(secretsManager: SecretsManagerClient, accountId: string, reader: ReaderIdentity): Promise<AccessKeyPair> {
  const key = await readAccessKey(secretsManager, accountId);
  if (key.accessKeyId !== reader.accessKeyId) {
    throw new OnboardingError(
      ErrorCode.SECRET_INVALID,
      `Secret ${reader.secretName} now holds access key ${key.accessKeyId}, not ${reader.accessKeyId} that this run created; ` +
        'another onboarding of the account is probably running. Let it finish, then run again.',
      { details: { secretName: reader.secretName, expected: reader.accessKeyId, found: key.accessKeyId } },
    );
  }
  return key;
}
