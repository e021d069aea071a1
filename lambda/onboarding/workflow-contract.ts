import * as z from 'zod';
import { collectionSubjectSchema, coverageSchema } from '../contract/collection.js';
import { accessCheckSchema, bucketFactsSchema, caughtErrorSchema, isoInstant } from '../shared/workflow-schemas.js';
import { awsRegionSchema, bucketNameSchema, logSourceNameSchema, organizationIdSchema, trailPrefixSchema } from '../contract/settings.js';

/**
 * The workflow contract, written once. Every state's input and output is parsed with these
 * schemas in its handler, and the state machine's paths (lib/onboarding/onboarding-workflow.ts) name the
 * same fields. Nothing here may ever hold a secret value: only ids, names and ARNs.
 */

/** How far ahead of this clock an input's instant may be and still count as now. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** What a trigger, the deploy hook or an operator passes to StartExecution. */
export const onboardingInputSchema = z.strictObject({
  /** The account, or in organization mode the organization id to onboard the organization's own source. */
  accountId: collectionSubjectSchema,
  /** Defaults to the stack's configured trail bucket. */
  bucketName: bucketNameSchema.optional(),
  /** The region the operator expects the bucket in; a mismatch fails with BUCKET_REGION_MISMATCH. */
  bucketRegion: awsRegionSchema.optional(),
  trailPrefix: trailPrefixSchema.optional(),
  organizationId: organizationIdSchema.optional(),
  logSourceName: logSourceNameSchema.optional(),
  /** Where fetching starts; not in the future (a few minutes of clock skew are tolerated). */
  filterDate: isoInstant.refine((value) => Date.parse(value) <= Date.now() + CLOCK_SKEW_MS, 'must not be in the future').optional(),
  /** Free text recorded in logs and events: which trigger started this run. */
  trigger: z.string().max(100).optional(),
  /** Adopt a hand-made log source of the expected name for this run (default: logSource.adoptExisting). */
  adopt: z.boolean().optional(),
});
export type OnboardingInput = z.infer<typeof onboardingInputSchema>;

/** ValidateInput's output: the input merged with the stack's trail settings. */
export const onboardingRequestSchema = z.strictObject({
  accountId: collectionSubjectSchema,
  bucketName: bucketNameSchema,
  bucketRegion: awsRegionSchema.optional(),
  trailPrefix: trailPrefixSchema.optional(),
  organizationId: organizationIdSchema.optional(),
  logSourceName: z.string().min(1),
  filterDate: isoInstant.optional(),
  trigger: z.string().optional(),
  /** What the run does: onboard the account's own source, prove its coverage by the organization's, or onboard the organization's. */
  coverage: coverageSchema,
  /** Whether a hand-made source of the expected name is taken over instead of failing NOT_OWNED. */
  adopt: z.boolean().default(false),
});
export type OnboardingRequest = z.infer<typeof onboardingRequestSchema>;

export const readerIdentitySchema = z.strictObject({
  userName: z.string().min(1),
  userArn: z.string().min(1),
  accessKeyId: z.string().min(16),
  secretName: z.string().min(1),
  secretArn: z.string().min(1),
  /** What this execution created, so that Compensate removes exactly that and nothing else. */
  created: z.strictObject({ user: z.boolean(), secret: z.boolean(), accessKey: z.boolean() }),
});
export type ReaderIdentity = z.infer<typeof readerIdentitySchema>;

export const registrationSchema = z.strictObject({
  operation: z.enum(['CREATE', 'EDIT']),
  logSourceName: z.string().min(1),
  /** `LogSources/<uuid>`: known for an edit, found by name after a create's order succeeds. */
  logSourceId: z.string().nullable(),
  /** The order to watch; null when the write's answer was lost (CheckOrder then looks for the source itself). */
  orderPath: z.string().min(1).nullable(),
  requestId: z.string().min(1).nullable(),
  /** When the write was sent; equals the `logpoint:director-write` record on the account secret. */
  submittedAt: isoInstant,
});
export type Registration = z.infer<typeof registrationSchema>;

export const orderPollSchema = z.strictObject({
  /** RESUBMIT: the write provably did not take (its source did not appear in time): RegisterLogSource runs again. */
  status: z.enum(['PENDING', 'SUCCEEDED', 'RESUBMIT']),
  logSourceId: z.string().nullable(),
  /** Seconds the Wait state sleeps before the next check: 4, doubling to the cap (orderPolling.maxWaitSeconds, 15 s by default). */
  nextWaitSeconds: z.int().min(1),
  attempt: z.int().min(1),
  startedAt: isoInstant,
  deadlineAt: isoInstant,
});
export type OrderPoll = z.infer<typeof orderPollSchema>;

