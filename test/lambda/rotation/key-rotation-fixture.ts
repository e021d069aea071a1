import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { checkTrailBucket } from '../../../lambda/shared/trail-bucket.js';
import { DirectorClient, InMemoryDirectorCredentialsStore } from '../../../lambda/director/index.js';
import type { KeyRotationContext, RotationTimeouts } from '../../../lambda/rotation/rotation-types.js';
import { registerLogSource } from '../../../lambda/onboarding/registration.js';
import { resolveOnboardingRequest } from '../../../lambda/onboarding/request.js';
import { runtimeSettingsSchema } from '../../../lambda/contract/runtime-settings.js';
import type { RuntimeSettings } from '../../../lambda/contract/runtime-settings.js';
import { createAwsSandbox } from '../../../local/aws/index.js';
import type { AwsSandbox } from '../../../local/aws/index.js';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import type { DirectorSimulator, DirectorSimulatorOptions, FetcherCredentials, FetchRoundResult, JsonObject } from '../../../local/director-simulator/index.js';
import { cloudTrailLogPrefix } from '../../../local/aws/cloudtrail-fixtures.js';
import { ACCOUNT, HOME_ACCOUNT, REGION } from '../../support/aws-sandbox.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { accountSecretName, readerUserName } from '../../../lambda/contract/names.js';
import { provisionReader } from '../../../lambda/onboarding/provisioning.js';
import { finalizeOnboarding } from '../../../lambda/onboarding/finalize.js';

export { ACCOUNT, HOME_ACCOUNT, REGION } from '../../support/aws-sandbox.js';
export { rejectionOf } from '../../support/rejections.js';

/**
 * A simulated AWS account (IAM, Secrets Manager, S3 with a CloudTrail bucket) and Director, with
 * one account onboarded through the real onboarding functions, for the key rotation tests. Time
 * seen by IAM moves only when the rotation sleeps, so IAM propagation is played without waiting.
 */

export const BUCKET = 'org-trail-bucket';
export const SECRET = accountSecretName(ACCOUNT);
export const USER = readerUserName(ACCOUNT);

/** Short waits: Director orders take 20 ms here; IAM waits are on the virtual clock. */
export const TEST_TIMEOUTS: RotationTimeouts = {
  orderDeadlineMs: 3_000,
  orderInitialDelayMs: 5,
  orderMaxDelayMs: 20,
  propagationBudgetMs: 60_000,
  propagationInitialDelayMs: 1_000,
  propagationMaxDelayMs: 8_000,
  dataPlaneBudgetMs: 60_000,
  dataPlaneInitialDelayMs: 2_000,
  dataPlaneMaxDelayMs: 15_000,
};

interface PublishedEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

export interface RotationFixture {
  aws: AwsSandbox;
  director: DirectorSimulator;
  directorClient: DirectorClient;
  settings: RuntimeSettings;
  eventBridge: EventBridgeClient;
  eventBridgeMock: AwsClientStub<EventBridgeClient>;
  logger: RecordingLogger;
  /** Every pause the rotation asked for (virtual: IAM's clock moves by it). */
  sleeps: number[];
  /** One round of Director's simulated fetcher (`fetcher` option); the rotation's pauses run one each too. */
  fetchRound(): Promise<FetchRoundResult[]>;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  context(overrides?: Partial<KeyRotationContext>): KeyRotationContext;
  /** Onboards ACCOUNT: reader user, key in the secret, log source in Director, its id on the secret. */
  onboard(): Promise<{ accessKeyId: string; logSourceId: string }>;
  events(): PublishedEvent[];
  logSources(): JsonObject[];
  directorAccessKey(): string | undefined;
  keyIds(): string[];
  /** The access key id stored at a staging label of the account secret. */
  secretKeyId(stage: string): string | undefined;
  stagesByVersion(): Record<string, string[]>;
  /** Secret halves of every key IAM holds now, remembered for later leak scans. */
  rememberIssuedSecrets(): string[];
  issuedSecrets(): string[];
  stop(): Promise<void>;
}

