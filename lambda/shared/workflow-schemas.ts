import * as z from 'zod';
import { awsRegionSchema, bucketNameSchema } from '../contract/settings.js';

/**
 * Schema pieces the features' workflow contracts are built from: the trail bucket's facts and the
 * proof of access (onboarding and rotation), the caught error and instants (both workflows).
 */

/** An ISO-8601 instant with an offset, as Step Functions and the handlers write them. */
export const isoInstant = z.iso.datetime({ offset: true });

/** What a Catch puts at `$.error` (Step Functions' own shape). */
export const caughtErrorSchema = z.looseObject({
  Error: z.string(),
  Cause: z.string().optional(),
});

/** CheckBucket's findings, which ProvisionReader, VerifyAccess and the rotation's testSecret build on. */
export const bucketFactsSchema = z.strictObject({
  bucketName: bucketNameSchema,
  bucketRegion: awsRegionSchema,
  /** `[prefix/]AWSLogs/[o-id/]<account>/CloudTrail/` */
  logPrefix: z.string().min(1),
  /** Set when the bucket's default encryption is SSE-KMS. */
  kmsKeyArn: z.string().nullable(),
  sampleObjectKey: z.string().min(1),
});
export type BucketFacts = z.infer<typeof bucketFactsSchema>;

/** The proof that a reader key lists and reads a real log object. */
export const accessCheckSchema = z.strictObject({
  objectKey: z.string().min(1),
  bytesRead: z.int().min(0),
});
export type AccessCheck = z.infer<typeof accessCheckSchema>;
