import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, SANDBOX_ORGANIZATION_ID, type Sandbox } from '../../../local/sandbox/environment.js';
import { summarize, type ScenarioSummary } from '../../../local/sandbox/report.js';
import { findScenario, playScenario } from '../../../local/sandbox/scenarios.js';
import type { LocalRunResult } from '../../../local/sandbox/state-machine-runner.js';

/**
 * The organization trail's scenarios (local/sandbox/organization-scenarios.ts), played as the CLI
 * plays them: organization mode with one source for the whole trail and accounts covered by it,
 * and Control Tower's layout.
 */

const ORG = SANDBOX_ORGANIZATION_ID;
const ACCOUNT = '111122223333';
const ORG_USER = `cloudtrail-reader-${ORG}`;
const ORG_SECRET = `logpoint/cloudtrail/${ORG}`;

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function play(name: string): Promise<{ box: Sandbox; runs: LocalRunResult[]; summary: ScenarioSummary }> {
  const scenario = findScenario(name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  const box = await startSandbox({ waitMs: 20, ...scenario.sandbox });
  sandbox = box;
  const runs = await playScenario(scenario, box);
  return { box, runs, summary: await summarize(scenario, box, runs, scenario.accountId ?? ACCOUNT) };
}

const exitOf = (run: LocalRunResult | undefined, state: string) =>
  run?.events.find((event) => event.kind === 'exited' && event.state === state) as { output: Record<string, unknown> } | undefined;

describe('organization scenarios', () => {
  it('org-source: one source and one reader for AWSLogs/<o-id>/, and three accounts covered by it with nothing of their own', async () => {
    // Act
    const { box, runs, summary } = await play('org-source');

    // Assess: one source, one reader, one secret: the organization's.
    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.collection.mode).toBe('organization');
    const sources = summary.director.logSources as { id: string; name: string }[];
    expect(sources.map((source) => source.name)).toEqual([`CloudTrail-${ORG}`]);
    expect(summary.aws.users).toEqual([ORG_USER]);
    expect(summary.aws.secrets).toEqual(['logpoint/director/api', ORG_SECRET]);
    expect(exitOf(runs[0], 'CheckBucket')?.output).toMatchObject({ bucket: { logPrefix: `AWSLogs/${ORG}/` } });
    const [policy] = box.aws.fakes.iam.policies(ORG_USER);
    expect(JSON.stringify(policy?.document)).toContain(`AWSLogs/${ORG}/*`);
    // Each member account: covered, recorded, and announced with the organization's source.
    const covered = runs.slice(1).map((run) => run.output as Record<string, unknown>);
    expect(covered).toHaveLength(3);
    for (const output of covered) {
      expect(output).toMatchObject({ coverage: 'organization-source', organizationId: ORG, logSourceId: sources[0]?.id, dataPlane: { outcome: 'ONBOARDED' } });
    }
    const provisioned = runs.slice(1).filter((run) => run.events.some((event) => event.kind === 'entered' && event.state === 'ProvisionReader'));
    expect(provisioned).toEqual([]);
    expect(summary.collection.registry.map(({ accountId, state, coverage }) => ({ accountId, state, coverage }))).toEqual([
      ...['111122223333', '222233334444', '555566667777'].map((accountId) => ({ accountId, state: 'COVERED', coverage: 'organization-source' })),
      { accountId: ORG, state: 'ONBOARDED', coverage: 'organization' },
    ]);
    expect(summary.events.map((event) => event.detail.coverage)).toEqual(['organization', 'organization-source', 'organization-source', 'organization-source']);
    expect(summary.dataPlane.outcome).toBe('ONBOARDED');
  });

  it('new-account-covered: waits for the new account\'s first logs, then records it COVERED and publishes coverage "organization-source"', async () => {
    // Act
    const { runs, summary } = await play('new-account-covered');

    // Assess
    expect(summary.status).toBe('SUCCEEDED');
    const coverage = runs[1];
    const failures = coverage?.events.filter((event) => event.kind === 'failed' && event.state === 'CheckAccountLogs') ?? [];
    expect(failures.map((event) => (event as { error: string }).error)).toEqual(['NO_CLOUDTRAIL_LOGS']);
    expect(exitOf(coverage, 'CheckAccountLogs')?.output).toMatchObject({ bucket: { logPrefix: `AWSLogs/${ORG}/777788889999/CloudTrail/` } });
    expect(summary.events.at(-1)).toMatchObject({
      detailType: 'Onboarding Succeeded',
      detail: { accountId: '777788889999', coverage: 'organization-source', organizationId: ORG, dataPlane: { outcome: 'ONBOARDED' } },
    });
    expect(summary.collection.registry).toEqual([
      expect.objectContaining({ accountId: '777788889999', state: 'COVERED', mode: 'organization' }),
      expect.objectContaining({ accountId: ORG, state: 'ONBOARDED', coverage: 'organization' }),
    ]);
    expect(summary.aws.users).toEqual([ORG_USER]);
  });

  it('control-tower-layout: the organization source reads <o-id>/AWSLogs/<o-id>/, and the account is covered under <o-id>/AWSLogs/<o-id>/<account>/CloudTrail/', async () => {
    // Act
    const { box, runs, summary } = await play('control-tower-layout');

    // Assess
    expect(box.settings.trail).toMatchObject({ organizationId: ORG, trailPrefix: ORG });
    expect(summary.status).toBe('SUCCEEDED');
    expect(exitOf(runs[0], 'CheckBucket')?.output).toMatchObject({ bucket: { logPrefix: `${ORG}/AWSLogs/${ORG}/` } });
    const [policy] = box.aws.fakes.iam.policies(ORG_USER);
    expect(JSON.stringify(policy?.document)).toContain(`${ORG}/AWSLogs/${ORG}/*`);
    expect(exitOf(runs[1], 'CheckAccountLogs')?.output).toMatchObject({ bucket: { logPrefix: `${ORG}/AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/` } });
    expect(runs[1]?.output).toMatchObject({ coverage: 'organization-source', dataPlane: { outcome: 'ONBOARDED' } });
  });

  it('org-trail: per-account collection on an organization trail is chosen only with the explicit flag', async () => {
    // Act
    const { box, summary } = await play('org-trail');

    // Assess
    expect(box.config.collection).toEqual({ mode: 'per-account', perAccountOnOrganizationTrail: true });
    expect(summary.collection.mode).toBe('per-account');
    expect(summary.aws.users).toEqual([`cloudtrail-reader-${ACCOUNT}`]);
  });
});
