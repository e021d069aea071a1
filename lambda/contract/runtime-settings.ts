import * as z from 'zod';
import { collectionSettingsSchema } from './collection.js';
import { DEFAULT_FLEET_FILTERS, fleetFiltersSchema } from './fleet.js';
import { DEFAULT_RECONCILE_SETTINGS, reconcileSettingsSchema } from './reconcile.js';
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

/**
 * How CheckOrder watches a Director order. Orders mostly finish within seconds, some take minutes:
 * the first look comes `initialWaitSeconds` after the write, the waits then double (4, 8 s) up
 * to `maxWaitSeconds`, which bounds how late a finished order is seen (15 s by default: an order
 * done at 2 minutes is seen 14 s later after 11 looks, where looking every 5 s would take 24;
 * `npm run bench` prints the figures). A larger cap means fewer Lambda invocations for long
 * orders and later detection.
 */
export const orderPollingSchema = z.strictObject({
  initialWaitSeconds: z.int().min(1).max(60).default(2),
  maxWaitSeconds: z.int().min(1).max(600).default(15),
  deadlineSeconds: z.int().min(30).max(86_400).default(1800),
  /**
   * How long after a create whose answer was lost the product keeps looking for its log source
   * before it concludes Director did not apply it and sends the create again (orders usually
   * finish within seconds; a list may lag until Director refreshes it).
   */
  settleSeconds: z.int().min(10).max(3600).default(120),
});
export type OrderPolling = z.infer<typeof orderPollingSchema>;
export const DEFAULT_ORDER_POLLING: OrderPolling = { initialWaitSeconds: 2, maxWaitSeconds: 15, deadlineSeconds: 1800, settleSeconds: 120 };

/**
 * How long an onboarding waits, after Director accepted the source, for proof that Logpoint
 * fetches (`last_log_received`, `fetch_status`): looks back off from `initialWaitSeconds` to
 * `maxWaitSeconds`; past `deadlineSeconds` the run succeeds as REGISTERED_NO_DATA_YET. A fetcher
 * runs every `logSource.interval` minutes, so the deadline should span a few of its rounds.
 */
export const dataFlowSchema = z.strictObject({
  initialWaitSeconds: z.int().min(1).max(600).default(30),
  maxWaitSeconds: z.int().min(1).max(900).default(120),
  deadlineSeconds: z.int().min(0).max(86_400).default(1800),
  /**
   * How long a key rotation's testSecret waits, inside the rotation function, for Director to
   * report a fetch with the new key (backing off between looks); past it the rotation proceeds as
   * REGISTERED_NO_DATA_YET. The function's timeout bounds it further (rotate-access-key.handler.ts).
   */
  rotationWaitSeconds: z.int().min(0).max(600).default(60),
});
export type DataFlowSettings = z.infer<typeof dataFlowSchema>;
export const DEFAULT_DATA_FLOW: DataFlowSettings = { initialWaitSeconds: 30, maxWaitSeconds: 120, deadlineSeconds: 1800, rotationWaitSeconds: 60 };

/** What every Lambda of the workflow receives in `ONBOARDING_SETTINGS`. Contains no secret. */
export const runtimeSettingsSchema = z.strictObject({
  director: directorSettingsSchema.omit({ caBundle: true }),
  trail: trailSettingsSchema,
  /** @default per-account: what every stack did before collection modes. */
  collection: collectionSettingsSchema.default({ mode: 'per-account' }),
  logSource: logSourceDefaultsSchema,
  orderPolling: orderPollingSchema.default(DEFAULT_ORDER_POLLING),
  dataFlow: dataFlowSchema.default(DEFAULT_DATA_FLOW),
  /** Which accounts a fleet run onboards (lib/fleet/). */
  fleet: fleetFiltersSchema.default(DEFAULT_FLEET_FILTERS),
  /** What reconciliation counts as drift and whether it repairs (lib/reconcile/). */
  reconcile: reconcileSettingsSchema.default(DEFAULT_RECONCILE_SETTINGS),
});
export type RuntimeSettings = z.infer<typeof runtimeSettingsSchema>;
export type RuntimeSettingsInput = z.input<typeof runtimeSettingsSchema>;
