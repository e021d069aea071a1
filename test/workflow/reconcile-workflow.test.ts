import { handMadeLogSource } from '../../local/sandbox/hand-made-source.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, startSandbox, type Sandbox } from '../../local/sandbox/environment.js';
import { DRIFT_ACCOUNTS } from '../../local/sandbox/reconcile-scenario.js';
import type { JsonObject } from '../../local/director-simulator/index.js';

/**
 * The reconciliation workflow, synthesized and run locally against an organization that drifted:
 * what it reports (event and registry), what it repairs through the real onboarding and
 * offboarding workflows, and what it never touches (a source the product did not create).
 */

const ACCOUNTS = Object.values(DRIFT_ACCOUNTS);
const HAND_MADE = 'Firewall logs, made by hand';
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function driftedOrganization(config: Record<string, unknown> = {}): Promise<Sandbox> {
  const box = await startSandbox({
    waitMs: 20,
    trail: { layout: 'account', accountIds: ACCOUNTS, objectsPerAccount: 1 },
    organization: { organizationId: SANDBOX_ORGANIZATION_ID, managementAccountId: SANDBOX_ACCOUNT_ID, accounts: ACCOUNTS.map((id) => ({ id })) },
    director: { seed: { logSources: [handMadeLogSource(HAND_MADE)] } },
    config,
  });
  sandbox = box;
  for (const accountId of [DRIFT_ACCOUNTS.healthy, DRIFT_ACCOUNTS.closed, DRIFT_ACCOUNTS.stale]) {
    expect((await box.run({ accountId, trigger: 'test' })).status).toBe('SUCCEEDED');
  }
  box.aws.fakes.organizations.addAccount({ id: DRIFT_ACCOUNTS.closed, state: 'SUSPENDED' });
  box.director.dataStoppedAt(sourceOf(box, DRIFT_ACCOUNTS.stale).id as string, new Date(Date.now() - 48 * 3_600_000).toISOString());
  return box;
}

function sourceOf(box: Sandbox, accountId: string): JsonObject {
  const found = box.director.logSources().find((source) => source.name === `CloudTrail-${accountId}`);
  if (found === undefined) throw new Error(`no source for ${accountId}`);
  return found;
}

async function driftOf(box: Sandbox): Promise<Record<string, string[]>> {
  const items = await box.aws.fakes.dynamo.items(box.aws.accountRegistryTable);
  return Object.fromEntries(items.map((item) => [item.accountId?.S ?? '?', [...(item.drift?.SS ?? [])].sort()]));
}

describe('reconciliation workflow', () => {
  it('reports a missing, a closed and a stale account, onboards the missing one, offboards the closed one and leaves the stale source to a person', async () => {
    const box = await driftedOrganization();
    const handMadeBefore = box.director.logSources().find((source) => source.name === HAND_MADE);

    const result = await box.reconcile({ trigger: 'test' });

    expect(result.status).toBe('SUCCEEDED');
    const event = box.events.find((published) => published.detailType === 'Fleet Drift Detected');
    const detail = event?.detail as {
      findings: { accountId: string; kinds: string[] }[];
      onboarded: unknown[];
      offboarded: unknown[];
      repairsSkipped: boolean;
    };
    expect(detail.findings.map(({ accountId, kinds }) => [accountId, kinds])).toEqual([
      [DRIFT_ACCOUNTS.missing, ['NOT_COLLECTED']],
      [DRIFT_ACCOUNTS.closed, ['CLOSED_STILL_COLLECTED']],
      [DRIFT_ACCOUNTS.stale, ['DATA_STOPPED']],
    ]);
    expect(detail.onboarded).toEqual([expect.objectContaining({ accountId: DRIFT_ACCOUNTS.missing, status: 'SUCCEEDED' })]);
    expect(detail.offboarded).toEqual([expect.objectContaining({ accountId: DRIFT_ACCOUNTS.closed, status: 'SUCCEEDED' })]);
    expect(detail.repairsSkipped).toBe(false);

    const names = box.director.logSources().map((source) => source.name);
    expect(names).toContain(`CloudTrail-${DRIFT_ACCOUNTS.missing}`);
    expect(names).not.toContain(`CloudTrail-${DRIFT_ACCOUNTS.closed}`);
    expect(names).toContain(`CloudTrail-${DRIFT_ACCOUNTS.stale}`);
    // The hand-made source is still there, and no write ever named it.
    const handMadeAfter = box.director.logSources().find((source) => source.name === HAND_MADE);
    expect(handMadeAfter?.id).toBe(handMadeBefore?.id);
    const handMadeUuid = (handMadeBefore?.id as string).replace('LogSources/', '');
    expect(box.director.operations.filter((operation) => operation.includes(handMadeUuid))).toEqual([]);

    // The repaired accounts' drift went with the repair; the stale source's stays until its logs come back.
    expect(await driftOf(box)).toMatchObject({
      [DRIFT_ACCOUNTS.healthy]: [],
      [DRIFT_ACCOUNTS.missing]: [],
      [DRIFT_ACCOUNTS.closed]: [],
      [DRIFT_ACCOUNTS.stale]: ['DATA_STOPPED'],
    });
  });

  it('finds only what is left on a second run, starting nothing', async () => {
    const box = await driftedOrganization();
    await box.reconcile({ trigger: 'test' });
    const writesBefore = box.director.operations.length;

    await box.reconcile({ trigger: 'test' });

    const events = box.events.filter((published) => published.detailType === 'Fleet Drift Detected');
    const detail = events.at(-1)?.detail as { findings: { accountId: string }[]; onboarded: unknown[]; offboarded: unknown[] };
    expect(detail.findings.map((finding) => finding.accountId)).toEqual([DRIFT_ACCOUNTS.stale]);
    expect(detail.onboarded).toEqual([]);
    expect(detail.offboarded).toEqual([]);
    expect(box.director.operations.length).toBe(writesBefore);
  });

  it('reports and records but repairs nothing on a dry run, or when reconcile.repair is false', async () => {
    for (const [config, input] of [
      [{}, { dryRun: true }],
      [{ reconcile: { repair: false } }, {}],
    ] as const) {
      const box = await driftedOrganization(config);
      const writesBefore = box.director.operations.length;

      const result = await box.reconcile(input);

      expect(result.status).toBe('SUCCEEDED');
      expect(box.director.operations.length).toBe(writesBefore);
      const detail = box.events.find((published) => published.detailType === 'Fleet Drift Detected')?.detail as {
        repairsSkipped: boolean;
        findings: unknown[];
      };
      expect(detail).toMatchObject({ repairsSkipped: true });
      expect(detail.findings).toHaveLength(3);
      expect((await driftOf(box))[DRIFT_ACCOUNTS.missing]).toEqual(['NOT_COLLECTED']);
      await box.stop();
      sandbox = undefined;
    }
  });

  it('publishes nothing when there is no drift', async () => {
    const box = await startSandbox({
      waitMs: 20,
      trail: { layout: 'account', accountIds: [DRIFT_ACCOUNTS.healthy], objectsPerAccount: 1 },
      organization: { organizationId: SANDBOX_ORGANIZATION_ID, managementAccountId: SANDBOX_ACCOUNT_ID, accounts: [{ id: DRIFT_ACCOUNTS.healthy }] },
    });
    sandbox = box;
    await box.run({ accountId: DRIFT_ACCOUNTS.healthy, trigger: 'test' });

    const result = await box.reconcile({});

    expect(result.status).toBe('SUCCEEDED');
    expect(box.events.map((published) => published.detailType)).not.toContain('Fleet Drift Detected');
  });
});
