import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import type { DirectorClient } from '../../lambda/director/index.js';
import type { PreflightCheck } from '../../lambda/preflight/report.js';

/** What a command works against: the product's settings, Director and the trail bucket, as the deployed functions see them. */
export interface Target {
  name: 'sandbox' | 'aws';
  settings: RuntimeSettings;
  director: DirectorClient;
  /** S3 with the caller's identity (the sandbox: the product's). */
  s3: S3Client;
  iam: IAMClient;
  secretsManager: SecretsManagerClient;
  organizations: OrganizationsClient;
  /** The subject a deployment onboards (the configured account, or the organization). */
  defaultSubject: string;
  /** Checks only this target has (a deployed stack: its status, roles and alarms). */
  targetChecks?: () => Promise<PreflightCheck[]>;
  close(): Promise<void>;
}

/** A mistake on the command line or in a file it names: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
