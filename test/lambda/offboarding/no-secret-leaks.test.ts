import { describe, expect, it } from 'vitest';
import { takeInventory } from '../../../lambda/offboarding/inventory.js';
import { checkDeletionOrder, deleteAccountLogSource } from '../../../lambda/offboarding/log-source-deletion.js';
import { removeReaderUser } from '../../../lambda/offboarding/reader-removal.js';
import { scheduleSecretDeletion } from '../../../lambda/offboarding/secret-deletion.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';
import {
  advance,
  aws,
  caught,
  clients,
  directorContext,
  harness,
  now,
  onboard,
  ORDER_DELAY_MS,
  request,
  settings,
  useOffboardingFixture,
} from './offboarding-fixture.js';

useOffboardingFixture();

describe('secrets', () => {
  it('never puts the reader key secret into a result or an error message of any step', async () => {
    // Prepare
    const { logSourceId, secretAccessKey } = await onboard();
    harness().director.faults.failOrders(1);
    const input = { request, inventory: await takeInventory(clients(), request) };
    const deletion = await deleteAccountLogSource(directorContext(), input);
    advance(ORDER_DELAY_MS);

    // Act
    const orderError = await caught(checkDeletionOrder(harness().client, settings.orderPolling, { deletion, attempt: 0 }, now()));
    const retried = await deleteAccountLogSource(directorContext(), input);
    advance(ORDER_DELAY_MS);
    const poll = await checkDeletionOrder(harness().client, settings.orderPolling, { deletion: retried, attempt: 0 }, now());
    const removal = await removeReaderUser(aws().iam, ACCOUNT);
    const secret = await scheduleSecretDeletion(aws().secretsManager, { accountId: ACCOUNT, recoveryWindowDays: 7 });

    // Assess
    expect(logSourceId).toBe(input.inventory.logSourceId);
    expect(poll.status).toBe('DELETED');
    const everything = JSON.stringify([input, deletion, orderError.message, orderError.toJSON(), retried, poll, removal, secret]);
    expect(everything).not.toContain(secretAccessKey);
    expect(everything).not.toContain(harness().director.secretKey);
  });
});
