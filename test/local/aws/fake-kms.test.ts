import { GetKeyPolicyCommand, InvalidArnException, KMSClient, NotFoundException } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { defaultKeyPolicy, FakeKms } from '../../../local/aws/fake-kms.js';
import { rejectionOf } from '../../support/rejections.js';

/**
 * The KMS stand-in answers GetKeyPolicy as KMS documents it: a key id or key ARN (no alias), the
 * policy name `default` only, NotFoundException for a key it lacks; its keys survive an export
 * and import through JSON.
 */

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const newKms = () => {
  const client = new KMSClient({ region: REGION, credentials: { accessKeyId: 'AKIATESTKMS000000000', secretAccessKey: 'unused' } });
  return { client, fake: new FakeKms(client, { accountId: ACCOUNT, region: REGION }) };
};

describe('FakeKms', () => {
  it('gives a new key the default key policy, read by key ARN or key id', async () => {
    const { client, fake } = newKms();
    const keyArn = fake.createKey();

    const byArn = await client.send(new GetKeyPolicyCommand({ KeyId: keyArn }));
    const byId = await client.send(new GetKeyPolicyCommand({ KeyId: keyArn.split('/')[1] ?? '', PolicyName: 'default' }));

    expect(JSON.parse(byArn.Policy ?? '')).toEqual(defaultKeyPolicy(ACCOUNT));
    expect(byId).toMatchObject({ Policy: byArn.Policy, PolicyName: 'default' });
  });

  it('refuses an alias, another policy name and a key it does not have, with the SDK’s exceptions', async () => {
    const { client, fake } = newKms();
    const keyArn = fake.createKey();

    expect(await rejectionOf(client.send(new GetKeyPolicyCommand({ KeyId: 'alias/trail' })))).toBeInstanceOf(InvalidArnException);
    expect(await rejectionOf(client.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'other' })))).toBeInstanceOf(NotFoundException);
    expect(
      await rejectionOf(client.send(new GetKeyPolicyCommand({ KeyId: keyArn.replace(/key\/.*/, 'key/1234abcd-12ab-34cd-56ef-1234567890ab') }))),
    ).toBeInstanceOf(NotFoundException);
  });

  it('keeps its keys and policies through an export and import in a new fake, and refuses a malformed document', async () => {
    const { fake } = newKms();
    const policy = { Version: '2012-10-17', Statement: [] };
    const keyArn = fake.createKey({ policy });
    const restored = newKms();

    restored.fake.importState(JSON.parse(JSON.stringify(fake.exportState())) as unknown);

    expect(JSON.parse((await restored.client.send(new GetKeyPolicyCommand({ KeyId: keyArn }))).Policy ?? '')).toEqual(policy);
    expect(() => restored.fake.importState({ keys: [{ keyArn: 'not-an-arn', policy: '{}' }] })).toThrow(/FakeKms cannot import this state/);
  });
});
