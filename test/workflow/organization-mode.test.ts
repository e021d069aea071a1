import { DeleteUserPolicyCommand } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { READER_POLICY_NAME } from '../../lambda/shared/reader-policy.js';
import { SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, startSandbox, type Sandbox, type SandboxOptions } from '../../local/sandbox/environment.js';
import { expectFailedWith, expectNothingLeftBehind } from './support.js';

/**
 * Organization mode end to end on the synthesized workflows: the organization's own source is
 * onboarded and offboarded like an account's, an account is only covered (or recorded gone), and
 * the coverage path fails clearly when there is nothing to be covered by.
 */

const ORG = SANDBOX_ORGANIZATION_ID;
const ACCOUNT = SANDBOX_ACCOUNT_ID;
const ORGANIZATION_TRAIL: SandboxOptions = { trail: { layout: 'organization', organizationId: ORG, accountIds: [ACCOUNT] } };

let sandbox: Sandbox | undefined;

async function start(options: SandboxOptions = ORGANIZATION_TRAIL): Promise<Sandbox> {
  sandbox = await startSandbox({ waitMs: 20, ...options });
  return sandbox;
}

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

const connectorKeyOf = (source: Record<string, unknown>) => (source.config as { Connector?: { access_key?: unknown } } | undefined)?.Connector?.access_key;
const registry = async (box: Sandbox) =>
  (await box.aws.fakes.dynamo.items(box.aws.accountRegistryTable)).map((item) => ({ accountId: item.accountId?.S, state: item.state?.S }));

describe('organization mode', () => {
  it('offboarding a covered account records it OFFBOARDED and leaves the organization source, its reader and its key alone', async () => {
    // Prepare
    const box = await start();
    expect((await box.run({ accountId: ORG })).status).toBe('SUCCEEDED');
    expect((await box.run({ accountId: ACCOUNT })).status).toBe('SUCCEEDED');
    // What the offboarding must leave alone (the fetcher keeps updating the source's fetch signals, so not those).
    const sourceIdentity = () => box.director.logSources().map((source) => ({ id: source.id, name: source.name, connector: connectorKeyOf(source) }));
    const before = { sources: sourceIdentity(), aws: box.aws.summary() };

    // Act
    const result = await box.offboard({ accountId: ACCOUNT, reason: 'account-closed', trigger: 'test' });

    // Assess
    expect(result.error).toBeNull();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ accountId: ACCOUNT, coverage: 'organization-source', logSourceDeleted: false, deletedUser: false });
    expect(sourceIdentity()).toEqual(before.sources);
    expect(box.aws.summary()).toEqual(before.aws);
    expect(await registry(box)).toEqual([
      { accountId: ACCOUNT, state: 'OFFBOARDED' },
      { accountId: ORG, state: 'ONBOARDED' },
    ]);
    expect(box.events.at(-1)).toMatchObject({ detailType: 'Offboarding Succeeded', detail: { accountId: ACCOUNT, coverage: 'organization-source' } });
  });

  it('offboarding the organization removes its source, reader and key, and schedules its secret for deletion', async () => {
    // Prepare
    const box = await start();
    expect((await box.run({ accountId: ORG })).status).toBe('SUCCEEDED');

    // Act
    const result = await box.offboard({ accountId: ORG, reason: 'manual', trigger: 'test' });

    // Assess
    expect(result.error).toBeNull();
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ accountId: ORG, coverage: 'organization', logSourceDeleted: true, deletedUser: true });
    expect(box.director.logSources()).toEqual([]);
    expect(box.aws.summary()).toMatchObject({ users: [], accessKeys: [], secretsScheduledForDeletion: [`logpoint/cloudtrail/${ORG}`] });
    expect(await registry(box)).toEqual([{ accountId: ORG, state: 'OFFBOARDED' }]);
  });

  it('fails a coverage run with ORGANIZATION_SOURCE_MISSING, saying how to onboard the organization, when there is no organization source', async () => {
    // Prepare
    const box = await start();

    // Act
    const result = await box.run({ accountId: ACCOUNT, trigger: 'test' });

    // Assess
    expectFailedWith(box, result, 'ORGANIZATION_SOURCE_MISSING');
    expect(result.error?.message).toContain(`accountId "${ORG}"`);
    expectNothingLeftBehind(box);
    expect(await registry(box)).toEqual([{ accountId: ACCOUNT, state: 'FAILED' }]);
  });

  it('fails a coverage run with FETCH_FAILED when the organization source reports a fetch error, recording the account FAILED, not COVERED', async () => {
    // Prepare: the organization source is in place; then someone removes its reader's policy, and Logpoint's fetches fail.
    const box = await start();
    expect((await box.run({ accountId: ORG })).status).toBe('SUCCEEDED');
    await box.aws.iam.send(new DeleteUserPolicyCommand({ UserName: `cloudtrail-reader-${ORG}`, PolicyName: READER_POLICY_NAME }));
    const [round] = (await box.director.fetcher?.runOnce()) ?? [];
    expect(round?.fetchStatus).toMatch(/^error: AccessDenied/);

    // Act
    const result = await box.run({ accountId: ACCOUNT, trigger: 'test' });

    // Assess
    expectFailedWith(box, result, 'FETCH_FAILED', 1);
    expect(result.error?.message).toContain('AccessDenied');
    expect(await registry(box)).toEqual([
      { accountId: ACCOUNT, state: 'FAILED' },
      { accountId: ORG, state: 'ONBOARDED' },
    ]);
  });

  it("rotates the organization source's key like an account's: a new key in Director, the old one deleted", async () => {
    // Prepare
    const box = await start();
    expect((await box.run({ accountId: ORG })).status).toBe('SUCCEEDED');
    const [before] = box.aws.summary().accessKeys;

    // Act
    const rotation = await box.rotate(ORG);

    // Assess
    expect(rotation.error).toBeNull();
    const keys = box.aws.summary().accessKeys;
    expect(keys).toHaveLength(1);
    expect(keys[0]?.accessKeyId).not.toBe(before?.accessKeyId);
    expect(connectorKeyOf(box.director.logSources()[0] ?? {})).toBe(keys[0]?.accessKeyId);
  });

  it('cleans up after a failed onboarding of the organization source like after an account one', async () => {
    // Prepare
    const box = await start();
    box.director.faults.failOrders(1, { validationErrors: { 'config.RoutingPolicy.catch_all': ['Repo does not exist.'] } });

    // Act
    const result = await box.run({ accountId: ORG });

    // Assess
    expectFailedWith(box, result, 'DIRECTOR_ORDER_FAILED');
    expectNothingLeftBehind(box);
  });

  it('refuses to onboard an organization id in per-account mode, creating nothing', async () => {
    // Prepare
    const box = await start({});

    // Act
    const result = await box.run({ accountId: ORG });

    // Assess
    expectFailedWith(box, result, 'INVALID_INPUT');
    expect(result.error?.message).toContain('collects per account');
    expectNothingLeftBehind(box);
  });
});
