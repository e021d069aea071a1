import '../polyfills.js';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { overlayConfig, parseAppConfig, runtimeSettingsFromConfig, type AppConfig } from '../../lib/product/app-config.js';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import { OffboardingState, OffboardingTask } from '../../lambda/contract/offboarding-states.js';
import { OnboardingState, OnboardingTask, OnboardingTaskAlias } from '../../lambda/contract/onboarding-states.js';
import { createAwsSandbox, type AwsSandbox, type TrailBucketSpec } from '../aws/index.js';
import type { FakeOrganizationSpec } from '../aws/fake-organizations.js';
import { startDirectorSimulator, type DirectorSimulator, type DirectorSimulatorOptions, type FetchStrategy } from '../director-simulator/index.js';
import { accountStateOf, type AccountState } from './account-state.js';
import { AwsCallLog, type AwsCallRecord } from './aws-call-log.js';
import { DIRECTOR_SECRET_NAME, SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, SANDBOX_REGION } from './constants.js';
import { synthesizeWorkflows, type SynthesizedWorkflows } from './definition.js';
import { sandboxDependencies } from './handler-dependencies.js';
import { loadRotationHandler, rotateNow } from './rotation-driver.js';
import type { LocalRunResult, LocalTaskHandler } from './state-machine-runner.js';
import { startExecutionSync } from './child-executions.js';
import { FleetState, FleetTask } from '../../lambda/contract/fleet-states.js';
import { ReconcileState, ReconcileTask } from '../../lambda/contract/reconcile-states.js';
import { VirtualClock } from './virtual-clock.js';
import { sandboxFetcher } from './sandbox-fetcher.js';
import { secondsAt, workflowRunner, type RunOptions } from './workflow-runner.js';
import { ExecutionRegistry } from './execution-registry.js';
import { sandboxStarter } from './sandbox-starter.js';
import { exportSandboxState, importSandboxState, type SandboxState } from './sandbox-state.js';
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
  /** The AWS Organization the fleet run lists. @default the sample account alone */
  organization?: FakeOrganizationSpec;
  /** Real milliseconds each Wait and Retry takes here, instead of the definition's seconds. */
  waitMs?: number;
  /**
   * Director's simulated S3 fetcher (`sandbox.director.fetcher`). On by default: `prefix-only`
   * over the log prefix of the account a source belongs to, a round every 25 ms, so data reaches
   * Director without a test asking. `false`: no fetcher. `director.fetcher` overrides all of it.
   */
  fetcher?: { strategy?: FetchStrategy; intervalMs?: number } | false;
  /**
   * A sandbox saved by exportState() to go on from: its IAM, secrets, tables, buckets, Director,
   * executions and time, instead of new ones (the trail bucket and the Director secret exist then).
   */
  restoreFrom?: SandboxState;
  /** Where S3 keeps buckets and objects, kept after stop(); with restoreFrom, the directory the saved sandbox used. */
  s3Directory?: string;
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
  /** Runs one fleet execution: every account of the sandbox organization through the onboarding workflow. */
  fleet(input: Record<string, unknown>, options?: RunOptions): Promise<LocalRunResult>;
  /** Runs one reconciliation: drift found and recorded, the safe repairs run through the onboarding and offboarding workflows. */
  reconcile(input: Record<string, unknown>, options?: RunOptions): Promise<LocalRunResult>;
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
  /** Every execution so far, as Step Functions keeps them; its client's StartExecution runs them here. */
  executions: ExecutionRegistry;
  /**
   * Invokes the product's starter function with an operator's input (`{"accountId": …}`,
   * `{"action": "offboard", …}`), as `aws lambda invoke` would: it answers once the execution has
   * started; `executions.settled()` waits for the runs it started.
   */
  invokeStarter(input: Record<string, unknown>): Promise<unknown>;
  /** The whole sandbox written out, once its executions have ended (sandbox-state.ts); `restoreFrom` takes it back. */
  exportState(): Promise<SandboxState>;
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
  const restored = options.restoreFrom;
  const aws = await createAwsSandbox({
    accountId,
    region,
    propagationDelayMs: options.propagationDelayMs ?? 0,
    ...(options.s3Directory === undefined ? {} : { s3Directory: options.s3Directory }),
    ...(options.organization === undefined ? {} : { organization: options.organization }),
  });
  const bucketName = options.trail?.name ?? 'sandbox-org-cloudtrail';
  const organizationId = options.trail?.layout === 'organization' ? (options.trail.organizationId ?? SANDBOX_ORGANIZATION_ID) : undefined;
  let director: DirectorSimulator | undefined;
  try {
    const fetcher = sandboxFetcher(options.fetcher, aws, bucketName, { prefix: options.trail?.prefix, organizationId });
    const directorOrderMs = options.director?.orderDelayMs ?? 300;
    const restoreFrom = restored === undefined ? {} : { restoreFrom: restored.director };
    director = await startDirectorSimulator({ ...fetcher, ...options.director, orderDelayMs: directorOrderMs, ...restoreFrom });
    const clock = new VirtualClock();
    const executions = new ExecutionRegistry(region, { accountId, now: () => clock.now() });
    if (restored !== undefined) {
      await importSandboxState({ aws, executions, clock }, restored);
    } else {
      await aws.secretsManager.send(new CreateSecretCommand({ Name: DIRECTOR_SECRET_NAME, SecretString: JSON.stringify({ secretKey: director.secretKey }) }));
    }

    if (options.trail !== null && restored === undefined) {
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
    const callLog = new AwsCallLog(() => accountStateOf(aws));
    const simulator = director;

    const deployed = () => ({ config, settings });
    const dependencies = sandboxDependencies({ aws, accountId, region, deployed, clock, events, callLog, waitMs, directorOrderMs, executions });
    const provider = () => dependencies;
    const workflow = (
      tasks: Record<string, string>,
      taskAliases: Record<string, string>,
      publishStates: string[],
      waitStates: Record<string, (input: unknown) => number>,
      prefix: string,
      definitionOf: () => Record<string, unknown> | null,
      serviceTasks: Record<string, LocalTaskHandler> = {},
    ) =>
      workflowRunner({
        tasks,
        taskAliases,
        serviceTasks,
        publishStates,
        waitStates,
        prefix,
        definitionOf,
        provider,
        events,
        clock,
        waitMs,
        executions,
        accountId,
        region,
      });

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
    const onboardChild = startExecutionSync(onboard);
    const fleet = await workflow(FleetTask, {}, [FleetState.PublishFleetFinished], {}, 'fleet', () => definitions.fleet, {
      [FleetState.OnboardAccount]: onboardChild,
      [FleetState.OnboardOrganization]: onboardChild,
    });
    const reconcile = await workflow(ReconcileTask, {}, [ReconcileState.PublishDriftDetected], {}, 'reconcile', () => definitions.reconcile, {
      [ReconcileState.OnboardMissing]: onboardChild,
      [ReconcileState.OffboardClosed]: startExecutionSync(offboard),
    });
    const rotationHandler = await loadRotationHandler(provider);
    executions.launches('onboard', (input, executionName) => onboard(input, { executionName }));
    executions.launches('offboard', (input, executionName) => offboard(input, { executionName }));
    executions.launches('fleet', (input, executionName) => fleet(input, { executionName }));
    const starter = sandboxStarter({
      aws,
      executions,
      clock,
      callLog,
      workflows: () => ({ offboard: definitions.offboarding !== null, fleet: definitions.fleet !== null }),
    });

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
      fleet,
      reconcile,
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
      executions,
      invokeStarter: (input) => starter(input),
      exportState: () => exportSandboxState({ aws, director: simulator, executions, clock }),
      stop: async () => {
        await executions.settled();
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
