import '../polyfills.js';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { parseAppConfig, runtimeSettingsFromConfig, type AppConfig } from '../../lib/app-config.js';
import type { RuntimeSettings } from '../../lambda/core/runtime-settings.js';
import { createDirectorClient, type DependenciesProvider, type WorkflowDependencies } from '../../lambda/runtime/dependencies.js';
import type { StepHandler } from '../../lambda/runtime/workflow-step.js';
import { OnboardingState, OnboardingTask, type OnboardingTaskName } from '../../lambda/workflow-states.js';
import { createAwsSandbox, type AwsSandbox, type TrailBucketSpec } from '../aws/index.js';
import { startDirectorSimulator, type DirectorSimulator, type DirectorSimulatorOptions } from '../director-simulator/index.js';
import { DIRECTOR_SECRET_NAME, SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, SANDBOX_REGION } from './constants.js';
import { synthesizeWorkflow } from './definition.js';
import { runLocally, type ExecutionEvent, type LocalRunResult, type LocalTaskHandler } from './state-machine-runner.js';

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
}

/** What a published EventBridge entry looked like. */
export interface PublishedEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

export interface Sandbox {
  aws: AwsSandbox;
  director: DirectorSimulator;
  config: AppConfig;
  settings: RuntimeSettings;
  definition: Record<string, unknown>;
  events: PublishedEvent[];
  /** Runs one execution of the synthesized workflow. */
  run(input: Record<string, unknown>, options?: { onEvent?: (event: ExecutionEvent) => void }): Promise<LocalRunResult>;
  /**
   * A redeploy with a changed config: the overrides are merged over the current config, the stack
   * is synthesized again and the functions see the new settings from the next run on.
   */
  reconfigure(overrides: Record<string, unknown>): void;
  stop(): Promise<void>;
}

/**
 * A simulated AWS account and Director with the real state machine definition in front of them:
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
    let rawConfig = deepMerge(
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
    let { definition } = synthesizeWorkflow(config);
    const events: PublishedEvent[] = [];
    const clock = new VirtualClock();
    const simulator = director;

    const dependencies: WorkflowDependencies = {
      get settings() {
        return settings;
      },
      iam: aws.iam,
      secretsManager: aws.secretsManager,
      s3: aws.s3ForProduct({ region }),
      s3ForCredentials: (credentials, bucketRegion) => aws.s3ForCredentials(credentials, { region: bucketRegion }),
      // Same attempts as on Lambda, but backoff in milliseconds: the sandbox should not sleep for real.
      director: () => createDirectorClient(settings.director, aws.secretsManager, { retry: { baseDelayMs: 5, maxDelayMs: 20 } }),
      now: () => clock.now(),
    };
    const taskHandlers = await localTaskHandlers(() => dependencies, events);

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
        return definition;
      },
      events,
      reconfigure: (overrides) => {
        rawConfig = deepMerge(rawConfig, overrides);
        ({ config } = parseAppConfig(rawConfig, 'sandbox config'));
        settings = runtimeSettingsFromConfig(config);
        ({ definition } = synthesizeWorkflow(config));
      },
      run: (input, runOptions = {}) =>
        runLocally(definition, input, {
          taskHandlers,
          executionName: `onboard-${typeof input.accountId === 'string' ? input.accountId : 'unknown'}-${Date.now()}`,
          waitOverridesMs: { [OnboardingState.WaitForOrder]: waitMs },
          retryOverridesMs: Object.fromEntries(Object.keys(OnboardingTask).map((name) => [name, waitMs])),
          onEvent: (event) => {
            // The workflow's deadline is measured in the definition's seconds: advance time as if
            // each Wait had lasted that long, so a 30-minute deadline passes in a moment here.
            if (event.kind === 'entered' && event.state === OnboardingState.WaitForOrder) {
              clock.advance(nextWaitSecondsOf(event.input) * 1000);
            }
            runOptions.onEvent?.(event);
          },
        }),
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

/** Each Lambda task state → its real handler, invoked the way the Lambda service would. */
async function localTaskHandlers(dependencies: DependenciesProvider, events: PublishedEvent[]): Promise<Record<string, LocalTaskHandler>> {
  const handlers: Record<string, LocalTaskHandler> = {};
  for (const [state, file] of Object.entries(OnboardingTask) as [OnboardingTaskName, string][]) {
    // The handler files are known only at run time; Vite must leave this import to Node.
    const module = (await import(/* @vite-ignore */ `../../lambda/handlers/${file}.js`)) as { createHandler: (deps: DependenciesProvider) => StepHandler };
    handlers[state] = invokeLikeLambda(module.createHandler(dependencies), state);
  }
  for (const state of [OnboardingState.PublishSucceeded, OnboardingState.PublishFailed]) {
    handlers[state] = (input) => Promise.resolve(recordPutEvents(input, events));
  }
  return handlers;
}

/**
 * Lambda serializes both the result and the error: only JSON crosses, and an error arrives as
 * its type (the error's name, our typed code) and message.
 */
function invokeLikeLambda(handler: StepHandler, functionName: string): LocalTaskHandler {
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
  const entries = (input as { Entries?: { Source: string; DetailType: string; Detail: unknown }[] }).Entries ?? [];
  for (const entry of entries) {
    const detail = typeof entry.Detail === 'string' ? (JSON.parse(entry.Detail) as Record<string, unknown>) : (entry.Detail as Record<string, unknown>);
    events.push({ source: entry.Source, detailType: entry.DetailType, detail });
  }
  return { Entries: entries.map(() => ({ EventId: randomUUID() })), FailedEntryCount: 0 };
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
    getRemainingTimeInMillis: () => 60_000,
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

function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
