import { describe, expect, it } from 'vitest';
import { CreateUserCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { takeInventory } from '../../../lambda/offboarding/inventory.js';
import { scheduleSecretDeletion } from '../../../lambda/offboarding/secret-deletion.js';
import { offboardingInventorySchema } from '../../../lambda/offboarding/workflow-contract.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';
import {
  aws,
  caught,
  clients,
  createForeignLogSource,
  harness,
  inventory,
  onboard,
  request,
  SECRET,
  USER,
  userNames,
  useOffboardingFixture,
} from './offboarding-fixture.js';

useOffboardingFixture();

describe('takeInventory (FindLogSource)', () => {
  it('finds the onboarded account: its own log source by the recorded id, the reader user and the secret', async () => {
    // Prepare
    const { logSourceId } = await onboard();

    // Act
    const found = await takeInventory(clients(), request);

    // Assess
    expect(offboardingInventorySchema.parse(found)).toEqual({
      logSourceName: `CloudTrail-${ACCOUNT}`,
      logSourceFound: true,
      logSourceId,
      readerUser: 'present',
      secret: 'present',
    });
  });

  it('reports nothing for an account that was never onboarded, and changes nothing', async () => {
    // Act
    const found = await takeInventory(clients(), request);

    // Assess
    expect(found).toEqual(inventory());
    expect(harness().director.operations).toEqual([]);
  });

  it('finds our log source under a different name through its ownership marker (the name pattern changed)', async () => {
    // Prepare: onboarded under an old name, and the id was never recorded on the secret.
    const { logSourceId } = await onboard(ACCOUNT, { name: 'old-pattern-111122223333' });
    await aws().secretsManager.send(new DeleteSecretCommand({ SecretId: SECRET, ForceDeleteWithoutRecovery: true }));

    // Act
    const found = await takeInventory(clients(), request);

    // Assess
    expect(found).toMatchObject({ logSourceFound: true, logSourceId, logSourceName: 'old-pattern-111122223333', secret: 'absent' });
  });

  it('fails with NOT_OWNED naming a foreign log source of the expected name', async () => {
    // Prepare
    const foreignId = await createForeignLogSource(`CloudTrail-${ACCOUNT}`);

    // Act
    const error = await caught(takeInventory(clients(), request));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toContain(`"CloudTrail-${ACCOUNT}"`);
    expect(error.message).toContain(foreignId);
  });

  it('fails with NOT_OWNED naming an IAM user of the reader name that is not tagged as ours', async () => {
    // Prepare
    await aws().iam.send(new CreateUserCommand({ UserName: USER, Path: '/logpoint/' }));

    // Act
    const error = await caught(takeInventory(clients(), request));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toContain(USER);
    expect(userNames()).toEqual([USER]);
  });

  it('fails with NOT_OWNED naming a secret of the account name that is not tagged as ours', async () => {
    // Prepare
    await aws().secretsManager.send(new CreateSecretCommand({ Name: SECRET, SecretString: '{"note":"not ours"}' }));

    // Act
    const error = await caught(takeInventory(clients(), request));

    // Assess
    expect(error.code).toBe(ErrorCode.NOT_OWNED);
    expect(error.message).toContain(SECRET);
  });

  it('sees a secret that an earlier offboarding scheduled for deletion', async () => {
    // Prepare
    await onboard();
    await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 });

    // Act
    const found = await takeInventory(clients(), request);

    // Assess
    expect(found.secret).toBe('scheduled-for-deletion');
  });
});
