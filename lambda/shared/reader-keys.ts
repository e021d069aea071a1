import { CreateAccessKeyCommand, GetAccessKeyLastUsedCommand } from '@aws-sdk/client-iam';
import type { AccessKeyMetadata, IAMClient } from '@aws-sdk/client-iam';
import { ErrorCode } from '../contract/error-codes.js';
import { OnboardingError } from './errors.js';
import { describeAwsError, isAwsError } from './ownership.js';
import { deleteReaderAccessKey, listAccessKeys } from './reader-user.js';

/**
 * Creating a reader key without ever holding more than IAM's two keys per user. Provisioning and
 * key rotation both create keys this way. When both slots are taken, only a key that is provably
 * idle is deleted: never one the account secret holds, and only an Inactive or never-used one.
 * "Never used" relies on GetAccessKeyLastUsed, which AWS updates with some delay; a key that is not
 * in the secret is not one this product gives to Director, so at worst a key that was handed out
 * by hand is removed before its first use.
 */

const IAM_KEY_LIMIT = 2;

export interface CreateAccessKeyWithinLimitRequest {
  userName: string;
  /** Keys that must survive whatever happens: the one the account secret holds (AWSCURRENT). */
  protectedAccessKeyIds: readonly string[];
  /** Named in messages: where the protected key lives. */
  secretName: string;
}

/**
 * Creates an access key, first deleting a provably idle key when the user is at the limit, else
 * failing with ACCESS_KEY_LIMIT. The secret half of the returned pair must go straight into the
 * account secret.
 */
export async function createAccessKeyWithinLimit(
  iam: IAMClient,
  request: CreateAccessKeyWithinLimitRequest,
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  await makeRoomForNewKey(iam, request.userName, request.protectedAccessKeyIds, request.secretName);
  return createAccessKey(iam, request.userName);
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
    await deleteReaderAccessKey(iam, userName, key.accessKeyId);
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
