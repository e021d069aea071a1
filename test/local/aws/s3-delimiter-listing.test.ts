import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { ListObjectsV2Command, S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsSandbox, type AwsSandbox } from '../../../local/aws/index.js';

/**
 * ListObjectsV2 with a Delimiter on the S3 stand-in answers as S3 does, folder by folder, even
 * though s3rver alone finds nothing more than one folder below the prefix; and whether such a
 * listing is allowed is still decided by the caller's policy.
 */

const ACCOUNT = '111122223333';
const ORGANIZATION = 'o-a1b2c3d4e5';
const BUCKET = 'delimiter-trail';

describe('S3 stand-in: listings with a delimiter', () => {
  let aws: AwsSandbox;

  beforeAll(async () => {
    aws = await createAwsSandbox({ accountId: ACCOUNT, region: 'eu-west-1' });
    await aws.createTrailBucket({ name: BUCKET, layout: 'organization', organizationId: ORGANIZATION, accountIds: [ACCOUNT, '999999999999'] });
  });
  afterAll(async () => {
    await aws.stop();
  });

  it.each([
    ['', [], ['AWSLogs/']],
    ['AWSLogs/', [], [`AWSLogs/${ORGANIZATION}/`]],
    [`AWSLogs/${ORGANIZATION}/`, [], [`AWSLogs/${ORGANIZATION}/${ACCOUNT}/`, `AWSLogs/${ORGANIZATION}/999999999999/`]],
    [`AWSLogs/${ORGANIZATION}/${ACCOUNT}/`, [], [`AWSLogs/${ORGANIZATION}/${ACCOUNT}/CloudTrail-Digest/`, `AWSLogs/${ORGANIZATION}/${ACCOUNT}/CloudTrail/`]],
  ])('lists the folders directly below %j, as S3 does', async (prefix, objects, folders) => {
    // Act
    const answer = await aws.s3ForProduct().send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: '/', ...(prefix === '' ? {} : { Prefix: prefix }) }));

    // Assess
    expect((answer.Contents ?? []).map((entry) => entry.Key)).toEqual(objects);
    expect((answer.CommonPrefixes ?? []).map((entry) => entry.Prefix)).toEqual(folders);
    expect(answer.KeyCount).toBe(objects.length + folders.length);
  });

  it('lists the objects of a leaf folder under Contents, with their LastModified', async () => {
    // Arrange
    const everything = await aws.s3ForProduct().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `AWSLogs/${ORGANIZATION}/${ACCOUNT}/CloudTrail/` }));
    const someKey = everything.Contents?.[0]?.Key ?? '';
    const leaf = someKey.slice(0, someKey.lastIndexOf('/') + 1);

    // Act
    const answer = await aws.s3ForProduct().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: leaf, Delimiter: '/' }));

    // Assess
    expect(answer.CommonPrefixes ?? []).toEqual([]);
    expect(answer.Contents?.map((entry) => entry.Key)).toContain(someKey);
    expect(answer.Contents?.every((entry) => entry.LastModified instanceof Date)).toBe(true);
  });

  it('still refuses a delimiter listing the key may not make', async () => {
    // Arrange: a reader that may list its account's logs only
    const UserName = 'delimiter-reader';
    await aws.iam.send(new CreateUserCommand({ UserName }));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::${BUCKET}`,
          Condition: { StringLike: { 's3:prefix': [`AWSLogs/${ORGANIZATION}/${ACCOUNT}/*`] } },
        },
      ],
    };
    await aws.iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'read', PolicyDocument: JSON.stringify(policy) }));
    const { AccessKey } = await aws.iam.send(new CreateAccessKeyCommand({ UserName }));
    const reader = aws.s3ForCredentials({ accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' });

    // Act
    const refused = await reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: '/' })).catch((error: unknown) => error);
    const allowed = await reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `AWSLogs/${ORGANIZATION}/${ACCOUNT}/`, Delimiter: '/' }));

    // Assess
    expect(refused).toBeInstanceOf(S3ServiceException);
    expect((refused as S3ServiceException).name).toBe('AccessDenied');
    expect(allowed.CommonPrefixes).toHaveLength(2);
  });
});
