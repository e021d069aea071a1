import '../polyfills.js';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { overlayConfig, parseAppConfig, runtimeSettingsFromConfig, type AppConfig } from '../../lib/product/app-config.js';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import { OffboardingState, OffboardingTask } from '../../lambda/contract/offboarding-states.js';
import { OnboardingState, OnboardingTask, OnboardingTaskAlias } from '../../lambda/contract/onboarding-states.js';
import { isOrganizationSubject } from '../../lambda/contract/collection.js';
import { cloudTrailLogPrefix, type TrailLayout } from '../aws/cloudtrail-fixtures.js';
import { createAwsSandbox, type AwsSandbox, type TrailBucketSpec } from '../aws/index.js';
import {
  startDirectorSimulator,
  type DirectorSimulator,
  type DirectorSimulatorOptions,
  type FetchStrategy,
  type JsonObject,
} from '../director-simulator/index.js';
import { accountStateOf, type AccountState } from './account-state.js';
import { AwsCallLog, type AwsCallRecord } from './aws-call-log.js';
import { DIRECTOR_SECRET_NAME, SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, SANDBOX_REGION } from './constants.js';
import { synthesizeWorkflows, type SynthesizedWorkflows } from './definition.js';
import { sandboxDependencies } from './handler-dependencies.js';
import { loadRotationHandler, rotateNow } from './rotation-driver.js';
import type { LocalRunResult } from './state-machine-runner.js';
import { VirtualClock } from './virtual-clock.js';
import { secondsAt, workflowRunner, type RunOptions } from './workflow-runner.js';
import { ExecutionRegistry } from './execution-registry.js';
import type { PublishedEvent } from './event-capture.js';

// The workflow tests (test/workflow/) import the sandbox's constants from here.
export { DIRECTOR_SECRET_NAME, SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, SANDBOX_REGION } from './constants.js';

export interface SandboxOptions {
  accountId?: string;
  region?: string;
  /** The trail bucket to create; `null` creates none (the bucket is missing). */
  trail?: Partial<TrailBucketSpec> | null;
  /** Config overrides merged over the sandbox's defaults (same format as config/example.json). */
  config?: Record<string, unknown>;
  director?: DirectorSimulatorOptions;
  /** How long S3 refuses a new key (IAM propagation). */
  propagationDelayMs?: number;
  /** Real milliseconds each Wait and Retry takes here, instead of the definition's seconds. */
  waitMs?: number;
  /**
   * Director's simulated S3 fetcher (`sandbox.director.fetcher`). On by default: `prefix-only`
   * over the log prefix of the account a source belongs to, a round every 25 ms, so data reaches
   * Director without a test asking. `false`: no fetcher. `director.fetcher` overrides all of it.
   */
  fetcher?: { strategy?: FetchStrategy; intervalMs?: number } | false;
}

export interface Sandbox {
  aws: AwsSandbox;
  director: DirectorSimulator;
  readonly config: AppConfig;
  readonly settings: RuntimeSettings;
  /** The onboarding state machine definition, as synthesized. */
  readonly definition: Record<string, unknown>;
  readonly definitions: SynthesizedWorkflows;
  /** Every EventBridge event the workflows and the rotation function published. */
  events: PublishedEvent[];
  /** Runs one onboarding execution of the synthesized workflow. */
  run(input: Record<string, unknown>, options?: RunOptions): Promise<LocalRunResult>;
  /** Runs one offboarding execution of the synthesized offboarding workflow. */
  offboard(input: Record<string, unknown>, options?: RunOptions): Promise<LocalRunResult>;
  /**
   * Rotates the account's secret now, as Secrets Manager would: RotateSecret, then the rotation
   * function's four steps in order, stopping at the first failure. Reported like an execution.
   */
  rotate(accountId: string, options?: RunOptions): Promise<LocalRunResult>;
  /**
   * A redeploy with a changed config: the overrides are merged over the current config, the stack
   * is synthesized again and the functions see the new settings from the next run on.
   */
  reconfigure(overrides: Record<string, unknown>): void;
  /**
   * Every AWS SDK call the handlers made since the sandbox started or since resetAwsCalls(), in
   * call order, as `Service.Operation` (`IAM.GetUser`, `S3.ListObjectsV2`). The sandbox's own
   * set-up and RotateSecret, and calls made through `aws` directly, are not in it.
   */
  awsCalls(): string[];
  /**
   * The same calls as records: the function that made each (workflow and task state), whether its
   * role or a given key signed it, the input (in memory only: it may hold secrets, and it is left
   * out when a record is printed) and the account's state as the call was sent.
   */
  awsCallRecords(): AwsCallRecord<AccountState>[];
  /** Empties the call log; a scenario does so before its runs, so its counts are its own. */
  resetAwsCalls(): void;
  stop(): Promise<void>;
}

