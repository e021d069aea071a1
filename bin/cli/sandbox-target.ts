import { readFile } from 'node:fs/promises';
import { readRegistry } from '../../lambda/registry/registry-items.js';
import { createDirectorClient } from '../../lambda/shared/runtime/aws-clients/director.js';
import { accountSecretName } from '../../lambda/contract/names.js';
import { deploySubjectOf } from '../../lib/product/collection-config.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, SANDBOX_REGION } from '../../local/sandbox/constants.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../local/sandbox/environment.js';
import type { ExecutionRecord } from '../../local/sandbox/execution-registry.js';
import { openSandboxStore, type SandboxStore } from './sandbox-store.js';
import { startedExecutionSchema, UsageError, type RunView, type Target } from './target.js';

/** The sandbox organization's member accounts (the management account is the sandbox account). */
export const SAMPLE_MEMBER_ACCOUNTS = ['222233334444', '333344445555', '444455556666'] as const;
/** A suspended member: listed by Organizations, never onboarded by `--all`. */
const SUSPENDED_MEMBER_ACCOUNT = '555566667777';
const ACTIVE_ACCOUNTS = [SANDBOX_ACCOUNT_ID, ...SAMPLE_MEMBER_ACCOUNTS];

/**
 * What the CLI's sandbox holds on top of `npm start`'s: a sample organization (the sandbox account
 * as its management account, three members and a suspended one), each ACTIVE account's trail
 * delivering to the one bucket (per-account collection).
 */
const SAMPLE_ORGANIZATION: SandboxOptions = {
  organization: {
    organizationId: SANDBOX_ORGANIZATION_ID,
    managementAccountId: SANDBOX_ACCOUNT_ID,
    accounts: [...ACTIVE_ACCOUNTS.map((id) => ({ id })), { id: SUSPENDED_MEMBER_ACCOUNT, state: 'SUSPENDED' as const }],
  },
  trail: { layout: 'account', accountIds: ACTIVE_ACCOUNTS, objectsPerAccount: 1 },
};

export interface SandboxTargetOptions {
  /** JSON config overrides (the config file's format) laid over the sandbox's config, e.g. to try a routing policy before deploying it. */
  configFile?: string | undefined;
  /** The sandbox's own options over the sample organization's (a seeded Director, another organization), for tests. */
  sandbox?: SandboxOptions;
  /**
   * Where the sandbox lives between commands (`.sandbox/`): taken back from there when the target
   * opens and written back when it closes. Without it the sandbox is new and gone at close.
   */
  stateDirectory?: string | undefined;
}

/**
 * The local sandbox as a target: the Director simulator and a simulated AWS organization with a
 * trail bucket, configured like `npm start`, its runs started through the product's starter
 * function and run in this process.
 */
export async function openSandboxTarget(options: SandboxTargetOptions): Promise<Target & { sandbox: Sandbox }> {
  const overrides = options.configFile === undefined ? {} : await readConfigOverrides(options.configFile);
  const store = options.stateDirectory === undefined ? undefined : await openSandboxStore(options.stateDirectory);
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({
      ...SAMPLE_ORGANIZATION,
      ...options.sandbox,
      config: { ...options.sandbox?.config, ...overrides },
      ...(store === undefined ? {} : { s3Directory: store.s3Directory, ...(store.saved === undefined ? {} : { restoreFrom: store.saved }) }),
    });
  } catch (error) {
    await store?.release();
    throw error;
  }
  const { settings, config } = sandbox;
  const runs = () => sandbox.executions.executions();
  return {
    name: 'sandbox',
    sandbox,
    settings,
    director: createDirectorClient(settings.director, sandbox.aws.secretsManager),
    s3: sandbox.aws.s3ForProduct({ region: SANDBOX_REGION }),
    iam: sandbox.aws.iam,
    secretsManager: sandbox.aws.secretsManager,
    organizations: sandbox.aws.organizations,
    kms: () => sandbox.aws.kms,
    accountId: options.sandbox?.accountId ?? SANDBOX_ACCOUNT_ID,
    defaultSubject: deploySubjectOf(config) ?? SANDBOX_ACCOUNT_ID,
    start: async (request) => startedExecutionSchema.parse(await sandbox.invokeStarter({ ...request })),
    describeRun: (executionArn) => {
      const run = runs().find((record) => record.executionArn === executionArn);
      if (run === undefined) return Promise.reject(new Error(`The sandbox ran no execution ${executionArn}.`));
      return Promise.resolve(runView(run));
    },
    runs: () =>
      Promise.resolve(
        runs().flatMap((run) => (run.accountId !== undefined && isAccountWorkflow(run.workflow) ? [{ ...runView(run), accountId: run.accountId }] : [])),
      ),
    registry: () => readRegistry(sandbox.aws.dynamo, sandbox.aws.accountRegistryTable),
    rotate: async (accountId) => {
      // Secrets Manager runs the four steps on its own; here they run before rotate() answers.
      await sandbox.rotate(accountId);
      const request = sandbox.aws.fakes.secretsManager.rotationRequests().at(-1);
      if (request === undefined) throw new Error(`Secrets Manager did not record a rotation of ${accountSecretName(accountId)}.`);
      return { secretName: request.secretName, token: request.clientRequestToken };
    },
    runsInProcess: true,
    close: () => closeSandbox(sandbox, store),
  };
}

async function closeSandbox(sandbox: Sandbox, store: SandboxStore | undefined): Promise<void> {
  try {
    if (store !== undefined) await store.save(await sandbox.exportState());
  } finally {
    await sandbox.stop();
    await store?.release();
  }
}

function isAccountWorkflow(workflow: string): boolean {
  return workflow === 'onboard' || workflow === 'offboard';
}

function runView(run: ExecutionRecord): RunView {
  const optional = { currentState: run.currentState, stopDate: run.stopDate, error: run.error, cause: run.cause };
  return {
    workflow: run.workflow,
    executionName: run.name,
    executionArn: run.executionArn,
    status: run.status,
    startDate: run.startDate,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}

async function readConfigOverrides(path: string): Promise<Record<string, unknown>> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${path} must hold a JSON object (config overrides).`);
  return parsed as Record<string, unknown>;
}
