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
      // Against a limited Director, the product's own request budget paces every caller a little below the limit.
      ...(rate === undefined ? {} : { config: { director: { maxRequestsPerSecond: Math.round(rate * 0.9 * 100) / 100 } } }),
    },
    play: async ({ sandbox, fleet, say }) => {
      if (rate !== undefined) sandbox.director.faults.rateLimit(rate);
      say(`Starting a fleet run of the organization's ${accounts + 1} accounts…`);
      return [await fleet({ trigger: 'sandbox' })];
    },
  };
}