/**
 * A simulated AWS account and Director with the real state machine definitions in front of them:
 * the stack is synthesized from a config that points at the simulator, and every Lambda task runs
 * the real handler in-process against the stand-ins.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const accountId = options.accountId ?? SANDBOX_ACCOUNT_ID;
  const region = options.region ?? SANDBOX_REGION;
  const waitMs = options.waitMs ?? 100;
  const aws = await createAwsSandbox({ accountId, region, propagationDelayMs: options.propagationDelayMs ?? 0 });
  const bucketName = options.trail?.name ?? 'sandbox-org-cloudtrail';
  const organizationId = options.trail?.layout === 'organization' ? (options.trail.organizationId ?? SANDBOX_ORGANIZATION_ID) : undefined;
  let director: DirectorSimulator | undefined;
  try {
    const fetcher = sandboxFetcher(options.fetcher, aws, bucketName, { prefix: options.trail?.prefix, organizationId });
    director = await startDirectorSimulator({ orderDelayMs: 300, ...fetcher, ...options.director });
    await aws.secretsManager.send(new CreateSecretCommand({ Name: DIRECTOR_SECRET_NAME, SecretString: JSON.stringify({ secretKey: director.secretKey }) }));

    if (options.trail !== null) {
      await aws.createTrailBucket({ name: bucketName, layout: 'account', accountIds: [accountId], region, ...options.trail });
    }
    let rawConfig = overlayConfig(
      {
        director: {
          baseUrl: director.baseUrl,
          poolUuid: director.poolUuid,
          logpointId: director.logpointId,
          credentialSecretId: DIRECTOR_SECRET_NAME,
        },
        trail: {
          bucketName,
          bucketRegion: region,
          ...(options.trail?.prefix ? { trailPrefix: options.trail.prefix } : {}),
          ...(organizationId ? { organizationId } : {}),
        },
        onboardAccountId: accountId,
        // The sandbox trail delivered its files before the run (CloudTrail would keep delivering):
        // fetching from a day back lets the simulated fetcher find data, as a real one soon would.
        logSource: { filterDate: { policy: 'days-ago', days: 1 } },
      },
      options.config ?? {},
    );
    let { config } = parseAppConfig(rawConfig, 'sandbox config');
    let settings = runtimeSettingsFromConfig(config);
    let definitions = synthesizeWorkflows(config);
    const events: PublishedEvent[] = [];
    const clock = new VirtualClock();
    const callLog = new AwsCallLog(() => accountStateOf(aws));
    const simulator = director;

    const executions = new ExecutionRegistry(region);
    const dependencies = sandboxDependencies({ aws, accountId, region, deployed: () => ({ config, settings }), clock, events, callLog, waitMs, executions });
    const provider = () => dependencies;
    const workflow = (
      tasks: Record<string, string>,
      taskAliases: Record<string, string>,
      publishStates: string[],
      waitStates: Record<string, (input: unknown) => number>,
      prefix: string,
      definitionOf: () => Record<string, unknown> | null,
    ) =>
      workflowRunner({ tasks, taskAliases, publishStates, waitStates, prefix, definitionOf, provider, events, clock, waitMs, executions, accountId, region });

    const onboard = await workflow(
      OnboardingTask,
      OnboardingTaskAlias,
      [OnboardingState.PublishSucceeded, OnboardingState.PublishCovered, OnboardingState.PublishFailed],
      {
        [OnboardingState.WaitForOrder]: secondsAt('order', 'nextWaitSeconds'),
        [OnboardingState.WaitForData]: secondsAt('result', 'dataPlane', 'watch', 'nextWaitSeconds'),
      },
      'onboard',
      () => definitions.onboarding,
    );
    const offboard = await workflow(
      OffboardingTask,
      {},
      [OffboardingState.PublishOffboarded, OffboardingState.PublishOffboardingFailed],
      { [OffboardingState.WaitForOrder]: secondsAt('order', 'nextWaitSeconds') },
      'offboard',
      () => definitions.offboarding,
    );
    const rotationHandler = await loadRotationHandler(provider);

    return {
      aws,
      director,
      get config() {
        return config;
      },
      get settings() {
        return settings;
      },
      get definition() {
        return definitions.onboarding;
      },
      get definitions() {
        return definitions;
      },
      events,
      run: onboard,
      offboard,
      rotate: (rotatedAccountId, runOptions = {}) => rotateNow(aws, rotatedAccountId, rotationHandler, runOptions),
      reconfigure: (overrides) => {
        rawConfig = overlayConfig(rawConfig, overrides);
        ({ config } = parseAppConfig(rawConfig, 'sandbox config'));
        settings = runtimeSettingsFromConfig(config);
        definitions = synthesizeWorkflows(config);
      },
      awsCalls: () => callLog.calls(),
      awsCallRecords: () => callLog.records(),
      resetAwsCalls: () => callLog.reset(),
      stop: async () => {
        await simulator.stop();
        await aws.stop();
      },
    };
  } catch (error) {
    await director?.stop();
    await aws.stop();
    throw error;
  }
}

const SANDBOX_FETCH_INTERVAL_MS = 25;

/**
 * The fetcher Director runs here: it signs with each source's own key against the S3 stand-in,
 * which enforces the reader's IAM policy. Its clients are not the handlers' recording clients, so
 * its calls stay out of `awsCalls()`. The account comes from the ownership marker the product puts
 * on its sources (lambda/shared/log-source-body.ts); its prefix from the sandbox's trail layout, or,
 * for a bucket a test made itself, from where that account's files lie in it.
 */
