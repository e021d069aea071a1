import { S3Client } from '@aws-sdk/client-s3';

/** S3 with the function's own role; redirects followed, since the trail bucket may be in another region. */
export const s3 = (): S3Client => new S3Client({ followRegionRedirects: true });

/** S3 signed with a reader user's key, in the bucket's region. */
export const s3ForCredentials = (credentials: { accessKeyId: string; secretAccessKey: string }, region: string): S3Client =>
  new S3Client({ region, credentials });
