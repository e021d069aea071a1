import { SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID } from './constants.js';
import type { Scenario } from './scenario-types.js';

/** `npm start -- --scenario fleet --accounts N --director-rate R`. */
export interface FleetScenarioParameters {
  /** Member accounts of the sandbox organization to onboard. @default 25 */
  accounts?: number;
  /** Director's limit in requests per second (429 above it); none by default. */
  directorRate?: number;
}

const DEFAULT_FLEET_ACCOUNTS = 25;
/** The request budget when Director itself sets no limit. */
const UNLIMITED_DIRECTOR_BUDGET = 50;
/** Orders in flight at once: the fleet Map's default concurrency, so the slots bound Director without slowing the run. */
const FLEET_ORDER_SLOTS = 10;
/** A closed member account: listed by Organizations, left out by the fleet run (only ACTIVE accounts are onboarded). */
const CLOSED_ACCOUNT_ID = '999900000000';

/** `100000000001`, `100000000002`, …: the fleet's member accounts. */
export function fleetAccountIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => String(100_000_000_001 + index));
}

/**
 * The existing organization onboarded in one fleet run: N member accounts, each with its own
 * account trail delivering to the one bucket (per-account collection), listed by AWS
 * Organizations, onboarded through the onboarding workflow ten at a time.
 */
export function fleetScenario(parameters: FleetScenarioParameters = {}): Scenario {
  const accounts = parameters.accounts ?? DEFAULT_FLEET_ACCOUNTS;
  const accountIds = fleetAccountIds(accounts);
  const rate = parameters.directorRate;
  return {
    name: 'fleet',
    summary:
      `Onboards an existing organization of ${accounts} ACTIVE accounts (and one closed account, left out) in one fleet run: ` +
      `Organizations lists them, the onboarding workflow runs for each, ten at a time${rate === undefined ? '' : `, against a Director limited to ${rate} requests/s`}.`,
    expected: 'SUCCEEDED',
    ...(rate === undefined ? {} : { directorRate: rate }),
    sandbox: {
      trail: { layout: 'account', accountIds, objectsPerAccount: 1 },
      organization: {
        organizationId: SANDBOX_ORGANIZATION_ID,
        managementAccountId: SANDBOX_ACCOUNT_ID,
        accounts: [...accountIds.map((id) => ({ id })), { id: CLOSED_ACCOUNT_ID, state: 'CLOSED' as const }],
      },
      // Hundreds of sources: the simulated fetcher looks a little less often.
      fetcher: { intervalMs: 250 },
      // The product's own Director budget, as a fleet operator would set it: a little below a limited Director's rate (or
      // 50 requests/s), and as many orders in flight as the Map runs onboardings.
      config: {
        director: {
          maxRequestsPerSecond: rate === undefined ? UNLIMITED_DIRECTOR_BUDGET : Math.round(rate * 0.9 * 100) / 100,
          maxConcurrentOrders: FLEET_ORDER_SLOTS,
        },
      },
    },
    play: async ({ sandbox, fleet, say }) => {
      if (rate !== undefined) sandbox.director.faults.rateLimit(rate);
      say(`Starting a fleet run of the organization's ${accounts + 1} accounts…`);
      return [await fleet({ trigger: 'sandbox' })];
    },
  };
}
