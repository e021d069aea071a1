import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { DirectorClient } from '../../director/index.js';
import { OnboardingError } from '../errors.js';
import { ErrorCode } from '../../contract/error-codes.js';
import type { RuntimeSettings } from '../../contract/runtime-settings.js';
import { loadRuntimeSettings } from './settings.js';
import { EnvName } from '../../contract/env-names.js';
import { rotationSettingsFromEnv, type EnableRotationOptions } from '../../rotation/rotation-settings.js';

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

/**
 * How a function builds each AWS client (and the Director client) its code uses, one module per
 * client under aws-clients/. Each handler lists only its own (`export const awsClients`), so its
 * bundle imports only those SDK packages: a function's cold start loads what it calls and no more.
 * The sandbox holds every handler to its list, so a missing entry fails the workflow tests.
 */
export interface AwsClientFactories {
  iam: () => IAMClient;
  secretsManager: () => SecretsManagerClient;
  s3: () => S3Client;
  s3ForCredentials: WorkflowDependencies['s3ForCredentials'];
  dynamo: () => DynamoDBClient;
  sfn: () => SFNClient;
  organizations: () => OrganizationsClient;
  eventBridge: () => EventBridgeClient;
  director: (
    settings: RuntimeSettings['director'],
    secretsManager: SecretsManagerClient,
    dynamo: () => DynamoDBClient,
    lockTable: string | null,
  ) => DirectorClient;
}

export type AwsClientName = keyof AwsClientFactories;
export const AWS_CLIENT_NAMES: readonly AwsClientName[] = [
  'iam',
  'secretsManager',
  's3',
  's3ForCredentials',
  'dynamo',
  'sfn',
  'organizations',
  'eventBridge',
  'director',
];

/** The error of a function that reaches for a client its handler does not list: a defect, found by the sandbox's tests. */
export function clientNotListed(name: string, functionName: string): OnboardingError {
  return new OnboardingError(
    ErrorCode.INTERNAL,
    `${functionName} uses the ${name} client, which its handler does not list in awsClients; add it there (the bundle then loads its SDK package).`,
  );
}

/**
 * Real SDK clients for one function, from the factories its handler lists: built on first use
 * and reused across invocations of a warm container. The settings and table names come from the
 * environment the construct set.
 */
export function awsDependencies(factories: Partial<AwsClientFactories>): () => WorkflowDependencies & { eventBridge: EventBridgeClient } {
  let built: (WorkflowDependencies & { eventBridge: EventBridgeClient }) | undefined;
  return () => {
    built ??= buildDependencies(factories);
    return built;
  };
}

function buildDependencies(factories: Partial<AwsClientFactories>): WorkflowDependencies & { eventBridge: EventBridgeClient } {
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'This function';
  const clients = new Map<string, unknown>();
  /** The listed client, built once; an unlisted one is a defect. */
  const client = <Name extends Exclude<AwsClientName, 's3ForCredentials' | 'director'>>(name: Name): ReturnType<AwsClientFactories[Name]> => {
    const factory = factories[name];
    if (factory === undefined) throw clientNotListed(name, functionName);
    if (!clients.has(name)) clients.set(name, factory());
    return clients.get(name) as ReturnType<AwsClientFactories[Name]>;
  };
  const settings = loadRuntimeSettings();
  const accountLockTable = process.env[EnvName.ACCOUNT_LOCK_TABLE] || null;
  let director: DirectorClient | undefined;
  return {
    settings,
    get iam() {
      return client('iam');
    },
    get secretsManager() {
      return client('secretsManager');
    },
    get s3() {
      return client('s3');
    },
    s3ForCredentials: (credentials, region) => {
      if (factories.s3ForCredentials === undefined) throw clientNotListed('s3ForCredentials', functionName);
      return factories.s3ForCredentials(credentials, region);
    },
    director: () => {
      if (factories.director === undefined) throw clientNotListed('director', functionName);
      director ??= factories.director(settings.director, client('secretsManager'), () => client('dynamo'), accountLockTable);
      return director;
    },
    readerPermissionsBoundaryArn: process.env[EnvName.READER_PERMISSIONS_BOUNDARY_ARN] || null,
    rotation: rotationSettingsFromEnv(process.env),
    get dynamo() {
      return client('dynamo');
    },
    accountLockTable,
    accountRegistryTable: process.env[EnvName.ACCOUNT_REGISTRY_TABLE] || null,
    get sfn() {
      return client('sfn');
    },
    get organizations() {
      return client('organizations');
    },
    get eventBridge() {
      return client('eventBridge');
    },
    now: () => new Date(),
  };
}
