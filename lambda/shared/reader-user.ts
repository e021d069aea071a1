import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetAccessKeyLastUsedCommand,
  GetUserCommand,
  PutUserPolicyCommand,
  paginateListAccessKeys,
  paginateListUserPolicies,
  paginateListUserTags,
} from '@aws-sdk/client-iam';
import type { AccessKeyMetadata, IAMClient, User } from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { BucketFacts, ReaderIdentity } from '../onboarding/workflow-contract.js';
import { deleteAccountSecret, readAccessKeyId, writeAccessKey } from './account-secret.js';
import type { DeleteAccountSecretOptions } from './account-secret.js';
import { OnboardingError } from './errors.js';
import { describeAwsError, isAwsError, isOwnedBy, mergeTags, redactSecrets, tagsToRecord } from './ownership.js';
import { READER_POLICY_NAME, buildReaderPolicy } from './reader-policy.js';
import { ErrorCode } from '../contract/error-codes.js';
import { ACCOUNT_SECRET_PREFIX, accountSecretName, OWNER_MARKER, READER_USER_PATH, readerUserName, TagKey } from '../contract/names.js';
import { restorePreviousAccessKey } from './account-secret-versions.js';

/**
 * The IAM reader user of one account (`/logpoint/cloudtrail-reader-<account>`), its inline policy
 * and its access keys, kept in step with the account's secret.
 *
 * Key lifecycle and re-runs — Director must never lose a working key:
 * - {@link provisionReader} always creates a NEW key and makes it the secret's AWSCURRENT value
 *   (the earlier value stays as AWSPREVIOUS). The earlier key stays active on the user, because
 *   Director keeps using it until the workflow has registered the new one.
 * - After Director accepted the new key (the order succeeded), the workflow calls
 *   {@link retireStaleAccessKeys}, which deletes every other key of the user.
 * - When the workflow fails instead, {@link removeReaderResources} deletes the key this execution
 *   created and rolls the secret back to the earlier key, so the secret and Director agree again.
 * - IAM allows two keys per user. When both slots are taken, provisioning deletes only a key that
 *   is provably idle: not the key the secret holds, and never used or Inactive. Otherwise it fails
 *   with ACCESS_KEY_LIMIT and says what to do. "Never used" relies on GetAccessKeyLastUsed, which
 *   AWS updates with some delay; a key that is not in the secret is not one this workflow gives to
 *   Director, so at worst a key that was handed out by hand is removed before its first use.
 */

const IAM_KEY_LIMIT = 2;

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
  /** Permissions boundary for a newly created user, when the organisation requires one. */
  permissionsBoundaryArn?: string;
}

export interface CleanupSummary {
  /** Access keys deleted by this call, or already gone. */
  deletedAccessKeys: string[];
  /** The user was deleted by this call, or was already gone. */
  deletedUser: boolean;
  /** The secret was deleted by this call, or was already gone. */
  deletedSecret: boolean;
  /** What was left in place, each with the reason. */
  kept: string[];
}

// ---- Provisioning ----------------------------------------------------------------------------

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
    newKey = await createAccessKeyWithinLimit(iam, {
      userName,
      protectedAccessKeyIds: secretKeyId === null ? [] : [secretKeyId],
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
    if (error instanceof OnboardingError) {
      Object.assign(error.details, { rolledBack });
      throw error;
    }
    const message = error instanceof Error ? redactSecrets(error.message, secrets) : String(error);
    throw new OnboardingError(
      ErrorCode.READER_PROVISIONING_FAILED,
      `Provisioning reader user ${userName} failed: ${describeAwsError(error)} — ${message}`,
      { details: { userName, awsError: describeAwsError(error), rolledBack } },
    );
  }
}

async function ensureReaderUser(
  iam: IAMClient,
  request: { accountId: string; userName: string; tags: Record<string, string> | undefined; permissionsBoundaryArn: string | undefined },
): Promise<{ userArn: string; created: boolean }> {
  const { accountId, userName } = request;
  const existing = await getUser(iam, userName);
  if (existing !== null) {
    await assertOwnedUser(iam, existing, accountId);
    return { userArn: requireArn(existing, userName), created: false };
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
    return { userArn: requireArn(output.User, userName), created: true };
  } catch (error) {
    // Created concurrently: it is only usable if it proves to be ours.
    if (!isAwsError(error, 'EntityAlreadyExistsException')) throw error;
    const raced = await getUser(iam, userName);
    if (raced === null) throw error;
    await assertOwnedUser(iam, raced, accountId);
    return { userArn: requireArn(raced, userName), created: false };
  }
}

