import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import type { DescribeSecretCommandOutput, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { OnboardingError } from './errors.js';
import { describeAwsError, isAwsError, isOwnedBy, mergeTags, redactSecrets, tagsToRecord } from './ownership.js';
import { invalidSecret, readSecretJsonObject } from './secret-json.js';
import type { SecretJsonErrors } from './secret-json.js';
import { ErrorCode } from '../contract/error-codes.js';
import { accountSecretName, OWNER_MARKER, TagKey } from '../contract/names.js';
import { throwIfTransient } from './aws-transient.js';

/**
 * The per-account Secrets Manager record `logpoint/cloudtrail/<account>`: the reader's access key
 * pair as `{"accessKeyId","secretAccessKey"}` plus tags that say what this product owns for that
 * account. Secrets Manager keeps the value written before the last one as `AWSPREVIOUS`, which is
 * what {@link restorePreviousAccessKey} rolls back to when an onboarding is compensated.
 *
 * The secret value never leaves this module except through {@link readAccessKey}, and never
 * appears in an error message.
 */

/** Secrets Manager's staging labels. */
export const VersionStage = { CURRENT: 'AWSCURRENT', PREVIOUS: 'AWSPREVIOUS', PENDING: 'AWSPENDING' } as const;
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;

export interface AccessKeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface WriteAccessKeyRequest extends AccessKeyPair {
  accountId: string;
  /** Recorded in the `logpoint:reader-user` tag. */
  userName: string;
  /** KMS key for the secret; the account's `aws/secretsmanager` key when omitted. */
  kmsKeyId?: string;
  /** Extra tags (keys starting with `logpoint:` are ignored: those are this product's own). */
  tags?: Record<string, string>;
}

export interface SecretWriteResult {
  secretName: string;
  secretArn: string;
  /** True when this call created the secret (it did not exist, not even scheduled for deletion). */
  created: boolean;
  /** True when the secret was scheduled for deletion and this call restored it. */
  restored: boolean;
  /** The version that now carries AWSCURRENT. */
  versionId: string;
}

export interface AccountSecretDescription {
  secretName: string;
  secretArn: string;
  tags: Record<string, string>;
  /** Tagged as this product's secret for this account. */
  owned: boolean;
  scheduledForDeletion: boolean;
  kmsKeyId: string | null;
  currentVersionId: string | null;
  previousVersionId: string | null;
  /** The version labelled AWSPENDING (during a rotation; it may equal currentVersionId afterwards). */
  pendingVersionId: string | null;
  /** Every labelled version and its staging labels, as DescribeSecret lists them. */
  versionStages: Record<string, string[]>;
  rotation: AccountSecretRotation;
}

interface AccountSecretRotation {
  enabled: boolean;
  lambdaArn: string | null;
  automaticallyAfterDays: number | null;
  scheduleExpression: string | null;
}

/** The secret's metadata, or null when no such secret exists. Never reads the value. */
export async function describeAccountSecret(sm: SecretsManagerClient, accountId: string): Promise<AccountSecretDescription | null> {
  const secretName = accountSecretName(accountId);
  let output: DescribeSecretCommandOutput;
  try {
    output = await sm.send(new DescribeSecretCommand({ SecretId: secretName }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return null;
    throw error;
  }
  const tags = tagsToRecord(output.Tags);
  const stages = Object.entries(output.VersionIdsToStages ?? {});
  const versionWith = (stage: string): string | null => stages.find(([, labels]) => labels.includes(stage))?.[0] ?? null;
  return {
    secretName: output.Name ?? secretName,
    secretArn: output.ARN ?? secretName,
    tags,
    owned: isOwnedBy(tags, accountId),
    scheduledForDeletion: output.DeletedDate !== undefined,
    kmsKeyId: output.KmsKeyId ?? null,
    currentVersionId: versionWith(VersionStage.CURRENT),
    previousVersionId: versionWith(VersionStage.PREVIOUS),
    pendingVersionId: versionWith(VersionStage.PENDING),
    versionStages: Object.fromEntries(stages.map(([versionId, labels]) => [versionId, [...labels]])),
    rotation: {
      enabled: output.RotationEnabled === true,
      lambdaArn: output.RotationLambdaARN ?? null,
      automaticallyAfterDays: output.RotationRules?.AutomaticallyAfterDays ?? null,
      scheduleExpression: output.RotationRules?.ScheduleExpression ?? null,
    },
  };
}

/** The one NOT_OWNED error for an account secret without this product's tags for the account. */
export function secretNotOwned(secretName: string, accountId: string): OnboardingError {
  return new OnboardingError(
    ErrorCode.NOT_OWNED,
    `Secret ${secretName} exists but is not tagged ${TagKey.managedBy}=${OWNER_MARKER} and ` +
      `${TagKey.accountId}=${accountId}; refusing to change or delete it. Delete or rename it, or tag it if it really belongs to this product.`,
    { details: { secretName } },
  );
}

/**
 * Writes the key pair as the secret's AWSCURRENT value: creates the secret (tagged as ours) or puts
 * a new version into the existing one, restoring it first if it is scheduled for deletion. The
 * version written before becomes AWSPREVIOUS. A secret of the same name that is not ours fails
 * with NOT_OWNED and is left untouched.
 */
export async function writeAccessKey(sm: SecretsManagerClient, request: WriteAccessKeyRequest): Promise<SecretWriteResult> {
  const { accountId, userName, accessKeyId, secretAccessKey } = request;
  const secretName = accountSecretName(accountId);
  const secretString = JSON.stringify({ accessKeyId, secretAccessKey });
  try {
    let existing = await describeAccountSecret(sm, accountId);
    if (existing === null) {
      try {
        const created = await sm.send(
          new CreateSecretCommand({
            Name: secretName,
            Description: `Access key of the Logpoint CloudTrail reader for AWS account ${accountId}. Managed by ${OWNER_MARKER}.`,
            SecretString: secretString,
            KmsKeyId: request.kmsKeyId,
            Tags: mergeTags(accountId, request.tags, [{ Key: TagKey.readerUser, Value: userName }]),
          }),
        );
        return {
          secretName,
          secretArn: created.ARN ?? secretName,
          created: true,
          restored: false,
          versionId: created.VersionId ?? '',
        };
      } catch (error) {
        // Someone created it between our describe and create: carry on with the existing one.
        if (!isAwsError(error, 'ResourceExistsException')) throw error;
        existing = await describeAccountSecret(sm, accountId);
        if (existing === null) throw error;
      }
    }
    if (!existing.owned) throw secretNotOwned(existing.secretName, accountId);
    let restored = false;
    if (existing.scheduledForDeletion) {
      await sm.send(new RestoreSecretCommand({ SecretId: existing.secretArn }));
      restored = true;
    }
    if (request.kmsKeyId !== undefined && request.kmsKeyId !== existing.kmsKeyId) {
      await sm.send(new UpdateSecretCommand({ SecretId: existing.secretArn, KmsKeyId: request.kmsKeyId }));
    }
    const put = await sm.send(new PutSecretValueCommand({ SecretId: existing.secretArn, SecretString: secretString }));
    if (existing.tags[TagKey.readerUser] !== userName) {
      await sm.send(new TagResourceCommand({ SecretId: existing.secretArn, Tags: [{ Key: TagKey.readerUser, Value: userName }] }));
    }
    return { secretName, secretArn: existing.secretArn, created: false, restored, versionId: put.VersionId ?? '' };
  } catch (error) {
    if (error instanceof OnboardingError) throw error;
    throwIfTransient(error, `Writing secret ${secretName}`);
    // No `cause`: the SDK error is not ours to vouch for, and a logger may print the whole chain.
    const message = error instanceof Error ? redactSecrets(error.message, [secretAccessKey, secretString]) : '';
    throw new OnboardingError(
      ErrorCode.READER_PROVISIONING_FAILED,
      `Could not write the access key into secret ${secretName}: ${describeAwsError(error)}${message ? ` — ${message}` : ''}`,
      { details: { secretName, awsError: describeAwsError(error) } },
    );
  }
}

export interface ReadAccessKeyOptions {
  /** Which version to read; AWSCURRENT by default. */
  versionStage?: string;
  versionId?: string;
}

/** Reads the key pair. Missing (or scheduled for deletion) → SECRET_NOT_FOUND; not our JSON → SECRET_INVALID. */
export async function readAccessKey(sm: SecretsManagerClient, accountId: string, options: ReadAccessKeyOptions = {}): Promise<AccessKeyPair> {
  const secretName = accountSecretName(accountId);
  const errors: SecretJsonErrors = {
    details: { secretName },
    notFoundMessage: (awsError) =>
      `Secret ${secretName}${options.versionStage ? ` (${options.versionStage})` : ''} does not exist or is scheduled for deletion (${awsError}).`,
    invalidMessage: (why) => `Secret ${secretName} ${why}; expected {"accessKeyId","secretAccessKey"} JSON.`,
  };
  const document = await readSecretJsonObject(
    sm,
    {
      SecretId: secretName,
      ...(options.versionId === undefined ? { VersionStage: options.versionStage ?? VersionStage.CURRENT } : { VersionId: options.versionId }),
    },
    errors,
  );
  const { accessKeyId, secretAccessKey } = document;
  if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID.test(accessKeyId)) throw invalidSecret(errors, 'has no valid accessKeyId');
  if (typeof secretAccessKey !== 'string' || secretAccessKey.length === 0) throw invalidSecret(errors, 'has no secretAccessKey');
  return { accessKeyId, secretAccessKey };
}

/**
 * Only the access key id the secret holds (the value's secret part is dropped at once), or null
 * when there is no readable key: no secret, scheduled for deletion, or not our JSON.
 */
export async function readAccessKeyId(sm: SecretsManagerClient, accountId: string, options: ReadAccessKeyOptions = {}): Promise<string | null> {
  try {
    return (await readAccessKey(sm, accountId, options)).accessKeyId;
  } catch (error) {
    if (error instanceof OnboardingError && (error.code === ErrorCode.SECRET_NOT_FOUND || error.code === ErrorCode.SECRET_INVALID)) return null;
    throw error;
  }
}

export interface DeleteAccountSecretOptions {
  /** 7-30 days during which the secret can be restored; omitted = delete without recovery. */
  recoveryWindowDays?: number;
}

export type DeleteAccountSecretOutcome = 'deleted' | 'absent' | 'not-owned';

/** Deletes the account's secret if it is ours; a missing secret (or one already scheduled) is `absent`. */
export async function deleteAccountSecret(
  sm: SecretsManagerClient,
  accountId: string,
  options: DeleteAccountSecretOptions = {},
): Promise<DeleteAccountSecretOutcome> {
  const description = await describeAccountSecret(sm, accountId);
  if (description === null || description.scheduledForDeletion) return 'absent';
  if (!description.owned) return 'not-owned';
  try {
    await sm.send(
      new DeleteSecretCommand({
        SecretId: description.secretArn,
        ...(options.recoveryWindowDays === undefined ? { ForceDeleteWithoutRecovery: true } : { RecoveryWindowInDays: options.recoveryWindowDays }),
      }),
    );
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return 'absent';
    throw error;
  }
  return 'deleted';
}
