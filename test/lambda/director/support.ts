import { afterEach } from 'vitest';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import type { DirectorSimulator, DirectorSimulatorOptions, JsonObject } from '../../../local/director-simulator/index.js';
import { DirectorClient, InMemoryDirectorCredentialsStore } from '../../../lambda/director/index.js';
import type { DirectorClientOptions, LogSourceBody } from '../../../lambda/director/index.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { seedLogSourceBody } from '../../support/seed-log-source.js';

export { rejectionOf } from '../../support/rejections.js';

/** The Connector secret used in every sample body: tests search for it in errors and logs. */
export const SAMPLE_SECRET_KEY_VALUE = 'test-only+AWSsecretValue/DoNotLeak0123456789';

/** The seed guide's create example, with test values and a name of the caller's choice. */
export function sampleLogSourceBody(name = 'CloudTrail-111122223333'): LogSourceBody {
  return seedLogSourceBody({
    name,
    accessKey: 'AKIATESTONLYEXAMPLE0',
    secretKey: SAMPLE_SECRET_KEY_VALUE,
    bucketName: 'org-trail-bucket',
    regionName: 'eu-west-1',
  });
}

/** A sample body as a simulator seed entry (write shape, optional id). */
export function seededLogSource(name: string, id?: string): JsonObject {
  return JSON.parse(JSON.stringify({ ...sampleLogSourceBody(name), id })) as JsonObject;
}

export interface Harness {
  director: DirectorSimulator;
  client: DirectorClient;
  store: InMemoryDirectorCredentialsStore;
  logger: RecordingLogger;
  /** Every backoff / poll delay the client asked for; the injected sleep returns at once. */
  sleeps: number[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  simulator?: DirectorSimulatorOptions;
  client?: Partial<DirectorClientOptions>;
  /** Initial secret contents; default: the simulator's secretKey and no token. */
  credentials?: (director: DirectorSimulator) => { secretKey: string; token?: string };
}

/** A simulator on 127.0.0.1 and a client pointed at it, with instant sleeps and a recording logger. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const director = await startDirectorSimulator({ orderDelayMs: 20, ...options.simulator });
  const store = new InMemoryDirectorCredentialsStore(options.credentials?.(director) ?? { secretKey: director.secretKey });
  const logger = new RecordingLogger();
  const sleeps: number[] = [];
  const client = new DirectorClient({
    baseUrl: director.baseUrl,
    poolUuid: director.poolUuid,
    logpointId: director.logpointId,
    credentials: store,
    timeoutMs: 2_000,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 5_000 },
    logger,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...options.client,
  });
  return {
    director,
    client,
    store,
    logger,
    sleeps,
    close: async () => {
      await client.close();
      await director.stop();
    },
  };
}

/** Registers an afterEach that closes the harness a test started; returns the starter the tests call. */
export function harnessPerTest(): (options?: HarnessOptions) => Promise<Harness> {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  return async (options = {}) => {
    harness = await startHarness(options);
    return harness;
  };
}

/** Waits with real time (orders in the simulator complete by the clock). */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