function requireArn(user: User, userName: string): string {
  if (!user.Arn) throw new OnboardingError(ErrorCode.READER_PROVISIONING_FAILED, `IAM returned no ARN for user ${userName}.`);
  return user.Arn;
}

async function getUser(iam: IAMClient, userName: string): Promise<User | null> {
  try {
    const output = await iam.send(new GetUserCommand({ UserName: userName }));
    return output.User ?? null;
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException')) return null;
    throw error;
  }
}

/** The user's tags: from GetUser when it carried them, else every page of ListUserTags. */
export async function userTags(iam: IAMClient, user: User): Promise<Record<string, string>> {
  if (user.Tags !== undefined && user.Tags.length > 0) return tagsToRecord(user.Tags);
  const tags: Record<string, string> = {};
  for await (const page of paginateListUserTags({ client: iam }, { UserName: user.UserName })) Object.assign(tags, tagsToRecord(page.Tags));
  return tags;
}

/** A user of our name is only ours with our path and both ownership tags. */
async function assertOwnedUser(iam: IAMClient, user: User, accountId: string): Promise<void> {
  const userName = user.UserName ?? readerUserName(accountId);
  if (user.Path !== READER_USER_PATH) {
    throw new OnboardingError(
      ErrorCode.NOT_OWNED,
      `IAM user ${userName} exists with path ${user.Path ?? '(none)'} instead of ${READER_USER_PATH}; it was not created by ${OWNER_MARKER}. ` +
        'Refusing to change it: remove or rename it, then re-run.',
      { details: { userName, path: user.Path } },
    );
  }
  const tags = await userTags(iam, user);
  if (!isOwnedBy(tags, accountId)) {
    throw new OnboardingError(
      ErrorCode.NOT_OWNED,
      `IAM user ${userName} exists but is not tagged ${TagKey.managedBy}=${OWNER_MARKER} and ${TagKey.accountId}=${accountId}; ` +
        'refusing to change it. Remove it, or tag it if it really belongs to this product, then re-run.',
      { details: { userName } },
    );
  }
}

async function isOwnedUser(iam: IAMClient, user: User, accountId: string): Promise<boolean> {
  try {
    await assertOwnedUser(iam, user, accountId);
    return true;
  } catch (error) {
    if (error instanceof OnboardingError && error.code === ErrorCode.NOT_OWNED) return false;
    throw error;
  }
}

async function listAccessKeys(iam: IAMClient, userName: string): Promise<AccessKeyMetadata[]> {
  const keys: AccessKeyMetadata[] = [];
  for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) keys.push(...(page.AccessKeyMetadata ?? []));
  return keys;
}

/** Every inline policy name of the user, all pages. */
export async function listInlinePolicyNames(iam: IAMClient, userName: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListUserPolicies({ client: iam }, { UserName: userName })) names.push(...(page.PolicyNames ?? []));
  return names;
}

interface KeyAssessment {
  accessKeyId: string;
  deletable: boolean;
  why: string;
  inactive: boolean;
  createdAt: number;
}

async function assessKey(iam: IAMClient, key: AccessKeyMetadata, protectedKeyIds: readonly string[], secretName: string): Promise<KeyAssessment> {
  const accessKeyId = key.AccessKeyId ?? '';
  const base = { accessKeyId, inactive: key.Status === 'Inactive', createdAt: key.CreateDate?.getTime() ?? 0 };
  if (protectedKeyIds.includes(accessKeyId)) {
    return { ...base, deletable: false, why: `${accessKeyId} is the key in secret ${secretName} (Director may be using it)` };
  }
  if (base.inactive) return { ...base, deletable: true, why: `${accessKeyId} is Inactive` };
  try {
    const output = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }));
    const lastUsed = output.AccessKeyLastUsed?.LastUsedDate;
    if (lastUsed === undefined) return { ...base, deletable: true, why: `${accessKeyId} has never been used` };
    return { ...base, deletable: false, why: `${accessKeyId} was last used ${lastUsed.toISOString()} and is not in secret ${secretName}` };
  } catch (error) {
    return { ...base, deletable: false, why: `${accessKeyId}: its last use could not be read (${describeAwsError(error)})` };
  }
}

export interface CreateAccessKeyWithinLimitRequest {
  userName: string;
  /** Keys that must survive whatever happens: the one the account secret holds (AWSCURRENT). */
  protectedAccessKeyIds: readonly string[];
  /** Named in messages: where the protected key lives. */
  secretName: string;
}

