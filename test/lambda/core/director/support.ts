import { startDirectorSimulator } from '../../../../local/director-simulator/index.js';
import type { DirectorSimulator, DirectorSimulatorOptions, JsonObject } from '../../../../local/director-simulator/index.js';
import { DirectorClient, InMemoryDirectorCredentialsStore } from '../../../../lambda/core/director/index.js';
import type { DirectorClientOptions, DirectorLogger, LogSourceBody } from '../../../../lambda/core/director/index.js';

/** The Connector secret used in every sample body: tests search for it in errors and logs. */
export const SAMPLE_SECRET_KEY_VALUE = 'test-only+AWSsecretValue/DoNotLeak0123456789';

/** The seed guide's create example, with test values and a name of the caller's choice. */
export function sampleLogSourceBody(name = 'CloudTrail-111122223333'): LogSourceBody {
  return {
    name,
    type: 'S3Fetcher',
    vendor_name: 'AWS',
    logo: '',
    description: 'Fetches logs from AWS CloudTrail stored in Amazon S3 buckets.',
    config: {
      Source: { name, interval: 60, charset: 'utf_8', timezone: 'UTC' },
      Connector: {
        endpoint_url: 'https://s3.amazonaws.com',
        access_key: 'AKIATESTONLYEXAMPLE0',
        secret_key: SAMPLE_SECRET_KEY_VALUE,
        bucket_name: 'org-trail-bucket',
        region_name: 'eu-west-1',
        filter_date: '2024-08-06T08:44:13.220Z',
        parser: 'CloudTrailLogParser',
        enable_proxy: false,
        protocol: 'http',
      },
      RoutingPolicy: { routing_criterion: [], catch_all: '_logpoint' },
      NormalizationPolicy: { normalizers: [{ name: 'CloudTrailCompiledNormalizer', type: 'compiled' }] },
    },
    documentation_link: 'https://docs.logpoint.com/docs/cloud-trail/en/latest/',
    template_vid: 'LOGSOURCE_99',
    dc_metadata: { template: 'f62308c7-d9e6-4f44-bdc5-ed4371b6fe56', templateVersion: '1' },
  };
}

/** A sample body as a simulator seed entry (write shape, optional id). */
export function seededLogSource(name: string, id?: string): JsonObject {
  return JSON.parse(JSON.stringify({ ...sampleLogSourceBody(name), id })) as JsonObject;
}

/** Every line a client logged, with its attributes serialised, for secret scans. */
export class RecordingLogger implements DirectorLogger {
  readonly lines: string[] = [];

  debug(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push(`DEBUG ${message} ${JSON.stringify(attributes ?? {})}`);
  }

  info(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push(`INFO ${message} ${JSON.stringify(attributes ?? {})}`);
  }

  warn(message: string, attributes?: Record<string, unknown>): void {
    this.lines.push(`WARN ${message} ${JSON.stringify(attributes ?? {})}`);
  }
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

/** Waits with real time (orders in the simulator complete by the clock). */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The rejection of `promise`, failing the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
