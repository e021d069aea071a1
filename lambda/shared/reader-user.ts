import {
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetUserCommand,
  paginateListAccessKeys,
  paginateListUserPolicies,
  paginateListUserTags,
} from '@aws-sdk/client-iam';
import type { AccessKeyMetadata, IAMClient, User } from '@aws-sdk/client-iam';
import { ErrorCode } from '../contract/error-codes.js';
import { OWNER_MARKER, READER_USER_PATH, TagKey, readerUserName } from '../contract/names.js';
import { OnboardingError } from './errors.js';
import { isAwsError, isOwnedBy, tagsToRecord } from './ownership.js';

/**
 * The one access layer to the IAM reader user of an account (`/logpoint/cloudtrail-reader-<account>`):
 * reading it, proving it is this product's, listing and deleting its keys and policies. Provisioning,
 * rotation, compensation and offboarding all go through here, so "is this user ours?" and "an entity
 * that is already gone counts as done" are decided in one place.
 */

/** The user, or null when it does not exist. */
export async function getReaderUser(iam: IAMClient, userName: string): Promise<User | null> {
  try {
    return (await iam.send(new GetUserCommand({ UserName: userName }))).User ?? null;
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException')) return null;
    throw error;
  }
}

/** The user's tags: from GetUser when it carried them, else every page of ListUserTags. */
async function userTags(iam: IAMClient, user: User): Promise<Record<string, string>> {
  if (user.Tags !== undefined && user.Tags.length > 0) return tagsToRecord(user.Tags);
  const tags: Record<string, string> = {};
  for await (const page of paginateListUserTags({ client: iam }, { UserName: user.UserName })) Object.assign(tags, tagsToRecord(page.Tags));
  return tags;
}

/** A user of our name is only ours with our path and both ownership tags; anything else fails with NOT_OWNED. */
export async function assertOwnedReaderUser(iam: IAMClient, user: User, accountId: string): Promise<void> {
  const userName = user.UserName ?? readerUserName(accountId);
  if (user.Path !== READER_USER_PATH) {
    throw new OnboardingError(
      ErrorCode.NOT_OWNED,
      `IAM user ${userName} exists with path ${user.Path ?? '(none)'} instead of ${READER_USER_PATH}; it was not created by ${OWNER_MARKER}. ` +
        'It is left untouched: remove or rename it, then re-run.',
      { details: { userName, path: user.Path ?? null } },
    );
  }
  if (!isOwnedBy(await userTags(iam, user), accountId)) {
    throw new OnboardingError(
      ErrorCode.NOT_OWNED,
      `IAM user ${userName} exists but is not tagged ${TagKey.managedBy}=${OWNER_MARKER} and ${TagKey.accountId}=${accountId}; ` +
        'it is left untouched. Remove it, or tag it if it really belongs to this product, then re-run.',
      { details: { userName, path: user.Path ?? null } },
    );
  }
}

export async function isOwnedReaderUser(iam: IAMClient, user: User, accountId: string): Promise<boolean> {
  try {
    await assertOwnedReaderUser(iam, user, accountId);
    return true;
  } catch (error) {
    if (error instanceof OnboardingError && error.code === ErrorCode.NOT_OWNED) return false;
    throw error;
  }
}

export function requireUserArn(user: User, userName: string): string {
  if (!user.Arn) throw new OnboardingError(ErrorCode.READER_PROVISIONING_FAILED, `IAM returned no ARN for user ${userName}.`);
  return user.Arn;
}

/**
 * The account's reader user when it exists and is this product's (path and tags), else null.
 * A user of that name that is not ours fails with NOT_OWNED.
 */
export async function findOwnedReaderUser(iam: IAMClient, accountId: string): Promise<{ userName: string; userArn: string } | null> {
  const userName = readerUserName(accountId);
  const user = await getReaderUser(iam, userName);
  if (user === null) return null;
  await assertOwnedReaderUser(iam, user, accountId);
  return { userName, userArn: requireUserArn(user, userName) };
}

/** Every access key of the user (any status), all pages. */
export async function listAccessKeys(iam: IAMClient, userName: string): Promise<AccessKeyMetadata[]> {
  const keys: AccessKeyMetadata[] = [];
  for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) keys.push(...(page.AccessKeyMetadata ?? []));
  return keys;
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

/** Every inline policy name of the user, all pages. */
export async function listInlinePolicyNames(iam: IAMClient, userName: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListUserPolicies({ client: iam }, { UserName: userName })) names.push(...(page.PolicyNames ?? []));
  return names;
}

/** Runs an IAM delete: true when it deleted something, false when the entity was already gone. */
async function deleteIgnoringMissing(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException')) return false;
    throw error;
  }
}

/** Deletes one access key of a reader user: true when deleted, false when the key (or user) was already gone. */
export function deleteReaderAccessKey(iam: IAMClient, userName: string, accessKeyId: string): Promise<boolean> {
  return deleteIgnoringMissing(() => iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId })));
}

/** Deletes one inline policy of a reader user: true when deleted, false when it was already gone. */
export function deleteReaderPolicy(iam: IAMClient, userName: string, policyName: string): Promise<boolean> {
  return deleteIgnoringMissing(() => iam.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: policyName })));
}

/** Deletes the user (its keys and policies must be gone): true when deleted, false when already gone. */
export function deleteReaderUser(iam: IAMClient, userName: string): Promise<boolean> {
  return deleteIgnoringMissing(() => iam.send(new DeleteUserCommand({ UserName: userName })));
}

/** Deletes the user's inline policies and the user, unless it still has access keys. True when the user is gone. */
export async function deleteUserIfKeyless(iam: IAMClient, userName: string): Promise<boolean> {
  let keys: AccessKeyMetadata[];
  try {
    keys = await listAccessKeys(iam, userName);
  } catch (error) {
    if (isAwsError(error, 'NoSuchEntityException')) return true;
    throw error;
  }
  if (keys.length > 0) return false;
  try {
    for (const policyName of await listInlinePolicyNames(iam, userName)) await deleteReaderPolicy(iam, userName, policyName);
  } catch (error) {
    if (!isAwsError(error, 'NoSuchEntityException')) throw error;
    return true;
  }
  await deleteReaderUser(iam, userName);
  return true;
}
