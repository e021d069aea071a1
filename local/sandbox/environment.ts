import '../polyfills.js';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';
import { overlayConfig, parseAppConfig, runtimeSettingsFromConfig, type AppConfig } from '../../lib/product/app-config.js';
import { describeError } from '../../lambda/shared/errors.js';
import { ROTATION_STEPS } from '../../lambda/rotation/key-rotation.js';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import type { RotationDependencies } from '../../lambda/rotation/rotate-access-key.handler.js';
import { OffboardingState, OffboardingTask } from '../../lambda/contract/offboarding-states.js';
import { createDirectorClient, type DependenciesProvider } from '../../lambda/shared/runtime/dependencies.js';
import type { StepHandler } from '../../lambda/shared/runtime/workflow-step.js';
import { OnboardingState, OnboardingTask } from '../../lambda/contract/onboarding-states.js';
import { createAwsSandbox, type AwsSandbox, type TrailBucketSpec } from '../aws/index.js';
import { startDirectorSimulator, type DirectorSimulator, type DirectorSimulatorOptions } from '../director-simulator/index.js';
import { DIRECTOR_SECRET_NAME, SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, SANDBOX_REGION } from './constants.js';
import { synthesizeWorkflows, type SynthesizedWorkflows } from './definition.js';
import { runLocally, type ExecutionEvent, type LocalRunResult, type LocalTaskHandler } from './state-machine-runner.js';
import { accountSecretName } from '../../lambda/contract/names.js';

export { DIRECTOR_SECRET_NAME, SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, SANDBOX_REGION } from './constants.js';

/** The fake ARN the sandbox's "deployed" rotation function has; Finalize hands it to Secrets Manager. */
const ROTATION_FUNCTION_ARN = `arn:aws:lambda:${SANDBOX_REGION}:000000000000:function:KeyRotation`;

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
}

/** What a published EventBridge entry looked like. */
export interface PublishedEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

export interface RunOptions {
  onEvent?: (event: ExecutionEvent) => void;
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
  let director: DirectorSimulator | undefined;
  try {
    director = await startDirectorSimulator({ orderDelayMs: 300, ...options.director });
    await aws.secretsManager.send(
      new CreateSecretCommand({ Name: DIRECTOR_SECRET_NAME, SecretString: JSON.stringify({ secretKey: director.secretKey }) }),
    );

    const bucketName = options.trail?.name ?? 'sandbox-org-cloudtrail';
    if (options.trail !== null) {
      await aws.createTrailBucket({ name: bucketName, layout: 'account', accountIds: [accountId], region, ...options.trail });
    }
    const organizationId = options.trail?.layout === 'organization' ? (options.trail.organizationId ?? SANDBOX_ORGANIZATION_ID) : undefined;
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
      },
      options.config ?? {},
    );
    let { config } = parseAppConfig(rawConfig, 'sandbox config');
    let settings = runtimeSettingsFromConfig(config);
    let definitions = synthesizeWorkflows(config);
    const events: PublishedEvent[] = [];
    const clock = new VirtualClock();
    const simulator = director;

    const eventBridge = capturingEventBridge(region, events);
    const dependencies: RotationDependencies = {
      get settings() {
        return settings;
      },
      iam: aws.iam,
      secretsManager: aws.secretsManager,
      s3: aws.s3ForProduct({ region }),
      s3ForCredentials: (credentials, bucketRegion) => aws.s3ForCredentials(credentials, { region: bucketRegion }),
      // Same attempts as on Lambda, but backoff in milliseconds: the sandbox should not sleep for real.
      director: () => createDirectorClient(settings.director, aws.secretsManager, { retry: { baseDelayMs: 5, maxDelayMs: 20 } }),
      get rotation() {
        return config.keyRotation.enabled ? { rotationLambdaArn: ROTATION_FUNCTION_ARN, scheduleDays: config.keyRotation.scheduleDays } : null;
      },
      now: () => clock.now(),
      eventBridge,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, waitMs))),
    };
    const provider = () => dependencies;
    const workflow = (
      tasks: Record<string, string>,
      publishStates: string[],
      waitState: string,
      prefix: string,
      definitionOf: () => Record<string, unknown> | null,
    ) => workflowRunner({ tasks, publishStates, waitState, prefix, definitionOf, provider, events, clock, waitMs });

    const onboard = await workflow(
      OnboardingTask,
      [OnboardingState.PublishSucceeded, OnboardingState.PublishFailed],
      OnboardingState.WaitForOrder,
      'onboard',
      () => definitions.onboarding,
    );
    const offboard = await workflow(
      OffboardingTask,
      [OffboardingState.PublishOffboarded, OffboardingState.PublishOffboardingFailed],
      OffboardingState.WaitForOrder,
      'offboard',
      () => definitions.offboarding,
    );
    const rotationModule = (await import('../../lambda/rotation/rotate-access-key.handler.js')) as {
      createHandler: (deps: () => RotationDependencies) => (event: unknown, context: Context) => Promise<unknown>;
    };
    const rotationHandler = invokeLikeLambda(rotationModule.createHandler(provider), 'KeyRotation');

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

