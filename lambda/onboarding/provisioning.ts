import { CreateUserCommand, PutUserPermissionsBoundaryCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import type { IAMClient, User } from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import { READER_USER_PATH, accountSecretName, readerUserName } from '../contract/names.js';
import { describeAccountSecret, readAccessKeyId, writeAccessKey, type AccountSecretDescription } from '../shared/account-secret.js';
import { directorKeyRecordOf } from '../shared/director-key-record.js';
import { OnboardingError } from '../shared/errors.js';
import { describeAwsError, isAwsError, mergeTags, redactSecrets } from '../shared/ownership.js';
import { createAccessKeyWithinLimit } from '../shared/reader-keys.js';
import { READER_POLICY_NAME, buildReaderPolicy } from '../shared/reader-policy.js';
import {
  assertOwnedReaderUser,
  deleteReaderAccessKey,
  deleteUserIfKeyless,
  getReaderUser,
  listReaderAccessKeyIds,
  requireUserArn,
} from '../shared/reader-user.js';
import type { ReaderIdentity } from './workflow-contract.js';
import type { BucketFacts } from '../shared/workflow-schemas.js';
import { awsUnavailable } from '../shared/aws-transient.js';

/**
 * ProvisionReader: the account's IAM reader user, its inline policy and a fresh access key, written
 * straight into the account's secret.
 *
 * Key lifecycle and re-runs — Director must never lose a working key:
 * - {@link provisionReader} creates a NEW key and makes it the secret's AWSCURRENT value (the
 *   earlier value stays as AWSPREVIOUS). The earlier key stays active on the user, because
 *   Director keeps using it until the workflow has registered the new one. The one exception: a
 *   key in the secret that Director was never confirmed to hold is reused — left by a crashed
 *   attempt of this step, or sent in a write whose outcome is unknown (an earlier run ended with
 *   DIRECTOR_OUTCOME_UNKNOWN) — so a retry or re-run settles what Director holds without a third key.
 * - After Director accepted the new key (the order succeeded), the workflow calls
 *   `retireStaleAccessKeys` (finalize.ts), which deletes every other key of the user.
 * - When the workflow fails instead, `compensateOnboarding` (compensation.ts) deletes every key
 *   Director cannot hold and rolls the secret back to the earlier key, so the two agree again.
 * - IAM allows two keys per user. When both slots are taken, provisioning deletes only a key that
 *   is provably idle: not the key the secret holds nor one Director holds or may hold, and never
 *   used or Inactive. Otherwise it fails
 *   with ACCESS_KEY_LIMIT and says what to do. "Never used" relies on GetAccessKeyLastUsed, which
 *   AWS updates with some delay; a key that is not in the secret is not one this workflow gives to
 *   Director, so at worst a key that was handed out by hand is removed before its first use.
 */

export interface ReaderClients {
  iam: IAMClient;
  secretsManager: SecretsManagerClient;
}

export interface ProvisionReaderRequest {
  accountId: string;
  bucket: BucketFacts;
  /** Extra tags for the user and a newly created secret (`logpoint:` keys are reserved and ignored). */
  tags?: Record<string, string>;
  /** KMS key for the account secret; `aws/secretsmanager` when omitted. */
  secretKmsKeyId?: string;
  /** The product's reader permissions boundary: every reader user is created with it (and an older one gets it). */
  permissionsBoundaryArn?: string;
}

/**
 * Ensures the reader user and its policy, creates a fresh access key and writes it into the
 * account's secret. Returns only names, ids and ARNs, plus what THIS call created. If a later step
 * fails, whatever this call created is removed again before the error is rethrown.
 */
export async function provisionReader(clients: ReaderClients, request: ProvisionReaderRequest): Promise<ReaderIdentity> {
  const { iam, secretsManager } = clients;
  const { accountId, bucket } = request;
  const userName = readerUserName(accountId);
  // Built first: an invalid prefix or key must fail before anything is created.
  const policyDocument = JSON.stringify(
    buildReaderPolicy({
      bucketName: bucket.bucketName,
      logPrefix: bucket.logPrefix,
      kmsKeyArn: bucket.kmsKeyArn,
      bucketRegion: bucket.bucketRegion,
    }),
  );

  let user: { userArn: string; created: boolean } | undefined;
  let newKey: { accessKeyId: string; secretAccessKey: string } | undefined;
  try {
    user = await ensureReaderUser(iam, { accountId, userName, tags: request.tags, permissionsBoundaryArn: request.permissionsBoundaryArn });
    await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: READER_POLICY_NAME, PolicyDocument: policyDocument }));

    const secretKeyId = await readAccessKeyId(secretsManager, accountId);
    const existing = await describeAccountSecret(secretsManager, accountId);
    const record = directorKeyRecordOf(existing?.owned ? existing.tags : {});
    // A key Director was never confirmed to hold is reused: a crashed attempt's, or one whose write has an unknown outcome.
    if (
      existing !== null &&
      secretKeyId !== null &&
      secretKeyId !== record.confirmedKeyId &&
      (await listReaderAccessKeyIds(iam, userName)).includes(secretKeyId)
    ) {
      const created = { user: user.created, secret: false, accessKey: false };
      return { userName, userArn: user.userArn, accessKeyId: secretKeyId, secretName: existing.secretName, secretArn: existing.secretArn, created };
    }
    newKey = await createAccessKeyWithinLimit(iam, {
      userName,
      // A rotation's pending key may be the one Director is being switched to (the account lock keeps rotations out; this is the second line).
      protectedAccessKeyIds: [
        secretKeyId,
        record.confirmedKeyId,
        record.inFlight?.accessKeyId,
        await pendingKeyIdOf(secretsManager, accountId, existing),
      ].filter((id): id is string => typeof id === 'string'),
      secretName: accountSecretName(accountId),
    });

    const secret = await writeAccessKey(secretsManager, {
      accountId,
      userName,
      accessKeyId: newKey.accessKeyId,
      secretAccessKey: newKey.secretAccessKey,
      kmsKeyId: request.secretKmsKeyId,
      tags: request.tags,
    });
    return {
      userName,
      userArn: user.userArn,
      accessKeyId: newKey.accessKeyId,
      secretName: secret.secretName,
      secretArn: secret.secretArn,
      created: { user: user.created, secret: secret.created, accessKey: true },
    };
  } catch (error) {
    const rolledBack = await rollBackProvisioning(iam, userName, user?.created === true, newKey?.accessKeyId);
    const secrets = newKey ? [newKey.secretAccessKey] : [];
    const failure = error instanceof OnboardingError ? error : awsUnavailable(error, `Provisioning reader user ${userName}`);
    if (failure) {
      Object.assign(failure.details, { rolledBack });
      throw failure;
    }
    const message = error instanceof Error ? redactSecrets(error.message, secrets) : String(error);
    throw new OnboardingError(ErrorCode.READER_PROVISIONING_FAILED, `Provisioning reader user ${userName} failed: ${describeAwsError(error)} — ${message}`, {
      details: { userName, awsError: describeAwsError(error), rolledBack },
    });
  }
}