/**
 * Creates an access key without ever holding more than IAM's two keys: when both slots are taken,
 * first deletes a provably idle key (never one of `protectedAccessKeyIds`, and only an Inactive or
 * never-used one), else fails with ACCESS_KEY_LIMIT. Shared by provisioning and key rotation.
 * The secret half of the returned pair must go straight into the account secret.
 */
export async function createAccessKeyWithinLimit(
  iam: IAMClient,
  request: CreateAccessKeyWithinLimitRequest,
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  await makeRoomForNewKey(iam, request.userName, request.protectedAccessKeyIds, request.secretName);
  return createAccessKey(iam, request.userName);
}

/** Frees one key slot when the user is at the limit, deleting only a provably idle key. */
async function makeRoomForNewKey(iam: IAMClient, userName: string, protectedKeyIds: readonly string[], secretName: string): Promise<void> {
  const keys = await listAccessKeys(iam, userName);
  const excess = keys.length - IAM_KEY_LIMIT + 1;
  if (excess <= 0) return;
  const assessed = await Promise.all(keys.map((key) => assessKey(iam, key, protectedKeyIds, secretName)));
  // Inactive keys first, then the oldest.
  const deletable = assessed.filter((key) => key.deletable).sort((a, b) => Number(b.inactive) - Number(a.inactive) || a.createdAt - b.createdAt);
  if (deletable.length < excess) {
    throw new OnboardingError(
      ErrorCode.ACCESS_KEY_LIMIT,
      `IAM user ${userName} already has ${keys.length} access keys and none can be deleted safely: ${assessed.map((key) => key.why).join('; ')}. ` +
        `Make sure Director uses the key stored in secret ${secretName}, then deactivate or delete the other key ` +
        `(aws iam update-access-key --user-name ${userName} --access-key-id <id> --status Inactive) and re-run.`,
      { details: { userName, accessKeyIds: assessed.map((key) => key.accessKeyId), protectedAccessKeyIds: [...protectedKeyIds] } },
    );
  }
  for (const key of deletable.slice(0, excess)) {
    await deleteAccessKey(iam, userName, key.accessKeyId);
  }
}

async function createAccessKey(iam: IAMClient, userName: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  try {
    const output = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    const accessKeyId = output.AccessKey?.AccessKeyId;
    const secretAccessKey = output.AccessKey?.SecretAccessKey;
    if (!accessKeyId || !secretAccessKey) {
      throw new OnboardingError(ErrorCode.READER_PROVISIONING_FAILED, `CreateAccessKey returned no key pair for ${userName}.`);
    }
    return { accessKeyId, secretAccessKey };
  } catch (error) {
    if (!isAwsError(error, 'LimitExceededException')) throw error;
    throw new OnboardingError(
      ErrorCode.ACCESS_KEY_LIMIT,
      `IAM user ${userName} reached the limit of ${IAM_KEY_LIMIT} access keys while a new key was being created (another process added one). Re-run.`,
      { details: { userName } },
    );
  }
}

/** Deletes one access key of a reader user; a key (or user) that is already gone counts as done. */
export async function deleteReaderAccessKey(iam: IAMClient, userName: string, accessKeyId: string): Promise<void> {
  await deleteAccessKey(iam, userName, accessKeyId);
}

/** The ids of the user's access keys (any status); none when the user does not exist. */
export async function listReaderAccessKeyIds(iam: IAMClient, userName: string): Promise<string[]> {
  try {
    return (await listAccessKeys(iam, userName)).map((key) => key.AccessKeyId ?? '').filter((id) => id !== '');
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException')) return [];
    throw error;
  }
}

/**
 * The account's reader user when it exists and is this product's (path and tags), else null.
 * A user of that name that is not ours fails with NOT_OWNED.
 */
export async function findOwnedReaderUser(iam: IAMClient, accountId: string): Promise<{ userName: string; userArn: string } | null> {
  const userName = readerUserName(accountId);
  const user = await getUser(iam, userName);
  if (user === null) return null;
  await assertOwnedUser(iam, user, accountId);
  return { userName, userArn: requireArn(user, userName) };
}

/** Deleting a key that is already gone counts as done. */
async function deleteAccessKey(iam: IAMClient, userName: string, accessKeyId: string): Promise<void> {
  try {
    await iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntityException')) throw error;
  }
}

