import type { AuthorizationRequest } from './policy-evaluator.js';

/** What the S3 emulation knows about a bucket beyond what s3rver stores. */
export interface EmulatedBucket {
  name: string;
  region: string;
  encryption: { type: 'SSE-S3' } | { type: 'SSE-KMS'; kmsKeyArn: string; bucketKeyEnabled: boolean } | { type: 'none' };
  /** Simulates a bucket policy that shuts out the product's own role (BUCKET_ACCESS_DENIED). */
  denyProductAccess: boolean;
}

function stringField(input: object, field: string): string | undefined {
  const value = (input as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/**
 * The IAM authorisations S3 performs for one request, as documented in "Actions, resources and
 * condition keys for Amazon S3": e.g. ListObjectsV2 is `s3:ListBucket` on the bucket with the
 * `s3:prefix` key; GetObject is `s3:GetObject` on the object and, for an SSE-KMS object,
 * `kms:Decrypt` on the key called via S3. Returns undefined for a command not emulated here.
 */
export function requiredPermissions(
  commandName: string,
  input: object,
  bucket: EmulatedBucket | undefined,
  accountId: string,
): AuthorizationRequest[] | undefined {
  const bucketName = stringField(input, 'Bucket') ?? '';
  const bucketArn = `arn:aws:s3:::${bucketName}`;
  const objectArn = `${bucketArn}/${stringField(input, 'Key') ?? ''}`;
  const kms = bucket?.encryption.type === 'SSE-KMS' ? bucket.encryption : undefined;
  const viaS3 = (action: string): AuthorizationRequest[] =>
    kms && bucket
      ? [
          {
            action,
            resource: kms.kmsKeyArn,
            context: {
              'kms:ViaService': `s3.${bucket.region}.amazonaws.com`,
              'kms:CallerAccount': accountId,
              'kms:EncryptionContext:aws:s3:arn': kms.bucketKeyEnabled ? bucketArn : objectArn,
            },
          },
        ]
      : [];

  switch (commandName) {
    case 'ListObjects':
    case 'ListObjectsV2':
      return [
        {
          action: 's3:ListBucket',
          resource: bucketArn,
          context: {
            // A request without Prefix carries no s3:prefix key at all (one with Prefix="" carries it empty):
            // conditions on the key then behave as on AWS, e.g. `"s3:prefix": [""]` does not match it.
            's3:prefix': stringField(input, 'Prefix'),
            's3:delimiter': stringField(input, 'Delimiter'),
            's3:max-keys': stringField(input, 'MaxKeys'),
          },
        },
      ];
    case 'HeadBucket':
      return [{ action: 's3:ListBucket', resource: bucketArn }];
    case 'GetBucketLocation':
      return [{ action: 's3:GetBucketLocation', resource: bucketArn }];
    case 'GetBucketEncryption':
      return [{ action: 's3:GetEncryptionConfiguration', resource: bucketArn }];
    case 'GetObject':
      return [{ action: 's3:GetObject', resource: objectArn }, ...viaS3('kms:Decrypt')];
    case 'HeadObject':
      // HeadObject returns metadata only: S3 does not decrypt, so no kms:Decrypt is needed.
      return [{ action: 's3:GetObject', resource: objectArn }];
    case 'PutObject':
      return [{ action: 's3:PutObject', resource: objectArn }, ...viaS3('kms:GenerateDataKey')];
    case 'DeleteObject':
      return [{ action: 's3:DeleteObject', resource: objectArn }];
    case 'ListBuckets':
      return [{ action: 's3:ListAllMyBuckets', resource: '*' }];
    default:
      return undefined;
  }
}
