import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import type { LogSourceDefaults } from '../contract/settings.js';
import type { DirectorClient } from '../director/index.js';
import { readAccessKey } from '../shared/account-secret.js';
import { OnboardingError } from '../shared/errors.js';
import { buildLogSourceWrite } from '../shared/log-source-write.js';
import { findOwnedLogSource } from '../shared/owned-log-source.js';
import type { BucketFacts, OnboardingRequest, ReaderIdentity, Registration } from './workflow-contract.js';

export interface RegistrationContext {
  director: DirectorClient;
  secretsManager: SecretsManagerClient;
  logSource: LogSourceDefaults;
  now: () => Date;
}

export interface RegistrationInput {
  request: OnboardingRequest;
  bucket: BucketFacts;
  reader: ReaderIdentity;
}

/**
 * Registers the account's log source in Director: `POST` when there is none, `PUT` of the seed's
 * edit body when this product already created one for the account (found by the id recorded on
 * the account secret, else by name). A source of that name that is not ours is never touched.
 * The key travels from the secret straight into the request body; only ids come back.
 */
export async function registerLogSource(context: RegistrationContext, input: RegistrationInput): Promise<Registration> {
  const { director, secretsManager } = context;
  const { request, bucket, reader } = input;

  const key = await readAccessKey(secretsManager, request.accountId);
  if (key.accessKeyId !== reader.accessKeyId) {
    throw new OnboardingError(
      ErrorCode.SECRET_INVALID,
      `Secret ${reader.secretName} now holds access key ${key.accessKeyId}, not ${reader.accessKeyId} that this run created; ` +
        'another onboarding of the account is probably running. Let it finish, then run again.',
      { details: { secretName: reader.secretName, expected: reader.accessKeyId, found: key.accessKeyId } },
    );
  }

  const existing = await findOwnedLogSource(context, request);
  const body = await buildLogSourceWrite(
    context,
    {
      accountId: request.accountId,
      name: request.logSourceName,
      bucketName: bucket.bucketName,
      bucketRegion: bucket.bucketRegion,
      key,
      filterDate: request.filterDate,
    },
    existing,
  );
  const order = existing ? await director.editLogSource(existing.id, body) : await director.createLogSource(body);
  return {
    operation: existing ? 'EDIT' : 'CREATE',
    logSourceName: request.logSourceName,
    logSourceId: existing?.id ?? null,
    orderPath: order.orderPath,
    requestId: order.requestId,
  };
}
