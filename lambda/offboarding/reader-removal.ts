import type { IAMClient } from '@aws-sdk/client-iam';
import { ErrorCode } from '../contract/error-codes.js';
import { readerUserName } from '../contract/names.js';
import { OnboardingError } from '../shared/errors.js';
import { isAwsError } from '../shared/ownership.js';
import {
  assertOwnedReaderUser,
  deleteReaderAccessKey,
  deleteReaderPolicy,
  deleteReaderUser,
  getReaderUser,
  listInlinePolicyNames,
  listReaderAccessKeyIds,
} from '../shared/reader-user.js';
import type { ReaderRemoval } from './workflow-contract.js';

/**
 * Deletes every access key, every inline policy and then the reader user, if the user is ours.
 * A missing user (or one that disappears meanwhile) is fine; a foreign one fails with NOT_OWNED
 * before anything is deleted. Call only after Director stopped using the key.
 */
export async function removeReaderUser(iam: IAMClient, accountId: string): Promise<ReaderRemoval> {
  const userName = readerUserName(accountId);
  const removal: ReaderRemoval = { userName, userFound: false, deletedAccessKeys: [], deletedPolicies: [], deletedUser: false };
  const user = await getReaderUser(iam, userName);
  if (user === null) return removal;
  removal.userFound = true;
  await assertOwnedReaderUser(iam, user, accountId);

  // A second pass covers a key or policy added meanwhile (a rotation or onboarding running at the same time).
  for (let pass = 1; ; pass += 1) {
    for (const accessKeyId of await listReaderAccessKeyIds(iam, userName)) {
      if (await deleteReaderAccessKey(iam, userName, accessKeyId)) {
        removal.deletedAccessKeys.push(accessKeyId);
      }
    }
    for (const policyName of await listInlinePolicyNames(iam, userName)) {
      if (await deleteReaderPolicy(iam, userName, policyName)) {
        removal.deletedPolicies.push(policyName);
      }
    }
    try {
      removal.deletedUser = await deleteReaderUser(iam, userName);
      return removal;
    } catch (error) {
      if (!isAwsError(error, 'DeleteConflictException')) throw error;
      if (pass >= 2) throw foreignAttachments(userName, removal);
    }
  }
}

/** Only access keys and inline policies are ours; whatever else still blocks DeleteUser was added by someone else. */
function foreignAttachments(userName: string, removal: ReaderRemoval): OnboardingError {
  return new OnboardingError(
    ErrorCode.NOT_OWNED,
    `IAM user ${userName} still has something this product did not create (a managed policy, group membership, console ` +
      `password, MFA device, certificate or SSH key), so it cannot be deleted; its access keys and inline policy are removed. ` +
      'Remove the rest by hand, then re-run the offboarding.',
    { details: { userName, deletedAccessKeys: removal.deletedAccessKeys, deletedPolicies: removal.deletedPolicies } },
  );
}
