import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DirectorClient, DirectorLogger } from '../director/index.js';
import type { AccessKeyPair } from '../shared/account-secret.js';
import type { RuntimeSettings } from '../contract/runtime-settings.js';

/**
 * What the key rotation takes and gives: the four steps Secrets Manager names, the waits, the
 * clients a step works with, and its secret-free results.
 */

export const RotationStep = {
  CreateSecret: 'createSecret',
  SetSecret: 'setSecret',
  TestSecret: 'testSecret',
  FinishSecret: 'finishSecret',
} as const;
export type RotationStep = (typeof RotationStep)[keyof typeof RotationStep];
export const ROTATION_STEPS: readonly RotationStep[] = Object.values(RotationStep);

export interface RotationTimeouts {
  /** Longest wait for one Director order (the switch, and again a restoring edit on rollback). */
  orderDeadlineMs: number;
  orderInitialDelayMs: number;
  orderMaxDelayMs: number;
  /** How long testSecret keeps retrying while S3 refuses the new key (IAM propagation). */
  propagationBudgetMs: number;
  propagationInitialDelayMs: number;
  propagationMaxDelayMs: number;
  /**
   * The most testSecret may wait for Director to report a fetch with the new key; the setting
   * `dataFlow.rotationWaitSeconds` applies below it. The handler fits it into the invocation.
   */
  dataPlaneBudgetMs: number;
  dataPlaneInitialDelayMs: number;
  dataPlaneMaxDelayMs: number;
}

export const DEFAULT_ROTATION_TIMEOUTS: RotationTimeouts = {
  orderDeadlineMs: 120_000,
  orderInitialDelayMs: 1_000,
  orderMaxDelayMs: 10_000,
  propagationBudgetMs: 90_000,
  propagationInitialDelayMs: 2_000,
  propagationMaxDelayMs: 15_000,
  dataPlaneBudgetMs: Number.POSITIVE_INFINITY,
  dataPlaneInitialDelayMs: 2_000,
  dataPlaneMaxDelayMs: 15_000,
};

/**
 * What Director reported about the data plane after the switch to the new key (lambda/rotation/data-plane.ts):
 * ONBOARDED once it fetched with it, REGISTERED_NO_DATA_YET when it reported no fetch within the wait.
 */
export interface RotationDataPlane {
  outcome: 'ONBOARDED' | 'REGISTERED_NO_DATA_YET';
  lastLogReceived: string | null;
  fetchStatus: string | null;
}

export interface KeyRotationContext {
  iam: IAMClient;
  secretsManager: SecretsManagerClient;
  eventBridge: EventBridgeClient;
  /** Built on first use: createSecret never talks to Director. */
  director: () => DirectorClient;
  /** S3 with the function's own role, for the trail bucket's facts. */
  s3: S3Client;
  /** S3 signing with a reader key, for proving that key works. */
  s3ForCredentials: (credentials: AccessKeyPair, region: string) => S3Client;
  settings: RuntimeSettings;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  logger?: DirectorLogger;
  timeouts?: Partial<RotationTimeouts>;
  /** Name or ARN of the event bus; the account's default bus when omitted. */
  eventBusName?: string;
}

/** What Secrets Manager sends to a rotation function, minus the step. */
export interface RotationRequest {
  secretId: string;
  clientRequestToken: string;
  /** Sensitive per the Secrets Manager docs: passed through to PutSecretValue, never logged. */
  rotationToken?: string | undefined;
}

export interface RotationStepRequest extends RotationRequest {
  step: RotationStep;
}

type RotationAction = 'created' | 'already-created' | 'director-updated' | 'director-already-updated' | 'verified' | 'promoted' | 'already-current';

/** A step's secret-free outcome; `already-*` means a retry found the work done. */
export interface RotationStepResult {
  step: RotationStep;
  accountId: string;
  secretName: string;
  /** The rotation's ClientRequestToken, i.e. the id of the new secret version. */
  versionId: string;
  action: RotationAction;
  accessKeyId?: string;
  logSourceId?: string;
  orderRequestId?: string;
  objectKey?: string;
  retiredAccessKeyIds?: string[];
  /** testSecret found no pending value (Secrets Manager testing the configuration) and tested the current key. */
  testedCurrentKey?: boolean;
  /** testSecret and finishSecret: what Director reported about fetching with the new key since the switch. */
  dataPlane?: RotationDataPlane;
}

/** What a rollback did; `complete: false` leaves the new key and the AWSPENDING label in place. */
export interface RotationRollback {
  /** `restored`: Director was put back on the AWSCURRENT key; `failed`: that edit did not succeed. */
  director: 'not-needed' | 'restored' | 'failed';
  deletedAccessKeyId: string | null;
  pendingLabelRemoved: boolean;
  complete: boolean;
  problems: string[];
}
