import { SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID } from './constants.js';
import type { Scenario } from './scenario-types.js';

/** The four member accounts of the drift scenario, each in its own situation. */
export const DRIFT_ACCOUNTS = {
  /** Onboarded, fetched, still ACTIVE: nothing to report. */
  healthy: '200000000001',
  /** ACTIVE and admitted, never onboarded: reported NOT_COLLECTED and onboarded. */
  missing: '200000000002',
  /** Onboarded, then closed: reported CLOSED_STILL_COLLECTED and offboarded. */
  closed: '200000000003',
  /** Onboarded, but its logs stopped two days ago: reported DATA_STOPPED, left for a person. */
  stale: '200000000004',
} as const;

const TWO_DAYS_MS = 2 * 24 * 3_600_000;

/**
 * `npm start -- --scenario reconcile-drift`: an organization that drifted away from what the
 * product set up, and one reconciliation that finds all of it and repairs what is safe.
 */
export function reconcileDriftScenario(): Scenario {
  const accountIds = Object.values(DRIFT_ACCOUNTS);
  return {
    name: 'reconcile-drift',
    summary:
      'An organization that drifted: an account nobody onboarded, a closed account still collected, and an account whose logs stopped. ' +
      'One reconciliation reports all three (event and registry), onboards the missing account, offboards the closed one, and leaves the stale source to a person.',
    expected: 'SUCCEEDED',
    accountId: DRIFT_ACCOUNTS.missing,
    sandbox: {
      trail: { layout: 'account', accountIds, objectsPerAccount: 1 },
      organization: {
        organizationId: SANDBOX_ORGANIZATION_ID,
        managementAccountId: SANDBOX_ACCOUNT_ID,
        accounts: accountIds.map((id) => ({ id })),
      },
      // Governed like a fleet: its repairs are onboardings and offboardings in parallel.
      config: { director: { maxRequestsPerSecond: 50, maxConcurrentOrders: 10 } },
    },
    play: async ({ sandbox, onboard, reconcile, say }) => {
      const runs = [];
      for (const accountId of [DRIFT_ACCOUNTS.healthy, DRIFT_ACCOUNTS.closed, DRIFT_ACCOUNTS.stale]) {
        say(`Onboarding ${accountId}…`);
        runs.push(await onboard({ accountId, trigger: 'sandbox' }));
      }
      say(`Account ${DRIFT_ACCOUNTS.closed} is closed in AWS Organizations (no offboarding event reached the product).`);
      sandbox.aws.fakes.organizations.addAccount({ id: DRIFT_ACCOUNTS.closed, state: 'SUSPENDED' });
      const staleSource = sandbox.director.logSources().find((source) => source.name === `CloudTrail-${DRIFT_ACCOUNTS.stale}`);
      if (staleSource === undefined || typeof staleSource.id !== 'string') throw new Error(`reconcile-drift: no log source for ${DRIFT_ACCOUNTS.stale}.`);
      say(`The trail of ${DRIFT_ACCOUNTS.stale} stopped delivering two days ago: Director has received nothing since.`);
      sandbox.director.dataStoppedAt(staleSource.id, new Date(Date.now() - TWO_DAYS_MS).toISOString());
      say(`Account ${DRIFT_ACCOUNTS.missing} was never onboarded. Reconciling…`);
      runs.push(await reconcile({ trigger: 'sandbox' }));
      return runs;
    },
  };
}
