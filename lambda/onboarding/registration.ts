import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LogSourceDefaults } from '../contract/settings.js';
import type { DirectorClient } from '../director/index.js';
import { buildLogSourceWrite } from '../shared/log-source-write.js';
import { findOwnedLogSource } from '../shared/owned-log-source.js';
import { readRunKey } from './run-key.js';
import type { OnboardingRequest, ReaderIdentity, Registration } from './workflow-contract.js';
import type { BucketFacts } from '../shared/workflow-schemas.js';

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

  const key = await readRunKey(secretsManager, request.accountId, reader);

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
