import { ErrorCode } from '../lambda/contract/error-codes.js';
import { DirectorClient, InMemoryDirectorCredentialsStore, type LogSourceBody } from '../lambda/director/index.js';
import { createDirectorGovernor, type DirectorGovernor } from '../lambda/governance/governor.js';
import { fullJitterBackoff } from '../lambda/shared/backoff.js';
import { OnboardingError } from '../lambda/shared/errors.js';
import { DynamoDbSandbox } from '../local/aws/dynamodb-sandbox.js';
import { SimulatedClock, seededRandom } from '../local/simulated-clock.js';
import { FleetDirector, logSourceName } from './fleet-director.js';

/**
 * The fleet bench: many creating onboardings' Director calls at once, through the real Director
 * client and the real governor (token bucket and order slots in DynamoDB, dynalite in process), against
 * a Director that allows `requestsPerSecond` (fleet-director.ts), all on one simulated clock: a
 * thousand accounts' worth of waiting takes seconds.
 *
 * Each onboarding is what the workflow sends when it creates a source (docs/director-contract.md):
 * token refresh, POST, its order's poll, refreshlist, its order's poll, the list, then the
 * data-plane read of the source: 7 requests. It holds an order slot from before the POST until its
 * order is done; a run that finds every slot held waits with full jitter and asks again, as the
 * step's Retry would. `callers` onboardings run at a time (a Map's MaxConcurrency).
 */

export interface FleetBenchOptions {
  accounts: number;
  callers: number;
  requestsPerSecond: number;
  maxConcurrentOrders: number;
  /** Without the governor: each client paces only itself (its retries on 429). */
  governed: boolean;
  /** @default 50 */
  latencyMs?: number;
  /** @default 1 */
  seed?: number;
}

export interface FleetBenchResult {
  accounts: number;
  /** Onboardings that ended with an error, by code. */
  failed: number;
  failures: Record<string, number>;
  duplicates: number;
  /** Requests Director answered 429 (not acted on). */
  refused: number;
  admitted: number;
  /**
   * Admitted requests per second while work remained, over the limit: admitted ÷ (limit × T),
   * T = seconds from the start (every onboarding queued) to the last admitted request, plus one
   * request interval (1/limit) for that request's own turn.
   */
  rateUtilization: number;
  simulatedSeconds: number;
  /** Most orders in flight at once, as the onboardings themselves count them. */
  peakConcurrentOrders: number;
}

const TABLE = 'CloudTrailOnboarding-AccountLocks';
const LOCATION = { poolUuid: 'a'.repeat(32), logpointId: 'b'.repeat(32) };
const ORDER_LEASE_SECONDS = 900;
/** The step's Retry on DIRECTOR_ORDER_SLOTS_FULL, as a full-jitter backoff: below 2, 4, 8 … 30 s. */
const SLOT_RETRY = { initialMs: 2_000, capMs: 30_000, attempts: 50 } as const;

export async function runFleetBench(options: FleetBenchOptions): Promise<FleetBenchResult> {
  const clock = new SimulatedClock();
  const random = seededRandom(options.seed ?? 1);
  const dynamo = await DynamoDbSandbox.start({ tables: [{ name: TABLE, partitionKey: 'accountId' }] });
  const director = new FleetDirector({ clock, requestsPerSecond: options.requestsPerSecond, latencyMs: options.latencyMs ?? 50, ...LOCATION });
  const governor = options.governed
    ? createDirectorGovernor(
        dynamo.client,
        { tableName: TABLE, maxRequestsPerSecond: options.requestsPerSecond, maxConcurrentOrders: options.maxConcurrentOrders },
        { ...clock, random },
      )
    : undefined;
  const failures: Record<string, number> = {};
  const orders = { inFlight: 0, peak: 0 };
  const startedAt = clock.now();

  const onboard = async (account: string): Promise<void> => {
    const client = new DirectorClient({
      baseUrl: 'https://director.bench.invalid',
      ...LOCATION,
      credentials: new InMemoryDirectorCredentialsStore({ secretKey: `sk-${account}` }),
      fetch: director.fetch,
      now: clock.now,
      sleep: clock.sleep,
      random,
      ...(governor === undefined ? {} : { budget: governor.requests }),
    });
    await holdingOrderSlot(governor, account, clock, random, orders, async () => {
      const order = await client.createLogSource(sampleBody(account));
      await client.waitForOrder(order);
    });
    const source = await client.findLogSourceByName(logSourceName(account), { afterWrite: true });
    if (source === null) throw new Error(`the bench lost the source of ${account}`);
    await client.getLogSource(source.id);
  };

  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < options.accounts) {
      const account = String(100_000_000_000 + next++);
      await onboard(account).catch((error: unknown) => {
        const code = error instanceof OnboardingError ? error.code : ErrorCode.INTERNAL;
        failures[code] = (failures[code] ?? 0) + 1;
      });
    }
  };
  try {
    await clock.run(() => Promise.all(Array.from({ length: options.callers }, caller)));
  } finally {
    await dynamo.stop();
  }

  const lastAdmitted = director.admittedAt.at(-1) ?? startedAt;
  const seconds = (lastAdmitted - startedAt) / 1000 + 1 / options.requestsPerSecond;
  return {
    accounts: options.accounts,
    failed: Object.values(failures).reduce((sum, count) => sum + count, 0),
    failures,
    duplicates: director.duplicates,
    refused: director.refused,
    admitted: director.admittedAt.length,
    rateUtilization: director.admittedAt.length / (options.requestsPerSecond * seconds),
    simulatedSeconds: (clock.now() - startedAt) / 1000,
    peakConcurrentOrders: orders.peak,
  };
}

/** Runs `work` holding one of Director's order slots (without a governor: just runs it). */
async function holdingOrderSlot(
  governor: DirectorGovernor | undefined,
  owner: string,
  clock: SimulatedClock,
  random: () => number,
  orders: { inFlight: number; peak: number },
  work: () => Promise<void>,
): Promise<void> {
  for (let attempt = 0; governor !== undefined; attempt += 1) {
    try {
      await governor.orders.acquire(owner, ORDER_LEASE_SECONDS);
      break;
    } catch (error) {
      if (!(error instanceof OnboardingError && error.code === ErrorCode.DIRECTOR_ORDER_SLOTS_FULL) || attempt + 1 >= SLOT_RETRY.attempts) throw error;
      await clock.sleep(fullJitterBackoff(SLOT_RETRY.initialMs, attempt, SLOT_RETRY.capMs, random));
    }
  }
  orders.inFlight += 1;
  orders.peak = Math.max(orders.peak, orders.inFlight);
  try {
    await work();
  } finally {
    orders.inFlight -= 1;
    await governor?.orders.release(owner);
  }
}

function sampleBody(account: string): LogSourceBody {
  const name = logSourceName(account);
  return {
    name,
    type: 'S3Fetcher',
    config: {
      Source: { name, interval: 1, charset: 'utf_8', timezone: 'UTC' },
      Connector: {
        access_key: 'AKIABENCHEXAMPLE0000',
        secret_key: 'bench-only-secret',
        bucket_name: 'org-trail-bucket',
        region_name: 'eu-west-1',
        filter_date: '2026-01-01T00:00:00Z',
      },
      RoutingPolicy: { routing_criterion: [], catch_all: 'default' },
      NormalizationPolicy: { normalizers: [] },
    },
  };
}
