import type { AwsSandbox } from '../aws/index.js';
import type { IamAccessKeyView, IamPolicyView, IamUserView } from '../aws/iam-model.js';
import type { EmulatedBucket } from '../aws/s3-permissions.js';
import type { SecretView } from '../aws/secret-record.js';

/**
 * What the simulated account holds at one moment, as IAM would see it when it authorizes a call:
 * the users (ARN with path, tags, permissions boundary), whose key is which, the users' inline
 * policies, the secrets (ARN, tags, rotation function) and the buckets (region, encryption).
 * Names, ARNs, tags and policies only: never a secret value or a secret access key.
 */
export interface AccountState {
  users: IamUserView[];
  accessKeys: Pick<IamAccessKeyView, 'accessKeyId' | 'userName' | 'status'>[];
  userPolicies: IamPolicyView[];
  secrets: Omit<SecretView, 'versions'>[];
  buckets: EmulatedBucket[];
}

/** Reads the fakes' secret-free views of the account now; the call log takes one per call. */
export function accountStateOf(aws: AwsSandbox): AccountState {
  const { iam, secretsManager, s3 } = aws.fakes;
  return {
    users: iam.users(),
    accessKeys: iam.accessKeys().map(({ accessKeyId, userName, status }) => ({ accessKeyId, userName, status })),
    userPolicies: iam.policies(),
    secrets: secretsManager.secrets().map(({ versions: _versions, ...secret }) => secret),
    buckets: s3.buckets(),
  };
}
