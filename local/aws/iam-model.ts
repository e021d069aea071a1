import type { IamTag } from './iam-errors.js';
import type { PolicyDocument } from './policy-evaluator.js';

/** The IAM fake's options, stored records and the secret-free views it hands to tests and the sandbox. */

/** IamStore's configuration (not part of its exported state). */
export interface IamStoreOptions {
  accountId: string;
  /** How long a new access key is refused by S3 (IAM is eventually consistent). */
  propagationDelayMs: number;
  /** Milliseconds since the epoch. */
  clock: () => number;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export type CredentialCheck =
  { ok: true; userName: string; userArn: string } | { ok: false; reason: 'UnknownAccessKey' | 'InactiveAccessKey' | 'NotYetPropagated' | 'SignatureMismatch' };

/** Secret-free views for tests and the sandbox summary. */
export interface IamUserView {
  userName: string;
  path: string;
  arn: string;
  userId: string;
  tags: Record<string, string>;
  policyNames: string[];
  permissionsBoundary: string | null;
}
export interface IamAccessKeyView {
  userName: string;
  accessKeyId: string;
  status: AccessKeyStatus;
  createDate: Date;
}
export interface IamPolicyView {
  userName: string;
  policyName: string;
  document: PolicyDocument;
}

export interface UserRecord {
  userName: string;
  path: string;
  userId: string;
  arn: string;
  createDate: Date;
  tags: IamTag[];
  policies: Map<string, string>;
  /** ARN of the managed policy set as the user's permissions boundary. */
  permissionsBoundary?: string | undefined;
}
export interface KeyRecord {
  userName: string;
  accessKeyId: string;
  secretAccessKey: string;
  status: AccessKeyStatus;
  createDate: Date;
  lastUsed?: { date: Date; serviceName: string; region: string };
}
