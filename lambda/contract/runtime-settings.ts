import * as z from 'zod';
import { awsRegionSchema, bucketNameSchema, directorSettingsSchema, logSourceDefaultsSchema, organizationIdSchema, trailPrefixSchema } from './settings.js';

/** The stack's CloudTrail trail: the bucket every account's logs land in, unless an input overrides it. */
export const trailSettingsSchema = z.strictObject({
  bucketName: bucketNameSchema,
  bucketRegion: awsRegionSchema.optional(),
  trailPrefix: trailPrefixSchema.optional(),
  /** Set for an organization trail: objects live under AWSLogs/<o-id>/<account>/. */
  organizationId: organizationIdSchema.optional(),
});
export type TrailSettings = z.infer<typeof trailSettingsSchema>;

export const orderPollingSchema = z.strictObject({
  initialWaitSeconds: z.int().min(1).max(60).default(2),
  maxWaitSeconds: z.int().min(1).max(600).default(60),
  deadlineSeconds: z.int().min(30).max(86_400).default(1800),
  /**
   * How long after a create whose answer was lost the product keeps looking for its log source
   * before it concludes Director did not apply it and sends the create again (orders usually
   * finish within seconds; a list may lag until Director refreshes it).
   */
  settleSeconds: z.int().min(10).max(3600).default(120),
});
export type OrderPolling = z.infer<typeof orderPollingSchema>;

/** What every Lambda of the workflow receives in `ONBOARDING_SETTINGS`. Contains no secret. */
export const runtimeSettingsSchema = z.strictObject({
  director: directorSettingsSchema.omit({ caBundle: true }),
  trail: trailSettingsSchema,
  logSource: logSourceDefaultsSchema,
  orderPolling: orderPollingSchema.default({ initialWaitSeconds: 2, maxWaitSeconds: 60, deadlineSeconds: 1800, settleSeconds: 120 }),
});
export type RuntimeSettings = z.infer<typeof runtimeSettingsSchema>;
export type RuntimeSettingsInput = z.input<typeof runtimeSettingsSchema>;
