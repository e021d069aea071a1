import { KMSClient } from '@aws-sdk/client-kms';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkKmsKeyPolicy } from '../../../lambda/preflight/kms-checks.js';
import { buildReaderPolicy } from '../../../lambda/shared/reader-policy.js';
import { defaultKeyPolicy, FakeKms } from '../../../local/aws/fake-kms.js';

/**
 * The KMS half of preflight: whether the reader an onboarding would create may decrypt the trail's
 * SSE-KMS logs through S3, decided by iam-simulate over the real key policy and the reader's own
 * policy. A key policy that defers to the account's IAM passes; one that leaves the account out,
 * or denies it, fails with the fix; a key in another account, or a key policy that cannot be
 * read, is reported as not checked rather than guessed.
 */

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const SUBJECT = '222233334444';
let kms: KMSClient;
let fake: FakeKms;

beforeEach(() => {
  kms = new KMSClient({ region: REGION, credentials: { accessKeyId: 'AKIATESTKMS000000000', secretAccessKey: 'unused' } });
  fake = new FakeKms(kms, { accountId: ACCOUNT, region: REGION });
});

function inputFor(keyArn: string) {
  const logPrefix = `AWSLogs/${SUBJECT}/CloudTrail/`;
  return {
    keyArn,
    bucketRegion: REGION,
    subject: SUBJECT,
    readerAccountId: ACCOUNT,
    readerPolicy: buildReaderPolicy({ bucketName: 'trail-bucket', logPrefix, kmsKeyArn: keyArn, bucketRegion: REGION }),
  };
}

const adminOnly = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/KeyAdmin` }, Action: 'kms:*', Resource: '*' }],
};

describe('the KMS key policy check', () => {
  it('passes a key whose policy defers to the account (the policy KMS gives a new key)', async () => {
    const check = await checkKmsKeyPolicy(kms, inputFor(fake.createKey()));

    expect(check).toMatchObject({ id: 'trail.kms', status: 'pass' });
    expect(check.detail).toContain(`arn:aws:iam::${ACCOUNT}:user/logpoint/cloudtrail-reader-${SUBJECT}`);
  });

  it('passes a key whose policy allows the reader users themselves, through S3 only', async () => {
    const keyArn = fake.createKey({
      policy: {
        Version: '2012-10-17',
        Statement: [
          ...adminOnly.Statement,
          {
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: {
              StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT },
              ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/logpoint/*` },
            },
          },
        ],
      },
    });

    expect((await checkKmsKeyPolicy(kms, inputFor(keyArn))).status).toBe('pass');
  });

  it('fails a key policy that leaves the account out, naming the statement to add', async () => {
    const check = await checkKmsKeyPolicy(kms, inputFor(fake.createKey({ policy: adminOnly })));

    expect(check.status).toBe('fail');
    expect(check.fix).toContain(`arn:aws:iam::${ACCOUNT}:root`);
    expect(check.fix).toContain(`kms:ViaService s3.${REGION}.amazonaws.com`);
  });

  it('fails a key policy that denies the reader users, even when it also defers to the account', async () => {
    const keyArn = fake.createKey({
      policy: {
        ...defaultKeyPolicy(ACCOUNT),
        Statement: [
          ...(defaultKeyPolicy(ACCOUNT).Statement as unknown[]),
          { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringLike: { 'aws:PrincipalArn': '*:user/*' } } },
        ],
      },
    });

    const check = await checkKmsKeyPolicy(kms, inputFor(keyArn));

    expect(check).toMatchObject({ status: 'fail' });
    expect(check.detail).toContain('denies kms:Decrypt');
  });

  it('reports a key of another account as not checked, saying what to check there', async () => {
    const check = await checkKmsKeyPolicy(kms, inputFor(`arn:aws:kms:${REGION}:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab`));

    expect(check.status).toBe('skip');
    expect(check.detail).toContain('is in account 999988887777');
  });

  it('fails a key KMS does not have in the account', async () => {
    const check = await checkKmsKeyPolicy(kms, inputFor(`arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`));

    expect(check).toMatchObject({ status: 'fail', fix: 'Point the bucket at an existing key.' });
  });

  it('reports a key policy the caller may not read as not checked, naming the permission', async () => {
    const keyArn = fake.createKey();
    fake.failNext('GetKeyPolicy', Object.assign(new Error('User is not authorized to perform kms:GetKeyPolicy'), { name: 'AccessDeniedException' }));

    const check = await checkKmsKeyPolicy(kms, inputFor(keyArn));

    expect(check.status).toBe('skip');
    expect(check.detail).toContain('kms:GetKeyPolicy');
  });
});
