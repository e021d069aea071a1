import * as z from 'zod';
import { collectionSubjectSchema } from '../contract/collection.js';
import { LOCK_WORKFLOWS } from '../contract/account-lock.js';
import { isoInstant } from '../shared/workflow-schemas.js';

/**
 * The lock steps' payloads. A workflow passes its own execution ARN (`$$.Execution.Id`) as the
 * owner: unique per run, the same across a Retry of the step, and no secret.
 */
const ownerSchema = z.string().min(1).max(2048);

export const acquireLockInputSchema = z.strictObject({
  accountId: collectionSubjectSchema,
  owner: ownerSchema,
  workflow: z.enum(LOCK_WORKFLOWS),
});

/** The lock a run holds; `expiresAt` tells an operator how long a run that never released it blocks the account. */
export const accountLockSchema = z.strictObject({
  accountId: collectionSubjectSchema,
  owner: ownerSchema,
  expiresAt: isoInstant,
});
export type AccountLock = z.infer<typeof accountLockSchema>;

export const releaseLockInputSchema = z.strictObject({
  accountId: collectionSubjectSchema,
  owner: ownerSchema,
});

/** False when the run did not hold the lock (any more): it expired and was taken, or was never taken. */
export const lockReleaseSchema = z.strictObject({
  released: z.boolean(),
});
