import * as z from 'zod';
import { collectionSubjectSchema, coverageSchema } from '../contract/collection.js';
import { logSourceNameSchema } from '../contract/settings.js';
import { caughtErrorSchema, isoInstant } from '../shared/workflow-schemas.js';

/**
 * Offboarding of one account: delete its Director log source, wait for the DELETE order, then
 * remove the reader user (keys, inline policies, user) and schedule the account secret's deletion.
 *
 * Order matters: the reader key may only go once Director no longer holds a log source that uses
 * it, so every function that deletes checks ownership itself (it may be invoked on its own), and
 * the key is never touched unless the DELETE order is known to have succeeded or the source is
 * provably gone. Every step is idempotent: a part that is already gone counts as done and is
 * reported as such, so offboarding an account twice, or one that was never onboarded, succeeds.
 */

/**
 * The offboarding workflow's contract, written once. Every state's input and output is parsed
 * with these schemas in its handler, and lib/offboarding/offboarding-workflow.ts names the same fields in its
 * paths. Nothing here may ever hold a secret value: only ids, names, dates and flags.
 */

const offboardingReasonSchema = z.enum(['account-closed', 'removed-from-organization', 'manual']);
/** What a trigger or an operator passes to StartExecution. */
export const offboardingInputSchema = z.strictObject({
  accountId: collectionSubjectSchema,
  /** Defaults to `manual`. */
  reason: offboardingReasonSchema.optional(),
  /** Only needed when the account's log source was registered under a name other than the pattern's. */
  logSourceName: logSourceNameSchema.optional(),
  /** Free text recorded in logs and events: which trigger started this run. */
  trigger: z.string().max(100).optional(),
});
export type OffboardingInput = z.infer<typeof offboardingInputSchema>;

/** ValidateOffboardInput's output: the input with every default filled in. */
export const offboardingRequestSchema = z.strictObject({
  accountId: collectionSubjectSchema,
  reason: offboardingReasonSchema,
  logSourceName: z.string().min(1),
  trigger: z.string().nullable(),
  /** How the account was collected: an account covered by the organization source has none of its own to remove. */
  coverage: coverageSchema,
});
export type OffboardingRequest = z.infer<typeof offboardingRequestSchema>;

/**
 * FindLogSource's output: what of the account exists, each part proven to be this product's
 * (anything foreign fails the step with NOT_OWNED before anything is deleted).
 */
export const offboardingInventorySchema = z.strictObject({
  logSourceName: z.string().min(1),
  /** Drives the HasLogSource choice: false skips the Director part. */
  logSourceFound: z.boolean(),
  /** `LogSources/<uuid>` of the account's own log source. */
  logSourceId: z.string().nullable(),
  readerUser: z.enum(['present', 'absent']),
  secret: z.enum(['present', 'scheduled-for-deletion', 'absent']),
});
export type OffboardingInventory = z.infer<typeof offboardingInventorySchema>;

/** DeleteLogSource's output: the DELETE order to poll, or the source was gone already. */
export const logSourceDeletionSchema = z.strictObject({
  status: z.enum(['SUBMITTED', 'ALREADY_GONE']),
  logSourceId: z.string().min(1),
  orderPath: z.string().nullable(),
  requestId: z.string().nullable(),
  submittedAt: isoInstant,
  /** The order must have finished by then, or the run fails with DIRECTOR_ORDER_TIMEOUT. */
  deadlineAt: isoInstant,
});
export type LogSourceDeletion = z.infer<typeof logSourceDeletionSchema>;

/** CheckOrder's output. Only DELETED or ALREADY_GONE lets the workflow touch the reader key. */
export const deletionOrderPollSchema = z.strictObject({
  status: z.enum(['PENDING', 'DELETED', 'ALREADY_GONE']),
  attempt: z.int().min(1),
  /** Seconds the Wait state sleeps before the next check. */
  nextWaitSeconds: z.int().min(1),
  deadlineAt: isoInstant,
});
export type DeletionOrderPoll = z.infer<typeof deletionOrderPollSchema>;