interface WorkflowRunnerSpec {
  /** Task state name → entry point `lambda/<file>.handler.ts`. */
  tasks: Record<string, string>;
  /** EventBridge PutEvents task states: recorded into `events`. */
  publishStates: string[];
  waitState: string;
  prefix: string;
  definitionOf: () => Record<string, unknown> | null;
  provider: DependenciesProvider;
  events: PublishedEvent[];
  clock: VirtualClock;
  waitMs: number;
}

/** Maps a workflow's task states to the real handlers and runs its current definition locally. */
async function workflowRunner(spec: WorkflowRunnerSpec): Promise<(input: Record<string, unknown>, options?: RunOptions) => Promise<LocalRunResult>> {
  const taskHandlers: Record<string, LocalTaskHandler> = {};
  for (const [state, file] of Object.entries(spec.tasks)) {
    // The handler files are known only at run time; Vite must leave this import to Node.
    const module = (await import(/* @vite-ignore */ `../../lambda/${file}.handler.js`)) as { createHandler: (deps: DependenciesProvider) => StepHandler };
    taskHandlers[state] = invokeLikeLambda(module.createHandler(spec.provider), state);
  }
  for (const state of spec.publishStates) taskHandlers[state] = (input) => Promise.resolve(recordPutEvents(input, spec.events));

  return (input, options = {}) => {
    const definition = spec.definitionOf();
    if (!definition) throw new Error(`The synthesized stack has no ${spec.prefix} workflow (is it disabled in the config?).`);
    return runLocally(definition, input, {
      taskHandlers,
      executionName: `${spec.prefix}-${typeof input.accountId === 'string' ? input.accountId : 'unknown'}-${randomUUID().slice(0, 8)}`,
      waitOverridesMs: { [spec.waitState]: spec.waitMs },
      retryOverridesMs: Object.fromEntries(Object.keys(spec.tasks).map((name) => [name, spec.waitMs])),
      onEvent: (event) => {
        // The deadline is measured in the definition's seconds: advance time as if each Wait had
        // lasted that long, so a 30-minute deadline passes in a moment here.
        if (event.kind === 'entered' && event.state === spec.waitState) spec.clock.advance(nextWaitSecondsOf(event.input) * 1000);
        options.onEvent?.(event);
      },
    });
  };
}

