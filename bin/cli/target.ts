import type { IAMClient } from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import type { DirectorClient } from '../../lambda/director/index.js';
import type { PreflightCheck } from '../../lambda/preflight/report.js';
import type { RegistryItem } from '../../lambda/registry/registry-items.js';
import * as z from 'zod';
import type { StartedExecution } from '../../lambda/triggers/start-workflow.js';

/** How a run ended, or that it still runs: Step Functions' execution statuses. */
type RunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** One run of a workflow as the CLI shows it. Never a secret: Step Functions' state holds none. */
export interface RunView {
  /** `onboard`, `offboard` (the starter's names of the workflows), or `rotate`. */
  workflow: string;
  executionName: string;
  executionArn: string;
  status: RunStatus;
  /** The state it entered last (while it runs: where it is). */
  currentState?: string;
  startDate: string;
  stopDate?: string;
  error?: string;
  cause?: string;
}

/** A run and the account (or organization) it was for. */
export type AccountRun = RunView & { accountId: string };

/** An operator's input to the starter function (lambda/triggers/manual-start.ts). */
export interface ManualStart {
  action: 'onboard' | 'offboard';
  accountId: string;
  /** Names the run: the same key for the same account starts one execution. */
  idempotencyKey: string;
  trigger: string;
}

/** A key rotation started now, as Secrets Manager's schedule would start it. */
interface RotationStart {
  secretName: string;
  /** The rotation's token: the new secret version's id, and the registry's `lastRotateRunId`. */
  token: string;
}

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
  /** KMS in a region, with the caller's identity (the sandbox: its one KMS). */
  kms(region: string): KMSClient;
  /** The account the stack, and so the reader users, live in. */
  accountId: string;
  /** The subject a deployment onboards (the configured account, or the organization). */
  defaultSubject: string;
  /** Checks only this target has (a deployed stack: its status, roles and alarms). */
  targetChecks?: () => Promise<PreflightCheck[]>;
  /** Invokes the product's starter function; answers once the run has started (or names the run that holds the account). */
  start(request: ManualStart): Promise<StartedExecution>;
  /** Where a run stands now. */
  describeRun(executionArn: string): Promise<RunView>;
  /** The onboarding and offboarding runs the target knows, with the account each was for, oldest first. */
  runs(): Promise<AccountRun[]>;
  /** The account registry, in account order. */
  registry(): Promise<RegistryItem[]>;
  /** Starts a rotation of the account's secret now (RotateSecret). */
  rotate(accountId: string): Promise<RotationStart>;
  /**
   * True when runs execute inside this process (the sandbox): they cannot outlive the command, so
   * a command that starts runs waits for them even without `--wait`.
   */
  runsInProcess: boolean;
  close(): Promise<void>;
}

/** The starter's answer to a manual start, checked the same way on both targets before a command trusts it. */
export const startedExecutionSchema = z.looseObject({
  status: z.enum(['STARTED', 'ALREADY_STARTED', 'ALREADY_RUNNING']),
  kind: z.enum(['onboard', 'offboard']),
  accountId: z.string(),
  executionName: z.string(),
  executionArn: z.string(),
}) satisfies z.ZodType<StartedExecution>;

/** A mistake on the command line or in a file it names: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
