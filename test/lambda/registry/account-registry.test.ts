import { ThrottlingException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { recordAccount, requireRegistryTable, type RegistryEntry } from '../../../lambda/registry/account-registry.js';
import { ACCOUNT, HOME_ACCOUNT, REGION, useAwsSandbox } from '../../support/aws-sandbox.js';
import { onboardingErrorOf } from '../../support/rejections.js';

const sandbox = useAwsSandbox({ accountId: HOME_ACCOUNT, region: REGION });
const T0 = new Date('2026-12-01T10:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const entry = (overrides: Partial<RegistryEntry> = {}): RegistryEntry => ({
  accountId: ACCOUNT,
  mode: 'organization',
  state: 'COVERED',
  coverage: 'organization-source',
  logSourceId: 'LogSources/1',
  logPrefix: `AWSLogs/o-a1b2c3d4e5/${ACCOUNT}/CloudTrail/`,
  lastLogReceived: null,
  runId: 'arn:aws:states:eu-west-1:123456789012:execution:onboard:first',
  ...overrides,
});
const record = (value: RegistryEntry, now: Date) => recordAccount(sandbox().dynamo, sandbox().accountRegistryTable, value, now);
const items = () => sandbox().fakes.dynamo.items(sandbox().accountRegistryTable);

describe('the account registry', () => {
  it('records an account with its mode, state, coverage, source and run, leaving out what is not known', async () => {
    expect(await record(entry(), T0)).toBe('written');

    expect(items()).toEqual([
      {
        accountId: { S: ACCOUNT },
        mode: { S: 'organization' },
        state: { S: 'COVERED' },
        coverage: { S: 'organization-source' },
        logSourceId: { S: 'LogSources/1' },
        logPrefix: { S: `AWSLogs/o-a1b2c3d4e5/${ACCOUNT}/CloudTrail/` },
        lastRunId: { S: 'arn:aws:states:eu-west-1:123456789012:execution:onboard:first' },
        updatedAt: { S: T0.toISOString() },
      },
    ]);
  });

  it('lets a later write replace the item, and keeps a newer item when an older write arrives after it', async () => {
    await record(entry(), T0);
    expect(await record(entry({ state: 'OFFBOARDED', runId: 'second' }), later(60))).toBe('written');

    expect(await record(entry({ state: 'COVERED', runId: 'late' }), later(30))).toBe('superseded');
    expect(items()[0]).toMatchObject({ state: { S: 'OFFBOARDED' }, lastRunId: { S: 'second' } });
  });

  it('turns throttling into AWS_UNAVAILABLE, which the step retries, and a missing table into CONFIG_INVALID', async () => {
    sandbox().fakes.dynamo.failNext('PutItem', new ThrottlingException({ message: 'slow down', $metadata: {} }));

    expect((await onboardingErrorOf(record(entry(), T0))).code).toBe(ErrorCode.AWS_UNAVAILABLE);
    expect(() => requireRegistryTable(null, 'ConfirmCoverage')).toThrow(/ConfirmCoverage needs the account registry table/);
  });
});