function sandboxFetcher(
  requested: SandboxOptions['fetcher'],
  aws: AwsSandbox,
  bucketName: string,
  layout: TrailLayout,
): Pick<DirectorSimulatorOptions, 'fetcher'> {
  if (requested === false) return {};
  const found = new Map<string, string>();
  const scopePrefixOf = async (source: JsonObject): Promise<string | undefined> => {
    const connector = (source.config as { Connector?: { bucket_name?: unknown; region_name?: unknown } } | undefined)?.Connector;
    const accountId = accountIdOf(source);
    const bucket = connector?.bucket_name;
    if (accountId === undefined || typeof bucket !== 'string') return undefined;
    // The organization's own source reads the whole organization trail.
    if (isOrganizationSubject(accountId)) return `${layout.prefix ? `${layout.prefix}/` : ''}AWSLogs/${accountId}/`;
    if (bucket === bucketName) return cloudTrailLogPrefix(layout, accountId);
    const region = typeof connector?.region_name === 'string' ? connector.region_name : undefined;
    const prefix = found.get(`${bucket}/${accountId}`) ?? (await accountLogPrefixIn(aws, bucket, region, accountId));
    if (prefix !== undefined) found.set(`${bucket}/${accountId}`, prefix);
    // Nothing of the account there yet: where an account trail would put it.
    return prefix ?? cloudTrailLogPrefix({}, accountId);
  };
  return {
    fetcher: {
      strategy: requested?.strategy ?? 'prefix-only',
      intervalMs: requested?.intervalMs ?? SANDBOX_FETCH_INTERVAL_MS,
      s3ClientFor: (credentials, region) => aws.s3ForCredentials(credentials, { region }),
      scopePrefixOf,
    },
  };
}

/** `[prefix/]AWSLogs/[o-id/]<account>/CloudTrail/` as the bucket's keys show it, or undefined when none is the account's. */
async function accountLogPrefixIn(aws: AwsSandbox, bucket: string, region: string | undefined, accountId: string): Promise<string | undefined> {
  const root = new RegExp(`^(.*?AWSLogs/(?:o-[a-z0-9]+/)?${accountId}/)`);
  try {
    const listed = await aws.s3ForProduct(region === undefined ? {} : { region }).send(new ListObjectsV2Command({ Bucket: bucket }));
    const accountRoot = (listed.Contents ?? []).map((entry) => root.exec(entry.Key ?? '')?.[1]).find((match) => match !== undefined);
    return accountRoot === undefined ? undefined : `${accountRoot}CloudTrail/`;
  } catch {
    // A missing or shut bucket: the fetch itself will meet and report the same problem.
    return undefined;
  }
}

/**
 * `dc_metadata.awsAccountId`, or the `account=<id>` of the description's ownership tag (which
 * survives a Director that drops dc_metadata keys): an account id, or the organization id of the
 * organization's own source.
 */
function accountIdOf(source: JsonObject): string | undefined {
  const fromMetadata = (source.dc_metadata as { awsAccountId?: unknown } | undefined)?.awsAccountId;
  if (typeof fromMetadata === 'string' && SUBJECT_ID.test(fromMetadata)) return fromMetadata;
  const description = typeof source.description === 'string' ? source.description : '';
  return /\baccount=(\d{12}|o-[a-z0-9]{10,32})\]/.exec(description)?.[1];
}
const SUBJECT_ID = /^(\d{12}|o-[a-z0-9]{10,32})$/;
