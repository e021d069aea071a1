import { readFile } from 'node:fs/promises';
import { createDirectorClient } from '../../lambda/shared/runtime/dependencies.js';
import { deploySubjectOf } from '../../lib/product/collection-config.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from '../../local/sandbox/constants.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../local/sandbox/environment.js';
import { UsageError, type Target } from './target.js';

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
