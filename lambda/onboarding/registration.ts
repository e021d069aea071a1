import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { OrderPolling } from '../contract/runtime-settings.js';
import type { LogSourceDefaults } from '../contract/settings.js';
import {
  DirectorAuthError,
  DirectorForbiddenError,
  DirectorNotFoundError,
  DirectorOutcomeUnknownError,
  DirectorValidationError,
  type DirectorClient,
} from '../director/index.js';
import { describeAccountSecret } from '../shared/account-secret.js';
import { clearDirectorWrite, directorKeyRecordOf, recordDirectorWrite } from '../shared/director-key-record.js';
import type { OnboardingError } from '../shared/errors.js';
import { buildLogSourceWrite } from '../shared/log-source-write.js';
import { findOwnedLogSource } from '../shared/owned-log-source.js';
import { readRunKey } from './run-key.js';
import type { OnboardingRequest, ReaderIdentity, Registration } from './workflow-contract.js';
import type { BucketFacts } from '../shared/workflow-schemas.js';

export interface RegistrationContext {
  director: DirectorClient;
  secretsManager: SecretsManagerClient;
  logSource: LogSourceDefaults;
  orderPolling: OrderPolling;
  now: () => Date;
}

export interface RegistrationInput {
  request: OnboardingRequest;
  bucket: BucketFacts;
  reader: ReaderIdentity;
}

/**
 * Registers the account's log source in Director: `PUT` of the seed's edit body when this product
 * already created one for the account (found by the id recorded on the account secret, else by
 * name), `POST` when there is none. A source of that name that is not ours is never touched.
 *
 * Safe to run again after any failure, because what it sends is recorded on the account secret
 * first (`logpoint:director-write`): when an earlier attempt's create got no answer and its source
 * has not appeared yet, the create is not sent again; the registration comes back without an order
 * and CheckOrder looks for the source instead. An edit is idempotent and simply sent again.
 * The key travels from the secret straight into the request body; only ids come back.
 */
export async function registerLogSource(context: RegistrationContext, input: RegistrationInput): Promise<Registration> {
  const { director, secretsManager } = context;
  const { request, bucket, reader } = input;
  const logSourceName = request.logSourceName;

  const key = await readRunKey(secretsManager, request.accountId, reader);
  const secret = await describeAccountSecret(secretsManager, request.accountId);
  const earlier = directorKeyRecordOf(secret?.tags ?? {}).inFlight;
  // After an earlier write (whose answer may have been lost) Director's list may lag: refresh it first.
  const existing = await findOwnedLogSource(context, request, secret, { afterWrite: earlier !== null });
  const now = context.now();
  if (existing === null && earlier?.operation === 'CREATE' && earlier.accessKeyId === key.accessKeyId) {
    const settlesAt = Date.parse(earlier.sentAt) + context.orderPolling.settleSeconds * 1000;
    if (now.getTime() < settlesAt) {
      return { operation: 'CREATE', logSourceName, logSourceId: null, orderPath: null, requestId: null, submittedAt: earlier.sentAt };
    }
  }

  const body = await buildLogSourceWrite(
    context,
    {
      accountId: request.accountId,
      name: logSourceName,
      bucketName: bucket.bucketName,
      bucketRegion: bucket.bucketRegion,
      key,
      filterDate: request.filterDate,
    },
    existing,
  );
  const operation = existing ? 'EDIT' : 'CREATE';
  const submittedAt = now.toISOString();
  await recordDirectorWrite(secretsManager, request.accountId, { operation, accessKeyId: key.accessKeyId, sentAt: submittedAt }, secret);
  const unanswered: Registration = { operation, logSourceName, logSourceId: existing?.id ?? null, orderPath: null, requestId: null, submittedAt };
  try {
    const order = existing ? await director.editLogSource(existing.id, body) : await director.createLogSource(body);
    return { ...unanswered, orderPath: order.orderPath, requestId: order.requestId };
  } catch (error) {
    if (error instanceof DirectorOutcomeUnknownError) return unanswered;
    if (refusedByDirector(error)) await forgetRefusedWrite(secretsManager, request.accountId, error);
    throw error;
  }
}

/** Answers that say Director did not act on the write at all. */
function refusedByDirector(error: unknown): error is OnboardingError {
  return (
    error instanceof DirectorValidationError ||
    error instanceof DirectorForbiddenError ||
    error instanceof DirectorAuthError ||
    error instanceof DirectorNotFoundError
  );
}

/**
 * Empties the write record of a refused write, so that compensation may delete its key. If that
 * fails, the record stays and compensation keeps the key (the safe side); the error says so.
 */
async function forgetRefusedWrite(secretsManager: SecretsManagerClient, accountId: string, refusal: OnboardingError): Promise<void> {
  try {
    await clearDirectorWrite(secretsManager, accountId, await describeAccountSecret(secretsManager, accountId));
  } catch {
    Object.assign(refusal.details, { writeRecordCleared: false });
  }
}
