import { describe, expect, it } from 'vitest';
import { retireStaleAccessKeys } from '../../../lambda/onboarding/finalize.js';
import { ACCOUNT } from '../../support/aws-sandbox.js';
import { clients, keyIds, provision, useReaderSandbox } from './reader-fixture.js';

useReaderSandbox();

describe('retireStaleAccessKeys', () => {
  it('deletes every key except the one Director now uses', async () => {
    // Prepare
    const first = await provision();
    const second = await provision();

    // Act
    const result = await retireStaleAccessKeys(clients(), { accountId: ACCOUNT, currentAccessKeyId: second.accessKeyId });

    // Assess
    expect(result.deletedAccessKeys).toEqual([first.accessKeyId]);
    expect(keyIds()).toEqual([second.accessKeyId]);
  });

  it('keeps the key the secret holds even if it is not the one named current', async () => {
    // Prepare
    const first = await provision();
    const second = await provision();

    // Act: a stale caller names K1 while the secret already holds K2.
    const result = await retireStaleAccessKeys(clients(), { accountId: ACCOUNT, currentAccessKeyId: first.accessKeyId });

    // Assess
    expect(result.deletedAccessKeys).toEqual([]);
    expect(keyIds()).toEqual([first.accessKeyId, second.accessKeyId]);
    expect(result.kept).toHaveLength(2);
  });
});
