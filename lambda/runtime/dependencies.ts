import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseRuntimeSettings, type RuntimeSettings } from '../core/runtime-settings.js';
import { EnvName, requireEnv } from './env.js';

export interface ReaderCredentials {
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
  now: () => Date;
}

export type DependenciesProvider = () => WorkflowDependencies;

let settingsCache: RuntimeSettings | undefined;

/** The settings the construct put in the function's environment, parsed once per container. */
export function loadRuntimeSettings(): RuntimeSettings {
  settingsCache ??= parseRuntimeSettings(requireEnv(EnvName.SETTINGS));
  return settingsCache;
}

let awsCache: WorkflowDependencies | undefined;

/** Real SDK clients, built on first use and reused across invocations of a warm container. */
export const awsDependencies: DependenciesProvider = () => {
  awsCache ??= {
    settings: loadRuntimeSettings(),
    iam: new IAMClient({}),
    secretsManager: new SecretsManagerClient({}),
    s3: new S3Client({ followRegionRedirects: true }),
    s3ForCredentials: (credentials, region) => new S3Client({ region, credentials }),
    now: () => new Date(),
  };
  return awsCache;
};
