import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { OrderPolling } from '../contract/runtime-settings.js';
import type { LogSourceDefaults } from '../contract/settings.js';
import {
  DirectorAuthError,
  DirectorForbiddenError,
  DirectorNotFoundError,
  DirectorOutcomeUnknownError,
  DirectorUnavailableError,
  DirectorValidationError,
  type DirectorClient,
} from '../director/index.js';
import { TagKey } from '../contract/names.js';
import { describeAccountSecret, type AccountSecretDescription } from '../shared/account-secret.js';
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
 * When the secret records no source and no open write, nothing is listed before the `POST`.
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
  // Adoption looks by name first: the source to take over is one the secret cannot know of.
  const existing =
    request.adopt || mayHaveOwnSource(secret, earlier !== null)
      ? // After an earlier write (whose answer may have been lost) Director's list may lag: refresh it first.
        await findOwnedLogSource(context, request, secret, { afterWrite: earlier !== null })
      : null;
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
    if (notActedOnByDirector(error)) await forgetRefusedWrite(secretsManager, request.accountId, error);
    throw error;
  }
}

/**
 * Whether Director may already hold a source this product made for the account: the secret records
 * one, or a write whose outcome is still open. Otherwise the create goes out without a list first
 * (a list of every source is the costliest call at scale). Director keeps names unique, so a source
 * of that name made some other way, or one of ours whose recording was lost, fails the create's
 * order with "The value already exists": CheckOrder then looks, and NOT_OWNED or an edit follows.
 */
function mayHaveOwnSource(secret: AccountSecretDescription | null, writeInFlight: boolean): boolean {
  return writeInFlight || (secret?.owned === true && Boolean(secret.tags[TagKey.logSourceId]));
}

/**
 * Answers that say Director did not act on the write at all: a refusal, or DIRECTOR_UNAVAILABLE,
 * which the transport raises for a write only when the request provably never reached Director
 * (no token, never connected, throttled throughout); every ambiguous end is DIRECTOR_OUTCOME_UNKNOWN.
 */
function notActedOnByDirector(error: unknown): error is OnboardingError {
  return (
    error instanceof DirectorUnavailableError ||
    error instanceof DirectorValidationError ||
    error instanceof DirectorForbiddenError ||
    error instanceof DirectorAuthError ||
    error instanceof DirectorNotFoundError
  );
}

/**
 * Empties the write record of a write Director never acted on, so that compensation may delete its key. If that
 * fails, the record stays and compensation keeps the key (the safe side); the error says so.
 */
async function forgetRefusedWrite(secretsManager: SecretsManagerClient, accountId: string, refusal: OnboardingError): Promise<void> {
  try {
    await clearDirectorWrite(secretsManager, accountId, await describeAccountSecret(secretsManager, accountId));
  } catch {
    Object.assign(refusal.details, { writeRecordCleared: false });
  }
}
