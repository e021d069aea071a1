import { handMadeLogSource } from '../../local/sandbox/hand-made-source.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, startSandbox, type Sandbox } from '../../local/sandbox/environment.js';
import { fleetAccountIds } from '../../local/sandbox/fleet-scenario.js';
import type { FleetSummary } from '../../lambda/fleet/workflow-contract.js';

/**
 * The fleet workflow, synthesized and run locally: Organizations lists the accounts, the Map runs
 * the real onboarding workflow for each (StartExecution.sync in the sandbox), a failed account is
 * recorded while the others go on, and the summary and event say what happened.
 */

const ACCOUNTS = fleetAccountIds(4);
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function start(extra: { accounts?: string[]; config?: Record<string, unknown>; seedHandMadeFor?: string } = {}): Promise<Sandbox> {
  const accounts = extra.accounts ?? ACCOUNTS;
  sandbox = await startSandbox({
    waitMs: 20,
    trail: { layout: 'account', accountIds: accounts, objectsPerAccount: 1 },
    organization: {
      organizationId: SANDBOX_ORGANIZATION_ID,
      managementAccountId: SANDBOX_ACCOUNT_ID,
      accounts: [...accounts.map((id) => ({ id })), { id: '999900000000', state: 'CLOSED' }],
    },
    config: { fleet: { maxConcurrency: 2 }, ...extra.config },
    ...(extra.seedHandMadeFor === undefined ? {} : { director: { seed: { logSources: [handMadeLogSource(`CloudTrail-${extra.seedHandMadeFor}`)] } } }),
  });
  return sandbox;
}

describe('fleet workflow', () => {
  it('onboards every ACTIVE account of the organization through the onboarding workflow, leaves the closed one out, and reports it all', async () => {
    const box = await start();

    const result = await box.fleet({ trigger: 'test' });

    expect(result.error).toBeNull();
    const summary = result.output as FleetSummary;
    expect(summary).toMatchObject({
      accounts: 4,
      succeeded: 4,
      failed: 0,
      trigger: 'test',
      excluded: [{ accountId: '999900000000', reason: 'not ACTIVE (CLOSED)' }],
    });
    expect(summary.onboarded.map((entry) => entry.accountId).sort()).toEqual(ACCOUNTS);
    expect(
      box.director
        .logSources()
        .map((source) => source.name)
        .sort(),
    ).toEqual(ACCOUNTS.map((id) => `CloudTrail-${id}`));
    expect(box.events.filter((event) => event.detailType === 'Onboarding Succeeded')).toHaveLength(4);
    expect(box.events.at(-1)).toMatchObject({ detailType: 'Fleet Onboarding Finished', detail: { accounts: 4, succeeded: 4, failed: 0, failures: [] } });
  });

  it("records one account's failure with its own error code, and onboards the others", async () => {
    const [blocked] = ACCOUNTS;
    const box = await start({ seedHandMadeFor: blocked });

    const result = await box.fleet({});

    expect(result.status).toBe('SUCCEEDED');
    const summary = result.output as FleetSummary;
    expect(summary).toMatchObject({ accounts: 4, succeeded: 3, failed: 1 });
    expect(summary.failures).toEqual([{ accountId: blocked, errorCode: 'NOT_OWNED', errorMessage: expect.stringContaining('did not create') }]);
  });

  it('onboards only the accounts an input names (still only ACTIVE ones)', async () => {
    const box = await start();

    const result = await box.fleet({ accountIds: [ACCOUNTS[1], '999900000000'] });

    const summary = result.output as FleetSummary;
    expect(summary).toMatchObject({ accounts: 1, succeeded: 1, onboarded: [{ accountId: ACCOUNTS[1] }] });
    expect(summary.excluded.map((entry) => entry.accountId).sort()).toEqual([...ACCOUNTS.filter((id) => id !== ACCOUNTS[1]), '999900000000'].sort());
  });

  it('in organization mode onboards the organization source first, then covers each account', async () => {
    const box = await startSandbox({
      waitMs: 20,
      trail: { layout: 'organization', organizationId: SANDBOX_ORGANIZATION_ID, accountIds: ACCOUNTS.slice(0, 2) },
      organization: { organizationId: SANDBOX_ORGANIZATION_ID, managementAccountId: SANDBOX_ACCOUNT_ID, accounts: ACCOUNTS.slice(0, 2).map((id) => ({ id })) },
    });
    sandbox = box;

    const result = await box.fleet({});

    expect(result.output).toMatchObject({ accounts: 2, succeeded: 2, failed: 0 });
    expect(result.events.some((event) => event.kind === 'exited' && event.state === 'OnboardOrganization')).toBe(true);
    expect(box.director.logSources().map((source) => source.name)).toEqual([`CloudTrail-${SANDBOX_ORGANIZATION_ID}`]);
    expect(box.events.filter((event) => event.detail.coverage === 'organization-source')).toHaveLength(2);
  });
});

describe('fleet workflow against a rate-limited Director', () => {
  it('stays within director.maxRequestsPerSecond across all concurrent onboardings: no 429, every account onboarded', async () => {
    const box = await start({ config: { fleet: { maxConcurrency: 4 }, director: { maxRequestsPerSecond: 4 } } });
    box.director.faults.rateLimit(5);

    const result = await box.fleet({});

    expect(result.output).toMatchObject({ accounts: 4, succeeded: 4, failed: 0 });
    expect(box.director.requests.filter((request) => request.status === 429)).toEqual([]);
    // Every Director call took its turn from the one budget in the lock table.
    expect((await box.aws.fakes.dynamo.items(box.aws.accountLockTable)).map((item) => item.accountId?.S)).toContain('director-budget');
  });
});