async function ensureReaderUser(
  iam: IAMClient,
  request: { accountId: string; userName: string; tags: Record<string, string> | undefined; permissionsBoundaryArn: string | undefined },
): Promise<{ userArn: string; created: boolean }> {
  const { accountId, userName } = request;
  const existing = await getReaderUser(iam, userName);
  if (existing !== null) {
    await assertOwnedReaderUser(iam, existing, accountId);
    await ensureBoundary(iam, existing, request.permissionsBoundaryArn);
    return { userArn: requireUserArn(existing, userName), created: false };
  }
  try {
    const output = await iam.send(
      new CreateUserCommand({
        UserName: userName,
        Path: READER_USER_PATH,
        Tags: mergeTags(accountId, request.tags),
        PermissionsBoundary: request.permissionsBoundaryArn,
      }),
    );
    if (output.User === undefined) throw new OnboardingError(ErrorCode.READER_PROVISIONING_FAILED, `CreateUser returned no user for ${userName}.`);
    return { userArn: requireUserArn(output.User, userName), created: true };
  } catch (error) {
    // Created concurrently: it is only usable if it proves to be ours.
    if (!isAwsError(error, 'EntityAlreadyExistsException')) throw error;
    const raced = await getReaderUser(iam, userName);
    if (raced === null) throw error;
    await assertOwnedReaderUser(iam, raced, accountId);
    return { userArn: requireUserArn(raced, userName), created: false };
  }
}

/**
 * A reader made before the product attached boundaries gets the product's boundary; a reader with
 * another boundary is left alone and the run fails: the product never changes or removes one.
 */
async function ensureBoundary(iam: IAMClient, user: User, boundaryArn: string | undefined): Promise<void> {
  if (boundaryArn === undefined) return;
  const current = user.PermissionsBoundary?.PermissionsBoundaryArn;
  if (current === boundaryArn) return;
  const userName = user.UserName ?? '';
  if (current !== undefined) {
    throw new OnboardingError(
      ErrorCode.READER_PROVISIONING_FAILED,
      `IAM user ${userName} has permissions boundary ${current}, not the product's ${boundaryArn}; this product never changes a boundary. ` +
        'Remove the user (or its boundary) by hand, then re-run.',
      { details: { userName, permissionsBoundary: current, expected: boundaryArn } },
    );
  }
  await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: userName, PermissionsBoundary: boundaryArn }));
}

/** Best effort: undo what a failed provisioning created. Returns what it removed, for the error details. */
async function rollBackProvisioning(iam: IAMClient, userName: string, userCreated: boolean, accessKeyId: string | undefined): Promise<string[]> {
  const removed: string[] = [];
  try {
    if (accessKeyId !== undefined) {
      await deleteReaderAccessKey(iam, userName, accessKeyId);
      removed.push(`access key ${accessKeyId}`);
    }
    if (userCreated) {
      if (await deleteUserIfKeyless(iam, userName)) removed.push(`user ${userName}`);
    }
  } catch (error) {
    removed.push(`rollback stopped: ${describeAwsError(error)}`);
  }
  return removed;
}

async function pendingKeyIdOf(secretsManager: SecretsManagerClient, accountId: string, secret: AccountSecretDescription | null): Promise<string | null> {
  const versionId = secret?.pendingVersionId;
  if (!secret?.owned || !versionId || versionId === secret.currentVersionId) return null;
  return readAccessKeyId(secretsManager, accountId, { versionId });
}