/**
 * What Director says about the data plane once the source is registered (CheckDataFlow): whether
 * Logpoint actually fetches with the key. `watch` is the loop's own bookkeeping.
 */
export const dataPlaneSchema = z.strictObject({
  /** WAITING while the workflow still looks; ONBOARDED: data flows; REGISTERED_NO_DATA_YET: the deadline passed without a fetch or an error. */
  outcome: z.enum(['WAITING', 'ONBOARDED', 'REGISTERED_NO_DATA_YET']),
  lastLogReceived: isoInstant.nullable(),
  fetchStatus: z.string().nullable(),
  lastFetchAttempt: isoInstant.nullable(),
  /** Why the outcome is what it is, for the event and the operator. */
  note: z.string(),
  watch: z.strictObject({
    attempt: z.int().min(0),
    nextWaitSeconds: z.int().min(1),
    deadlineAt: isoInstant.nullable(),
    /** The signals at the first look of an edit: only a fetch after them used the new key. */
    baseline: z.strictObject({ lastLogReceived: isoInstant.nullable(), lastFetchAttempt: isoInstant.nullable() }).nullable(),
  }),
});
export type DataPlane = z.infer<typeof dataPlaneSchema>;

/** FinalizeOnboarding's output, which is also the execution's output. */
export const onboardingResultSchema = z.strictObject({
  accountId: z.string(),
  logSourceName: z.string(),
  logSourceId: z.string(),
  operation: z.enum(['CREATE', 'EDIT']),
  readerUserName: z.string(),
  accessKeyId: z.string(),
  secretName: z.string(),
  retiredAccessKeys: z.array(z.string()),
  /** Scheduled rotation of the account secret: what finalizing did to it (`off` when not deployed). */
  keyRotation: z.enum(['enabled', 'updated', 'unchanged', 'rotation-in-progress', 'off', 'failed']),
  /** Problems after Director accepted the source (a key not retired, rotation not switched on): the onboarding stands. */
  warnings: z.array(z.string()),
  /** Added by the data-plane watch after FinalizeOnboarding. */
  dataPlane: dataPlaneSchema.optional(),
});
export type OnboardingResult = z.infer<typeof onboardingResultSchema>;

/**
 * ConfirmCoverage's output, the execution's output for an account that the organization's source
 * collects (organization mode): no reader, key or source of its own.
 */
export const coverageResultSchema = z.strictObject({
  accountId: z.string(),
  coverage: z.literal('organization-source'),
  organizationId: z.string(),
  /** The organization's source that fetches the account's logs. */
  logSourceName: z.string(),
  logSourceId: z.string(),
  /** Where the account's logs were found, under the organization prefix. */
  logPrefix: z.string(),
  dataPlane: dataPlaneSchema.pick({ outcome: true, lastLogReceived: true, fetchStatus: true, lastFetchAttempt: true, note: true }),
  warnings: z.array(z.string()),
});
export type CoverageResult = z.infer<typeof coverageResultSchema>;

const cleanupSummarySchema = z.strictObject({
  deletedAccessKeys: z.array(z.string()),
  deletedUser: z.boolean(),
  deletedSecret: z.boolean(),
  kept: z.array(z.string()),
});

/** Compensate's output: what the failure event and the Fail state report. */
export const failureSchema = z.strictObject({
  code: z.string().min(1),
  message: z.string(),
  accountId: z.string().nullable(),
  logSourceName: z.string().nullable(),
  orderRequestId: z.string().nullable(),
  cleanup: cleanupSummarySchema,
});
export type Failure = z.infer<typeof failureSchema>;

/** The state object as it grows along the workflow (each step writes its own ResultPath). */
export const workflowStateSchema = z.looseObject({
  input: z.unknown().optional(),
  request: onboardingRequestSchema.optional(),
  bucket: bucketFactsSchema.optional(),
  reader: readerIdentitySchema.optional(),
  access: accessCheckSchema.optional(),
  registration: registrationSchema.optional(),
  order: z.union([orderPollSchema, z.looseObject({ attempt: z.int() })]).optional(),
  result: onboardingResultSchema.optional(),
  error: caughtErrorSchema.optional(),
});
export type WorkflowState = z.infer<typeof workflowStateSchema>;