/** Best effort: undo what a failed provisioning created. Returns what it removed, for the error details. */
async function rollBackProvisioning(iam: IAMClient, userName: string, userCreated: boolean, accessKeyId: string | undefined): Promise<string[]> {
  const removed: string[] = [];
  try {
    if (accessKeyId !== undefined) {
      await deleteAccessKey(iam, userName, accessKeyId);
      removed.push(`access key ${accessKeyId}`);
    }
    if (userCreated) {
      if (await deleteUserIfEmpty(iam, userName)) removed.push(`user ${userName}`);
    }
  } catch (error) {
    removed.push(`rollback stopped: ${describeAwsError(error)}`);
  }
  return removed;
}

/** Deletes the user's inline policies and the user, unless it still has access keys. */
async function deleteUserIfEmpty(iam: IAMClient, userName: string): Promise<boolean> {
  let keys: AccessKeyMetadata[];
  try {
    keys = await listAccessKeys(iam, userName);
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException')) return true;
    throw error;
  }
  if (keys.length > 0) return false;
  try {
    for (const policyName of await listInlinePolicyNames(iam, userName)) {
      await iam.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: policyName }));
    }
    await iam.send(new DeleteUserCommand({ UserName: userName }));
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntityException')) throw error;
  }
  return true;
}

// ---- After Director accepted the key ---------------------------------------------------------

export interface RetireStaleAccessKeysRequest {
  accountId: string;
  /** The key Director now uses (ReaderIdentity.accessKeyId). */
  currentAccessKeyId: string;
}

export interface RetireResult {
  deletedAccessKeys: string[];
  kept: string[];
}

/**
 * Deletes every access key of the reader user except the one Director now uses. The key held by
 * the account's secret is kept too even if it differs (a concurrent run may have written it), so
 * the secret never points at a deleted key.
 */
export async function retireStaleAccessKeys(clients: ReaderClients, request: RetireStaleAccessKeysRequest): Promise<RetireResult> {
  const { iam, secretsManager } = clients;
  const { accountId, currentAccessKeyId } = request;
  const userName = readerUserName(accountId);
  const user = await getUser(iam, userName);
  if (user === null) {
    throw new OnboardingError(ErrorCode.READER_PROVISIONING_FAILED, `IAM user ${userName} does not exist; nothing to retire.`, {
      details: { userName },
    });
  }
  await assertOwnedUser(iam, user, accountId);
  const secretKeyId = await readAccessKeyId(secretsManager, accountId);
  const result: RetireResult = { deletedAccessKeys: [], kept: [] };
  for (const key of await listAccessKeys(iam, userName)) {
    const accessKeyId = key.AccessKeyId ?? '';
    if (accessKeyId === currentAccessKeyId) {
      result.kept.push(`access key ${accessKeyId}: the key Director uses`);
    } else if (accessKeyId === secretKeyId) {
      result.kept.push(`access key ${accessKeyId}: held by secret ${accountSecretName(accountId)}`);
    } else {
      await deleteAccessKey(iam, userName, accessKeyId);
      result.deletedAccessKeys.push(accessKeyId);
    }
  }
  return result;
}

// ---- Compensation and offboarding ------------------------------------------------------------

function accountIdOf(reader: ReaderIdentity): string {
  const accountId = reader.secretName.startsWith(ACCOUNT_SECRET_PREFIX) ? reader.secretName.slice(ACCOUNT_SECRET_PREFIX.length) : '';
  if (!/^\d{12}$/.test(accountId) || reader.userName !== readerUserName(accountId)) {
    throw new OnboardingError(ErrorCode.INVALID_INPUT, `Reader identity ${reader.userName} / ${reader.secretName} does not belong to one account.`, {
      details: { userName: reader.userName, secretName: reader.secretName },
    });
  }
  return accountId;
}

export interface RemoveReaderOptions {
  /** Recovery window for a secret this execution created; omitted = delete without recovery. */
  secretRecoveryWindowDays?: number;
}

/**
 * Compensation: removes exactly what the execution that returned `reader` created and nothing
 * that is still in use. The new access key is deleted; a secret that existed before is rolled back
 * to its previous key (when that key still exists); the user and secret are deleted only when this
 * execution created them and nothing else uses them. Idempotent: running it twice is harmless.
 */
