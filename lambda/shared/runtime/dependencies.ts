import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSecretsManagerDirectorCredentials } from '../../director/secrets-manager-credentials.js';
import { DirectorClient, type DirectorLogger, type RetryPolicy } from '../../director/index.js';
import type { DirectorRequestBudget } from '../../director/request-budget.js';
import { createDirectorRequestBudget } from '../../governance/governor.js';
import { OnboardingError } from '../errors.js';
import { ErrorCode } from '../../contract/error-codes.js';
import type { RuntimeSettings } from '../../contract/runtime-settings.js';
import { loadRuntimeSettings } from './settings.js';
import { EnvName } from '../../contract/env-names.js';
import { logger } from './lambda-handler.js';
import { rotationSettingsFromEnv, type EnableRotationOptions } from '../../rotation/enable-rotation.js';

interface ReaderCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Everything a step needs from the outside world. Handlers receive it through a factory, so the
 * same handler code runs on Lambda (real SDK clients) and in the local sandbox (stand-ins).
 */
export interface WorkflowDependencies {
  settings: RuntimeSettings;
  iam: IAMClient;
  secretsManager: SecretsManagerClient;
  /** S3 with the function's own role, for inspecting the trail bucket. */
  s3: S3Client;
  /** S3 with a reader user's key, for proving that key works. */
  s3ForCredentials: (credentials: ReaderCredentials, region: string) => S3Client;
  /** The Director client, built on first use (only the Director steps need it). */
  director: () => DirectorClient;
  /** The permissions boundary of reader users (set on ProvisionReader only); null elsewhere. */
  readerPermissionsBoundaryArn: string | null;
  /** Where scheduled rotation of account secrets is switched on; null when it is not deployed. */
  rotation: EnableRotationOptions | null;
  /** DynamoDB, for the per-account lock (lambda/locking/). */
  dynamo: DynamoDBClient;
  /** The account lock table (set on the functions granted the lock only); null elsewhere. */
  accountLockTable: string | null;
  /** The account registry table (set on the functions that record accounts only); null elsewhere. */
  accountRegistryTable: string | null;
  /** Step Functions, to tell whether the run holding an account's lock still runs (AcquireLock). */
  sfn: SFNClient;
  /** AWS Organizations, for the fleet run's account listing (in the management or a delegated administrator account). */
  organizations: OrganizationsClient;
  now: () => Date;
}

export type DependenciesProvider = () => WorkflowDependencies;

/** The Director client for the configured pool and logpoint, its token kept in the operator's secret. */
export function createDirectorClient(
  settings: RuntimeSettings['director'],
  secretsManager: SecretsManagerClient,
  options: { caBundle?: string; logger?: DirectorLogger; retry?: Partial<RetryPolicy>; budget?: DirectorRequestBudget } = {},
): DirectorClient {
  return new DirectorClient({
    baseUrl: settings.baseUrl,
    poolUuid: settings.poolUuid,
    logpointId: settings.logpointId,
    timeoutMs: settings.requestTimeoutMs,
    credentials: createSecretsManagerDirectorCredentials(secretsManager, settings.credentialSecretId),
    ...(options.caBundle === undefined ? {} : { caBundle: options.caBundle }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.budget === undefined ? {} : { budget: options.budget }),
  });
}

/**
 * The request budget every Director caller shares when `director.maxRequestsPerSecond` is set:
 * kept in the account lock table, whose name the construct gives each Director-calling function.
 */
export function directorRequestBudget(
  settings: RuntimeSettings['director'],
  dynamo: DynamoDBClient,
  lockTable: string | null,
): DirectorRequestBudget | undefined {
  if (settings.maxRequestsPerSecond === undefined) return undefined;
  if (lockTable === null) {
    throw new OnboardingError(
      ErrorCode.CONFIG_INVALID,
      'director.maxRequestsPerSecond is set, but this function was deployed without the account lock table that holds the budget.',
    );
  }
  return createDirectorRequestBudget(dynamo, { tableName: lockTable, maxRequestsPerSecond: settings.maxRequestsPerSecond });
}

/** The Director client's log lines, through the step's structured logger. */
export const directorLogger: DirectorLogger = {
  debug: (message, attributes) => logger.debug(message, attributes ?? {}),
  info: (message, attributes) => logger.info(message, attributes ?? {}),
  warn: (message, attributes) => logger.warn(message, attributes ?? {}),
};

let awsCache: WorkflowDependencies | undefined;

/** Real SDK clients, built on first use and reused across invocations of a warm container. */
export const awsDependencies: DependenciesProvider = () => {
  if (awsCache) return awsCache;
  const settings = loadRuntimeSettings();
  const secretsManager = new SecretsManagerClient({});
  const dynamo = new DynamoDBClient({});
  const accountLockTable = process.env[EnvName.ACCOUNT_LOCK_TABLE] || null;
  let director: DirectorClient | undefined;
  awsCache = {
    settings,
    iam: new IAMClient({}),
    secretsManager,
    s3: new S3Client({ followRegionRedirects: true }),
    s3ForCredentials: (credentials, region) => new S3Client({ region, credentials }),
    // A private-CA Director is trusted through NODE_EXTRA_CA_CERTS, set by the construct.
    director: () => {
      if (director) return director;
      const budget = directorRequestBudget(settings.director, dynamo, accountLockTable);
      director = createDirectorClient(settings.director, secretsManager, { logger: directorLogger, ...(budget === undefined ? {} : { budget }) });
      return director;
    },
    readerPermissionsBoundaryArn: process.env[EnvName.READER_PERMISSIONS_BOUNDARY_ARN] || null,
    rotation: rotationSettingsFromEnv(process.env),
    dynamo,
    accountLockTable,
    accountRegistryTable: process.env[EnvName.ACCOUNT_REGISTRY_TABLE] || null,
    sfn: new SFNClient({}),
    organizations: new OrganizationsClient({}),
    now: () => new Date(),
  };
  return awsCache;
};
