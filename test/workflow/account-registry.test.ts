import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT_ID, SANDBOX_ORGANIZATION_ID, startSandbox, type Sandbox, type SandboxOptions } from '../../local/sandbox/environment.js';
import { currentReaderKey, readerUserNameOf } from './support.js';

/**
 * Every workflow writes the account registry: an onboarding its outcome (ONBOARDED,
 * REGISTERED_NO_DATA_YET or FAILED, with the source, reader and key id), a rotation the new key
 * id, a fleet run the accounts its filters leave out. Never a secret.
 */

const ACCOUNT = SANDBOX_ACCOUNT_ID;
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ waitMs: 20, ...options });
  return sandbox;
}

async function itemOf(box: Sandbox, accountId = ACCOUNT): Promise<Record<string, string> | undefined> {
  const items = await box.aws.fakes.dynamo.items(box.aws.accountRegistryTable);
  const item = items.find((candidate) => candidate.accountId?.S === accountId);
  return item && Object.fromEntries(Object.entries(item).flatMap(([name, value]) => (value.S === undefined ? [] : [[name, value.S]])));
}

describe('the account registry, as the workflows write it', () => {
  it('records a successful onboarding as ONBOARDED with its source, reader, key id, last log and run, and no secret', async () => {
    const box = await start();

    const result = await box.run({ accountId: ACCOUNT, trigger: 'test' });

    const item = await itemOf(box);
    const source = box.director.logSources()[0];
    const key = currentReaderKey(box, ACCOUNT);
    expect(item).toMatchObject({
      state: 'ONBOARDED',
      mode: 'per-account',
      coverage: 'account-source',
      logSourceId: source?.id,
      logSourceName: `CloudTrail-${ACCOUNT}`,
      readerUserName: readerUserNameOf(ACCOUNT),
      accessKeyId: key.accessKeyId,
      lastLogReceived: source?.last_log_received,
      lastRunId: result.executionArn,
      lastOnboardRunId: result.executionArn,
      lastRunWorkflow: 'onboard',
    });
    expect(item?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(JSON.stringify(await box.aws.fakes.dynamo.items(box.aws.accountRegistryTable))).not.toContain(key.secretAccessKey);
  });

  it('records REGISTERED_NO_DATA_YET when Logpoint never fetches within the deadline', async () => {
    const box = await start({ fetcher: false, config: { dataFlow: { deadlineSeconds: 1, initialWaitSeconds: 1, maxWaitSeconds: 1 } } });

    expect((await box.run({ accountId: ACCOUNT, trigger: 'test' })).status).toBe('SUCCEEDED');

    expect(await itemOf(box)).toMatchObject({ state: 'REGISTERED_NO_DATA_YET' });
  });

  it('records a failed re-run as FAILED with its code and message, keeping the source and reader the first run recorded', async () => {
    const box = await start();
    await box.run({ accountId: ACCOUNT, trigger: 'test' });
    const before = await itemOf(box);
    box.director.faults.failOrders(1, { validationErrors: { 'config.Source.charset': ['Unknown charset.'] } });

    const rerun = await box.run({ accountId: ACCOUNT, trigger: 'test' });

    expect(rerun.status).toBe('FAILED');
    expect(await itemOf(box)).toMatchObject({
      state: 'FAILED',
      lastErrorCode: rerun.error?.code,
      lastErrorMessage: rerun.error?.message,
      logSourceId: before?.logSourceId,
      readerUserName: before?.readerUserName,
      createdAt: before?.createdAt,
      lastOnboardRunId: rerun.executionArn,
    });
  });

  it('records a first onboarding that fails before anything is created as FAILED, and nothing for an input that names no account', async () => {
    const box = await start({ trail: { withLogs: false } });

    const failed = await box.run({ accountId: ACCOUNT, trigger: 'test' });
    await box.run({ accountId: 'not-an-account', trigger: 'test' });

    expect(failed.error?.code).toBe('NO_CLOUDTRAIL_LOGS');
    const items = await box.aws.fakes.dynamo.items(box.aws.accountRegistryTable);
    expect(items.map((item) => [item.accountId?.S, item.state?.S, item.lastErrorCode?.S])).toEqual([[ACCOUNT, 'FAILED', 'NO_CLOUDTRAIL_LOGS']]);
  });

  it('records the key a rotation put in place, and when', async () => {
    const box = await start();
    await box.run({ accountId: ACCOUNT, trigger: 'test' });

    expect((await box.rotate(ACCOUNT)).status).toBe('SUCCEEDED');

    const item = await itemOf(box);
    expect(item?.accessKeyId).toBe(currentReaderKey(box, ACCOUNT).accessKeyId);
    expect(item).toMatchObject({ state: 'ONBOARDED', lastRunWorkflow: 'rotate' });
    expect(item?.keyRotatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(item?.lastRotateRunId).toBeDefined();
  });

  it('records the accounts a fleet run leaves out as EXCLUDED with the reason, but never over an account it collects', async () => {
    const onboarded = '100000000001';
    const excluded = '100000000002';
    const box = await start({
      trail: { layout: 'account', accountIds: [onboarded, excluded], objectsPerAccount: 1 },
      organization: {
        organizationId: SANDBOX_ORGANIZATION_ID,
        managementAccountId: ACCOUNT,
        accounts: [{ id: onboarded }, { id: excluded }, { id: '999900000000', state: 'CLOSED' }],
      },
      config: { fleet: { exclude: { accountIds: [onboarded, excluded] } } },
    });
    await box.run({ accountId: onboarded, trigger: 'test' });

    const fleet = await box.fleet({ trigger: 'test' });

    expect(fleet.status).toBe('SUCCEEDED');
    expect(await itemOf(box, excluded)).toMatchObject({ state: 'EXCLUDED', excludedBecause: 'in exclude.accountIds', lastFleetRunId: fleet.executionArn });
    expect(await itemOf(box, '999900000000')).toMatchObject({ state: 'EXCLUDED', excludedBecause: 'not ACTIVE (CLOSED)' });
    expect(await itemOf(box, onboarded)).toMatchObject({ state: 'ONBOARDED' });
  });
});