/** RemoveReader's output. */
export const readerRemovalSchema = z.strictObject({
  userName: z.string().min(1),
  userFound: z.boolean(),
  deletedAccessKeys: z.array(z.string()),
  deletedPolicies: z.array(z.string()),
  deletedUser: z.boolean(),
});
export type ReaderRemoval = z.infer<typeof readerRemovalSchema>;

/** What scheduling the secret's deletion found or did; it goes into the summary, not into the state. */
export interface SecretDeletion {
  secretName: string;
  outcome: 'SCHEDULED' | 'ALREADY_SCHEDULED' | 'ABSENT';
  /** When Secrets Manager purges the secret (ISO instant); known only when this run scheduled it. */
  deletionDate: string | null;
  /** 7-30 days. */
  recoveryWindowDays: number;
}

const offboardedPartSchema = z.enum(['logSource', 'readerUser', 'secret']);
export type OffboardedPart = z.infer<typeof offboardedPartSchema>;

/** The execution state when the reader is gone; `deletion` and `order` exist only when there was a log source. */
export const completedOffboardingStateSchema = z.looseObject({
  request: offboardingRequestSchema,
  inventory: offboardingInventorySchema,
  deletion: logSourceDeletionSchema.optional(),
  order: z.union([deletionOrderPollSchema, z.looseObject({ attempt: z.int() })]).optional(),
  reader: readerRemovalSchema,
});
export type CompletedOffboarding = z.infer<typeof completedOffboardingStateSchema>;

/** The execution's output and the detail of the `Offboarding Succeeded` event. */
export const offboardingSummarySchema = z.strictObject({
  accountId: collectionSubjectSchema,
  reason: offboardingReasonSchema,
  trigger: z.string().nullable(),
  logSourceName: z.string(),
  logSourceDeleted: z.boolean(),
  logSourceId: z.string().nullable(),
  deletedAccessKeys: z.array(z.string()),
  deletedPolicies: z.array(z.string()),
  deletedUser: z.boolean(),
  secretDeletionDate: isoInstant.nullable(),
  /** Nothing of the account existed: no log source, no reader user, no secret (not even one awaiting deletion). */
  neverOnboarded: z.boolean(),
  /** Parts that were not there any more (removed earlier, or never created); empty when neverOnboarded. */
  alreadyGone: z.array(offboardedPartSchema),
});
export type OffboardingSummary = z.infer<typeof offboardingSummarySchema>;

/** DescribeOffboardingFailure's output: what the failure event and the Fail state report. */
export const offboardingFailureSchema = z.strictObject({
  code: z.string().min(1),
  message: z.string(),
  accountId: z.string().nullable(),
  logSourceName: z.string().nullable(),
  logSourceId: z.string().nullable(),
  orderRequestId: z.string().nullable(),
  /** What is still in place, each with the reason. */
  kept: z.array(z.string()),
});
export type OffboardingFailure = z.infer<typeof offboardingFailureSchema>;

/** The state object as it grows along the workflow (each step writes its own ResultPath). */
export const offboardingExecutionStateSchema = z.looseObject({
  request: offboardingRequestSchema.optional(),
  inventory: offboardingInventorySchema.optional(),
  deletion: logSourceDeletionSchema.optional(),
  order: z.union([deletionOrderPollSchema, z.looseObject({ attempt: z.int() })]).optional(),
  reader: readerRemovalSchema.optional(),
  result: offboardingSummarySchema.optional(),
  error: caughtErrorSchema.optional(),
});
export type OffboardingExecutionState = z.infer<typeof offboardingExecutionStateSchema>;

/** RecordOffboarded's output: the summary, recorded in the account registry, with how the account was collected. */
export const recordedOffboardingSchema = offboardingSummarySchema.extend({ coverage: coverageSchema });
