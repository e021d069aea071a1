import { ThrottlingException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { recordAccount, requireRegistryTable, type RegistryUpdate } from '../../../lambda/registry/account-registry.js';
import { readRegistry } from '../../../lambda/registry/registry-items.js';
import { ACCOUNT, HOME_ACCOUNT, REGION, useAwsSandbox } from '../../support/aws-sandbox.js';
import { onboardingErrorOf } from '../../support/rejections.js';

/**
 * The registry's one write: a conditional UpdateItem that sets what a run knows, keeps the rest,
 * lets the later run win whatever order writes arrive in, and can refuse to overwrite states
 * it must not hide. And its one read, every item as plain values.
 */

const sandbox = useAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION });
const T0 = new Date('2026-12-01T10:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const FIRST_RUN = 'arn:aws:states:eu-west-1:123456789012:execution:onboard:first';
const update = (overrides: Partial<RegistryUpdate> = {}): RegistryUpdate => ({
  accountId: ACCOUNT,
  workflow: 'onboard',
  runId: FIRST_RUN,
  fields: { mode: 'organization', state: 'COVERED', coverage: 'organization-source', logSourceId: 'LogSources/1', lastLogReceived: null },
  ...overrides,
});
const record = (value: RegistryUpdate, now: Date) => recordAccount(sandbox().dynamo, sandbox().accountRegistryTable, value, now);
const items = () => sandbox().fakes.dynamo.items(sandbox().accountRegistryTable);

describe('the account registry', () => {
  it('records what a run knows, its run ids and timestamps, and leaves out what is not known', async () => {
    expect(await record(update(), T0)).toBe('written');

    expect(await items()).toEqual([
      {
        accountId: { S: ACCOUNT },
        mode: { S: 'organization' },
        state: { S: 'COVERED' },
        coverage: { S: 'organization-source' },
        logSourceId: { S: 'LogSources/1' },
        lastRunId: { S: FIRST_RUN },
        lastRunWorkflow: { S: 'onboard' },
        lastOnboardRunId: { S: FIRST_RUN },
        createdAt: { S: T0.toISOString() },
        updatedAt: { S: T0.toISOString() },
      },
    ]);
  });

  it('keeps what a later write does not name, removes what it sets to null, and keeps the first write time', async () => {
    await record(
      update({ fields: { state: 'ONBOARDED', logSourceId: 'LogSources/1', readerUserName: 'cloudtrail-reader-x', accessKeyId: 'AKIAEXAMPLEKEY000001' } }),
      T0,
    );

    await record(update({ workflow: 'rotate', runId: 'token-1', fields: { accessKeyId: 'AKIAEXAMPLEKEY000002', readerUserName: null } }), later(10));

    const [item] = await items();
    expect(item).toMatchObject({
      state: { S: 'ONBOARDED' },
      logSourceId: { S: 'LogSources/1' },
      accessKeyId: { S: 'AKIAEXAMPLEKEY000002' },
      lastOnboardRunId: { S: FIRST_RUN },
      lastRotateRunId: { S: 'token-1' },
      lastRunId: { S: 'token-1' },
      createdAt: { S: T0.toISOString() },
      updatedAt: { S: later(10).toISOString() },
    });
    expect(item?.readerUserName).toBeUndefined();
  });

  it('lets a later write replace the item, and keeps a newer item when an older write arrives after it', async () => {
    await record(update(), T0);
    expect(await record(update({ runId: 'second', fields: { state: 'OFFBOARDED' } }), later(60))).toBe('written');

    expect(await record(update({ runId: 'late', fields: { state: 'COVERED' } }), later(30))).toBe('kept');
    expect((await items())[0]).toMatchObject({ state: { S: 'OFFBOARDED' }, lastRunId: { S: 'second' } });
  });

  it('writes only over the states it is allowed to, and over an absent item', async () => {
    const excluded = (accountId: string) =>
      update({
        accountId,
        workflow: 'fleet',
        fields: { state: 'EXCLUDED', excludedBecause: 'in exclude.accountIds' },
        onlyFromStates: ['EXCLUDED', 'OFFBOARDED'],
      });
    await record(update(), T0);

    expect(await record(excluded(ACCOUNT), later(1))).toBe('kept');
    expect(await record(excluded('222233334444'), later(1))).toBe('written');
    expect((await items()).map((item) => [item.accountId?.S, item.state?.S])).toEqual([
      [ACCOUNT, 'COVERED'],
      ['222233334444', 'EXCLUDED'],
    ]);
  });

  it('stores drift as a set, removes it when there is none, and cuts a long error message', async () => {
    await record(
      update({ workflow: 'reconcile', fields: { drift: ['DATA_STOPPED', 'NOT_COLLECTED', 'DATA_STOPPED'], lastErrorMessage: 'x'.repeat(5000) } }),
      T0,
    );
    expect((await items())[0]?.drift).toEqual({ SS: expect.arrayContaining(['DATA_STOPPED', 'NOT_COLLECTED']) });
    expect((await items())[0]?.lastErrorMessage?.S).toHaveLength(2000);

    await record(update({ workflow: 'reconcile', fields: { drift: [] } }), later(1));
    expect((await items())[0]?.drift).toBeUndefined();
  });

  it('reads every item back as plain values, the drift as a sorted list', async () => {
    await record(update({ fields: { state: 'ONBOARDED', drift: ['NOT_COLLECTED', 'DATA_STOPPED'] } }), T0);

    expect(await readRegistry(sandbox().dynamo, sandbox().accountRegistryTable)).toEqual([
      expect.objectContaining({ accountId: ACCOUNT, state: 'ONBOARDED', drift: ['DATA_STOPPED', 'NOT_COLLECTED'], lastOnboardRunId: FIRST_RUN }),
    ]);
  });

  it('turns throttling into AWS_UNAVAILABLE, which the step retries, and a missing table into CONFIG_INVALID', async () => {
    sandbox().fakes.dynamo.failNext('UpdateItem', new ThrottlingException({ message: 'slow down', $metadata: {} }));
    sandbox().fakes.dynamo.failNext('Scan', new ThrottlingException({ message: 'slow down', $metadata: {} }));

    expect((await onboardingErrorOf(record(update(), T0))).code).toBe(ErrorCode.AWS_UNAVAILABLE);
    expect((await onboardingErrorOf(readRegistry(sandbox().dynamo, sandbox().accountRegistryTable))).code).toBe(ErrorCode.AWS_UNAVAILABLE);
    expect(() => requireRegistryTable(null, 'ConfirmCoverage')).toThrow(/ConfirmCoverage needs the account registry table/);
  });
});
