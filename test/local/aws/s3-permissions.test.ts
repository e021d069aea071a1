import { describe, expect, it } from 'vitest';
import { requiredPermissions } from '../../../local/aws/s3-permissions.js';

/**
 * The S3 stand-in authorises each request as S3 does ("Actions, resources and condition keys for
 * Amazon S3"): the condition keys a policy sees must be the ones AWS sends, or the sandbox would
 * allow or refuse what AWS would not.
 */

const BUCKET = { name: 'trail', region: 'eu-west-1', encryption: { type: 'SSE-S3' as const }, denyProductAccess: false };

describe('requiredPermissions', () => {
  it('sends no s3:prefix key for a listing without Prefix, and an empty one for Prefix ""', () => {
    // Act
    const withoutPrefix = requiredPermissions('ListObjectsV2', { Bucket: 'trail' }, BUCKET, '111122223333');
    const emptyPrefix = requiredPermissions('ListObjectsV2', { Bucket: 'trail', Prefix: '', Delimiter: '/' }, BUCKET, '111122223333');

    // Assess
    expect(withoutPrefix?.[0]).toMatchObject({ action: 's3:ListBucket', resource: 'arn:aws:s3:::trail' });
    expect(withoutPrefix?.[0]?.context?.['s3:prefix']).toBeUndefined();
    expect(emptyPrefix?.[0]?.context).toMatchObject({ 's3:prefix': '', 's3:delimiter': '/' });
  });
});
