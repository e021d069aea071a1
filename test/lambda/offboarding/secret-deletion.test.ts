import { describe, expect, it } from 'vitest';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { accountSecretName } from '../../../lambda/contract/names.js';
import { scheduleSecretDeletion } from '../../../lambda/offboarding/secret-deletion.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';
import { aws, caught, DAY_MS, onboard, ORDER_DELAY_MS, SECRET, secretView, START, useOffboardingFixture } from './offboarding-fixture.js';

useOffboardingFixture();

describe('scheduleSecretDeletion (ScheduleSecretDeletion)', () => {
  it('schedules our secret for deletion after the recovery window', async () => {
    // Prepare
    await onboard();

    // Act
    const outcome = await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 });

    // Assess
    const expectedDate = new Date(START + ORDER_DELAY_MS + 7 * DAY_MS).toISOString();
    expect(outcome).toEqual({ secretName: SECRET, outcome: 'SCHEDULED', deletionDate: expectedDate, recoveryWindowDays: 7 });
    expect(secretView()).toMatchObject({ scheduledForDeletion: true });
    expect(secretView()?.deletionDate?.toISOString()).toBe(expectedDate);
  });

  it('uses a longer recovery window when asked', async () => {
    // Prepare
    await onboard();

    // Act
    const outcome = await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 30 });

    // Assess
    expect(outcome.deletionDate).toBe(new Date(START + ORDER_DELAY_MS + 30 * DAY_MS).toISOString());
  });

  it('reports a secret already scheduled, and one that does not exist, as done', async () => {
    // Prepare
    await onboard();
    await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 });

    // Act
    const again = await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 });
    const missing = await scheduleSecretDeletion(aws().secretsManager, { accountId: '222233334444', recoveryWindowDays: 7 });

    // Assess
    expect(again).toMatchObject({ outcome: 'ALREADY_SCHEDULED', deletionDate: null });
    expect(missing).toMatchObject({ outcome: 'ABSENT', secretName: accountSecretName('222233334444'), deletionDate: null });
  });

  it('fails with NOT_OWNED and leaves a foreign secret of that name alone', async () => {
    // Prepare
    await aws().secretsManager.send(new CreateSecretCommand({ Name: SECRET, SecretString: '{"note":"not ours"}' }));

    // Act
    const error = await caught(scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 }));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(secretView()?.scheduledForDeletion).toBe(false);
  });
});