export async function removeReaderResources(
  clients: ReaderClients,
  reader: ReaderIdentity,
  options: RemoveReaderOptions = {},
): Promise<CleanupSummary> {
  const { iam, secretsManager } = clients;
  const accountId = accountIdOf(reader);
  const { userName, accessKeyId, secretName } = reader;
  const summary: CleanupSummary = { deletedAccessKeys: [], deletedUser: false, deletedSecret: false, kept: [] };

  if (reader.created.accessKey) {
    if (!reader.created.secret) {
      const outcome = await restorePreviousAccessKey(secretsManager, accountId, accessKeyId, async (previous) =>
        previous !== accessKeyId && (await userHasKey(iam, userName, previous)),
      );
      if (outcome.restored) {
        summary.kept.push(`secret ${secretName}: existed before this execution; rolled back to access key ${outcome.accessKeyId}`);
      } else if (outcome.reason === 'current-is-other-key' || outcome.reason === 'no-secret') {
        summary.kept.push(`secret ${secretName}: existed before this execution; it does not hold access key ${accessKeyId}`);
      } else {
        summary.kept.push(`secret ${secretName}: existed before this execution; no earlier key to roll back to (${outcome.reason})`);
      }
    }
    await deleteAccessKey(iam, userName, accessKeyId);
    summary.deletedAccessKeys.push(accessKeyId);
  } else {
    summary.kept.push(`access key ${accessKeyId}: existed before this execution`);
    if (!reader.created.secret) summary.kept.push(`secret ${secretName}: existed before this execution`);
  }

  if (reader.created.user) {
    const user = await getUser(iam, userName);
    if (user === null) {
      summary.deletedUser = true;
    } else if (!(await isOwnedUser(iam, user, accountId))) {
      // Created by this execution, yet its path or tags were changed since: someone else claims it now.
      summary.kept.push(`user ${userName}: no longer carries this product's path and tags`);
    } else {
      const remaining = (await listAccessKeys(iam, userName)).map((key) => key.AccessKeyId ?? '');
      if (remaining.length > 0) {
        summary.kept.push(`user ${userName}: still has access key(s) ${remaining.join(', ')}`);
      } else {
        summary.deletedUser = await deleteUserIfEmpty(iam, userName);
      }
    }
  } else {
    summary.kept.push(`user ${userName}: existed before this execution`);
  }

  if (reader.created.secret) {
    const heldKeyId = await readAccessKeyId(secretsManager, accountId);
    if (heldKeyId !== null && heldKeyId !== accessKeyId) {
      summary.kept.push(`secret ${secretName}: now holds access key ${heldKeyId}, written by someone else`);
    } else {
      const outcome = await deleteAccountSecret(secretsManager, accountId, secretDeleteOptions(options));
      if (outcome === 'not-owned') summary.kept.push(`secret ${secretName}: no longer tagged as owned by ${OWNER_MARKER}`);
      else summary.deletedSecret = true;
    }
  }
  return summary;
}

function secretDeleteOptions(options: RemoveReaderOptions): DeleteAccountSecretOptions {
  return options.secretRecoveryWindowDays === undefined ? {} : { recoveryWindowDays: options.secretRecoveryWindowDays };
}

async function userHasKey(iam: IAMClient, userName: string, accessKeyId: string): Promise<boolean> {
  try {
    return (await listAccessKeys(iam, userName)).some((key) => key.AccessKeyId === accessKeyId);
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException')) return false;
    throw error;
  }
}

/**
 * Offboarding primitive: deletes all access keys, the inline policies and the user, and the
 * account's secret (with the given recovery window). Call it only after Director no longer uses
 * the key (its log source was deleted). A user or secret that is not ours is kept and reported.
 */
export async function offboardReader(
  clients: ReaderClients,
  request: { accountId: string; secretRecoveryWindowDays?: number },
): Promise<CleanupSummary> {
  const { iam, secretsManager } = clients;
  const { accountId } = request;
  const userName = readerUserName(accountId);
  const summary: CleanupSummary = { deletedAccessKeys: [], deletedUser: false, deletedSecret: false, kept: [] };
  const user = await getUser(iam, userName);
  if (user === null) {
    summary.deletedUser = true;
  } else {
    if (await isOwnedUser(iam, user, accountId)) {
      for (const key of await listAccessKeys(iam, userName)) {
        const keyId = key.AccessKeyId ?? '';
        await deleteAccessKey(iam, userName, keyId);
        summary.deletedAccessKeys.push(keyId);
      }
      summary.deletedUser = await deleteUserIfEmpty(iam, userName);
    } else {
      summary.kept.push(`user ${userName}: not owned by ${OWNER_MARKER}`);
    }
  }
  const outcome = await deleteAccountSecret(
    secretsManager,
    accountId,
    request.secretRecoveryWindowDays === undefined ? {} : { recoveryWindowDays: request.secretRecoveryWindowDays },
  );
  if (outcome === 'not-owned') summary.kept.push(`secret ${accountSecretName(accountId)}: not owned by ${OWNER_MARKER}`);
  else summary.deletedSecret = true;
  return summary;
}