/** Plays Secrets Manager's part in a rotation: RotateSecret, then each step of the function. */
async function rotateNow(aws: AwsSandbox, accountId: string, rotationHandler: LocalTaskHandler, options: RunOptions): Promise<LocalRunResult> {
  const emit = (event: ExecutionEvent): void => {
    events.push(event);
    options.onEvent?.(event);
  };
  const events: ExecutionEvent[] = [];
  const secretName = accountSecretName(accountId);
  emit({ kind: 'started', at: Date.now() });
  const rotation = await aws.secretsManager.send(new RotateSecretCommand({ SecretId: secretName, RotateImmediately: true }));
  const request = aws.fakes.secretsManager.rotationRequests().at(-1);
  if (!request || !rotation.VersionId) throw new Error(`Secrets Manager did not record a rotation of ${secretName}.`);
  for (const step of ROTATION_STEPS) {
    emit({ kind: 'entered', at: Date.now(), state: step, stateType: 'RotationStep', input: { SecretId: request.secretArn, Step: step } });
    try {
      const output = await rotationHandler({ SecretId: request.secretArn, ClientRequestToken: request.clientRequestToken, Step: step });
      emit({ kind: 'exited', at: Date.now(), state: step, stateType: 'RotationStep', output });
    } catch (caught) {
      const { message } = describeError(caught);
      const code = caught instanceof Error ? caught.name : 'Error';
      emit({ kind: 'failed', at: Date.now(), state: step, error: code, cause: message });
      emit({ kind: 'execution-failed', at: Date.now(), error: code, cause: message });
      return { status: 'FAILED', output: null, error: { code, message }, events, transitions: countEntered(events) };
    }
  }
  const output = { secretName, versionId: request.clientRequestToken };
  emit({ kind: 'succeeded', at: Date.now(), output });
  return { status: 'SUCCEEDED', output, error: null, events, transitions: countEntered(events) };
}

const countEntered = (events: ExecutionEvent[]): number => events.filter((event) => event.kind === 'entered').length;

/**
 * Lambda serializes both the result and the error: only JSON crosses, and an error arrives as
 * its type (the error's name, our typed code) and message.
 */
function invokeLikeLambda(handler: (event: unknown, context: Context) => Promise<unknown>, functionName: string): LocalTaskHandler {
  return async (input) => {
    const context = fakeLambdaContext(functionName);
    try {
      const result = await handler(JSON.parse(JSON.stringify(input)) as unknown, context);
      return JSON.parse(JSON.stringify(result ?? null)) as unknown;
    } catch (caught) {
      const crossing = new Error(caught instanceof Error ? caught.message : String(caught));
      crossing.name = caught instanceof Error ? caught.name : 'Error';
      throw crossing;
    }
  };
}

function recordPutEvents(input: unknown, events: PublishedEvent[]): unknown {
  const entries = (input as { Entries?: { Source?: string; DetailType?: string; Detail?: unknown }[] }).Entries ?? [];
  for (const entry of entries) {
    const detail = typeof entry.Detail === 'string' ? (JSON.parse(entry.Detail) as Record<string, unknown>) : (entry.Detail as Record<string, unknown>);
    events.push({ source: entry.Source ?? '', detailType: entry.DetailType ?? '', detail });
  }
  return { Entries: entries.map(() => ({ EventId: randomUUID() })), FailedEntryCount: 0 };
}

/** An EventBridge client whose PutEvents lands in the sandbox's event list (the rotation function publishes directly). */
function capturingEventBridge(region: string, events: PublishedEvent[]): EventBridgeClient {
  const client = new EventBridgeClient({ region, credentials: { accessKeyId: 'AKIASANDBOXNOTUSED00', secretAccessKey: 'sandbox-never-signs-anything' } });
  mockClient(client).on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => recordPutEvents(input, events));
  return client;
}

function fakeLambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${SANDBOX_REGION}:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'sandbox',
    getRemainingTimeInMillis: () => 300_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function nextWaitSecondsOf(input: unknown): number {
  const seconds = (input as { order?: { nextWaitSeconds?: unknown } } | undefined)?.order?.nextWaitSeconds;
  return typeof seconds === 'number' ? seconds : 0;
}

class VirtualClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
