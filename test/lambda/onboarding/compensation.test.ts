import { CreateAccessKeyCommand, UntagUserCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { removeReaderResources } from '../../../lambda/onboarding/compensation.js';
import type { ReaderIdentity } from '../../../lambda/onboarding/workflow-contract.js';
import { SECRET, USER, clients, keyIds, provision, sandbox, secretKeyId } from './reader-fixture.js';

describe('removeReaderResources', () => {
  it('after a first onboarding removes the key, the user and the secret, and is idempotent', async () => {
    // Prepare
    const reader = await provision();

    // Act
    const first = await removeReaderResources(clients(), reader);
    const again = await removeReaderResources(clients(), reader);

    // Assess
    expect(first).toEqual({ deletedAccessKeys: [reader.accessKeyId], deletedUser: true, deletedSecret: true, kept: [] });
    expect(again).toEqual(first);
    expect(sandbox().summary()).toMatchObject({ users: [], accessKeys: [], secrets: [] });
  });

  it('after a re-run removes only the new key and rolls the secret back to the key Director still uses', async () => {
    // Prepare
    const earlier = await provision();
    const rerun = await provision();

    // Act
    const cleanup = await removeReaderResources(clients(), rerun);

    // Assess
    expect(cleanup.deletedAccessKeys).toEqual([rerun.accessKeyId]);
    expect(cleanup.deletedUser).toBe(false);
    expect(cleanup.deletedSecret).toBe(false);
    expect(cleanup.kept).toEqual([
      `secret ${SECRET}: existed before this execution; rolled back to access key ${earlier.accessKeyId}`,
      `user ${USER}: existed before this execution`,
    ]);
    expect(keyIds()).toEqual([earlier.accessKeyId]);
    expect(secretKeyId()).toBe(earlier.accessKeyId);
  });

  it('keeps a user it created when another key appeared on it meanwhile', async () => {
    // Prepare
    const reader = await provision();
    const other = await sandbox().iam.send(new CreateAccessKeyCommand({ UserName: USER }));

    // Act
    const cleanup = await removeReaderResources(clients(), reader);

    // Assess
    expect(cleanup.deletedAccessKeys).toEqual([reader.accessKeyId]);
    expect(cleanup.deletedUser).toBe(false);
    expect(cleanup.kept).toEqual([`user ${USER}: still has access key(s) ${other.AccessKey?.AccessKeyId}`]);
    expect(cleanup.deletedSecret).toBe(true);
  });

  it('keeps a user it created once its ownership tags were removed by someone else', async () => {
    // Prepare
    const reader = await provision();
    await sandbox().iam.send(new UntagUserCommand({ UserName: USER, TagKeys: ['logpoint:managed-by'] }));

    // Act
    const cleanup = await removeReaderResources(clients(), reader);

    // Assess
    expect(cleanup.deletedUser).toBe(false);
    expect(cleanup.kept).toEqual([`user ${USER}: no longer carries this product's path and tags`]);
    expect(sandbox().summary().users).toEqual([USER]);
  });

  it('leaves everything alone that this execution did not create', async () => {
    // Prepare
    const reader = await provision();
    const notOurs: ReaderIdentity = { ...reader, created: { user: false, secret: false, accessKey: false } };

    // Act
    const cleanup = await removeReaderResources(clients(), notOurs);

    // Assess
    expect(cleanup).toMatchObject({ deletedAccessKeys: [], deletedUser: false, deletedSecret: false });
    expect(cleanup.kept).toHaveLength(3);
    expect(keyIds()).toEqual([reader.accessKeyId]);
    expect(sandbox().summary().secrets).toEqual([SECRET]);
  });
});