export interface RotationFixtureOptions {
  /** Virtual milliseconds during which S3 refuses a new key. */
  propagationDelayMs?: number;
  director?: DirectorSimulatorOptions;
  /**
   * Director's simulated S3 fetcher over the account's log prefix, signing with each source's own
   * key against the S3 stand-in. It runs a round on `fetchRound()` and after every pause the
   * rotation takes (Director keeps fetching while the rotation waits), never by itself.
   * `signWith` is what Director signs with, given the pair the source was sent (default: that pair).
   */
  fetcher?: { signWith?: (sent: FetcherCredentials) => FetcherCredentials };
}

export async function startRotationFixture(options: RotationFixtureOptions = {}): Promise<RotationFixture> {
  let offsetMs = 0;
  const clock = (): number => Date.now() + offsetMs;
  const sleeps: number[] = [];
  let fetchRound = (): Promise<FetchRoundResult[]> => Promise.resolve([]);
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
    offsetMs += ms;
    await fetchRound();
  };
  const now = (): Date => new Date(clock());

  const aws = await createAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION, propagationDelayMs: options.propagationDelayMs ?? 0, clock });
  await aws.createTrailBucket({ name: BUCKET, layout: 'account', accountIds: [ACCOUNT], region: REGION });
  const fetcher = options.fetcher;
  const director = await startDirectorSimulator({
    orderDelayMs: 20,
    ...(fetcher === undefined
      ? {}
      : {
          fetcher: {
            strategy: 'prefix-only' as const,
            s3ClientFor: (sent: FetcherCredentials, region: string) => aws.s3ForCredentials(fetcher.signWith?.(sent) ?? sent, { region }),
            scopePrefixOf: () => cloudTrailLogPrefix({}, ACCOUNT),
          },
        }),
    ...options.director,
  });
  const simulatedFetcher = director.fetcher;
  if (simulatedFetcher !== undefined) fetchRound = () => simulatedFetcher.runOnce();
  const directorClient = new DirectorClient({
    baseUrl: director.baseUrl,
    poolUuid: director.poolUuid,
    logpointId: director.logpointId,
    credentials: new InMemoryDirectorCredentialsStore({ secretKey: director.secretKey }),
    timeoutMs: 2_000,
    retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 100 },
  });
  const settings = runtimeSettingsSchema.parse({
    director: { baseUrl: director.baseUrl, poolUuid: director.poolUuid, logpointId: director.logpointId, credentialSecretId: 'logpoint/director' },
    trail: { bucketName: BUCKET, bucketRegion: REGION },
    // With a fetcher, as in the sandbox: the trail delivered its files before the source was
    // registered, and fetching from a day back lets Director find them.
    logSource: fetcher === undefined ? {} : { filterDate: { policy: 'days-ago', days: 1 } },
  });
  const eventBridge = new EventBridgeClient({ region: REGION });
  const eventBridgeMock = mockClient(eventBridge);
  eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'test-event' }] });
  const logger = new RecordingLogger();
  const issued = new Set<string>();

  const fixture: RotationFixture = {
    aws,
    director,
    directorClient,
    settings,
    eventBridge,
    eventBridgeMock,
    logger,
    sleeps,
    fetchRound: () => fetchRound(),
    sleep,
    now,
    context: (overrides = {}) => ({
      iam: aws.iam,
      secretsManager: aws.secretsManager,
      eventBridge,
      director: () => directorClient,
      s3: aws.s3ForProduct({ region: REGION }),
      s3ForCredentials: (credentials, region) => aws.s3ForCredentials(credentials, { region }),
      settings,
      now,
      sleep,
      logger,
      timeouts: TEST_TIMEOUTS,
      ...overrides,
    }),
    onboard: async () => {
      const request = resolveOnboardingRequest({ accountId: ACCOUNT }, settings);
      const bucket = await checkTrailBucket(aws.s3ForProduct({ region: REGION }), {
        accountId: ACCOUNT,
        bucketName: BUCKET,
        bucketRegion: REGION,
      });
      const reader = await provisionReader({ iam: aws.iam, secretsManager: aws.secretsManager }, { accountId: ACCOUNT, bucket });
      const registration = await registerLogSource(
        { director: directorClient, secretsManager: aws.secretsManager, logSource: settings.logSource, orderPolling: settings.orderPolling, now },
        { request, bucket, reader },
      );
      if (registration.orderPath === null) throw new Error('the onboarding fixture expects Director to answer the registration');
      await directorClient.waitForOrder(registration.orderPath, { deadlineMs: 3_000, initialDelayMs: 5, maxDelayMs: 20 });
      const startedAt = now().toISOString();
      const result = await finalizeOnboarding(
        { iam: aws.iam, secretsManager: aws.secretsManager, director: directorClient },
        {
          request,
          reader,
          registration,
          order: { status: 'SUCCEEDED', logSourceId: null, nextWaitSeconds: 1, attempt: 1, startedAt, deadlineAt: startedAt },
        },
      );
      fixture.rememberIssuedSecrets();
      return { accessKeyId: result.accessKeyId, logSourceId: result.logSourceId };
    },
    events: () =>
      eventBridgeMock
        .commandCalls(PutEventsCommand)
        .flatMap((call) => call.args[0].input.Entries ?? [])
        .map((entry: PutEventsRequestEntry) => ({
          source: entry.Source ?? '',
          detailType: entry.DetailType ?? '',
          detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
        })),
    logSources: () => director.logSources(),
    directorAccessKey: () => {
      const [source] = director.logSources();
      const connector = ((source?.config ?? {}) as JsonObject).Connector as JsonObject | undefined;
      return typeof connector?.access_key === 'string' ? connector.access_key : undefined;
    },
    keyIds: () =>
      aws.fakes.iam
        .accessKeys()
        .filter((key) => key.userName === USER)
        .map((key) => key.accessKeyId),
    secretKeyId: (stage) => {
      const value = aws.fakes.secretsManager.revealSecretValueForTest(SECRET, stage);
      return value === undefined ? undefined : (JSON.parse(value) as { accessKeyId?: string }).accessKeyId;
    },
    stagesByVersion: () =>
      Object.fromEntries(
        (aws.fakes.secretsManager.secrets().find((secret) => secret.name === SECRET)?.versions ?? []).map((version) => [version.versionId, version.stages]),
      ),
    rememberIssuedSecrets: () => {
      for (const id of fixture.keyIds()) issued.add(aws.fakes.iam.revealSecretAccessKeyForTest(id));
      return [...issued];
    },
    issuedSecrets: () => [...issued],
    stop: async () => {
      eventBridgeMock.restore();
      await directorClient.close();
      await director.stop();
      await aws.stop();
    },
  };
  return fixture;
}

/**
 * Samples how many keys the reader user holds after every IAM call, for "never more than two".
 * Returns the highest count seen.
 */
export function watchKeyCount(fixture: RotationFixture): () => number {
  let highest = fixture.keyIds().length;
  const original = fixture.aws.iam.send.bind(fixture.aws.iam) as (command: unknown) => Promise<unknown>;
  const spy = vi.spyOn(fixture.aws.iam, 'send');
  spy.mockImplementation((async (command: unknown) => {
    try {
      return await original(command);
    } finally {
      highest = Math.max(highest, fixture.keyIds().length);
    }
  }) as never);
  return () => highest;
}

/** Fails when any of `secrets` appears anywhere in the JSON of `values`. */
export function findLeaks(secrets: readonly string[], ...values: unknown[]): string[] {
  const text = values.map((value) => (value instanceof Error ? `${value.message} ${JSON.stringify(value)}` : JSON.stringify(value))).join('\n');
  return secrets.filter((secret) => secret.length > 0 && text.includes(secret));
}
