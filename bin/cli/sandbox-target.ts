import { readFile } from 'node:fs/promises';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import type { DirectorClient } from '../../lambda/director/index.js';
import { createDirectorClient } from '../../lambda/shared/runtime/dependencies.js';
import { deploySubjectOf } from '../../lib/product/collection-config.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from '../../local/sandbox/constants.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../local/sandbox/environment.js';

/** What a command works against: the product's settings, Director and the trail bucket, as a deployed stack would see them. */
export interface Target {
  name: 'sandbox';
  settings: RuntimeSettings;
  director: DirectorClient;
  /** S3 with the product's own identity. */
  s3: S3Client;
  iam: IAMClient;
  secretsManager: SecretsManagerClient;
  organizations: OrganizationsClient;
  /** The subject a deployment onboards (the configured account, or the organization). */
  defaultSubject: string;
  close(): Promise<void>;
}

/**
 * The local sandbox as a target: the Director simulator and a simulated AWS account with a trail
 * bucket, configured like `npm start`; `configFile` (JSON, the config file's format) is laid over
 * the sandbox's config, e.g. to try a routing policy before deploying it. `sandbox`: the sandbox's
 * own options (a seeded Director, another organization), for tests.
 */
export async function openSandboxTarget(options: { configFile?: string | undefined; sandbox?: SandboxOptions }): Promise<Target & { sandbox: Sandbox }> {
  const overrides = options.configFile === undefined ? {} : await readConfigOverrides(options.configFile);
  const sandbox = await startSandbox({ ...options.sandbox, config: { ...options.sandbox?.config, ...overrides } });
  const { settings, config } = sandbox;
  return {
    name: 'sandbox',
    sandbox,
    settings,
    director: createDirectorClient(settings.director, sandbox.aws.secretsManager),
    s3: sandbox.aws.s3ForProduct({ region: SANDBOX_REGION }),
    iam: sandbox.aws.iam,
    secretsManager: sandbox.aws.secretsManager,
    organizations: sandbox.aws.organizations,
    defaultSubject: deploySubjectOf(config) ?? SANDBOX_ACCOUNT_ID,
    close: () => sandbox.stop(),
  };
}

async function readConfigOverrides(path: string): Promise<Record<string, unknown>> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${path} must hold a JSON object (config overrides).`);
  return parsed as Record<string, unknown>;
}

/** A mistake on the command line or in a file it names: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
