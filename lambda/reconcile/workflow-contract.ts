import * as z from 'zod';
import { DriftKind } from '../contract/account-registry.js';
import { collectionSubjectSchema } from '../contract/collection.js';

/**
 * The reconciliation workflow's contract (lib/reconcile/reconcile-workflow.ts): FindDrift compares
 * and records, the two Maps run the safe repairs through the onboarding and offboarding workflows,
 * and the drift event reports it all. Ids, names, kinds and instants only: never a secret.
 */

/** What the schedule or an operator passes to StartExecution. */
export const reconcileInputSchema = z.strictObject({
  /** Report only, whatever `reconcile.repair` says. */
  dryRun: z.boolean().optional(),
  trigger: z.string().max(100).optional(),
});

export const findDriftInputSchema = z.strictObject({
  input: z.unknown(),
  /** `$$.Execution.Id`: the repairs are named after it, so a retried item starts no second run. */
  reconcileExecutionId: z.string().min(1),
  /** Whether the stack has the offboarding workflow: without it, closed accounts are reported only. */
  canOffboard: z.boolean(),
});

const repairSchema = z.strictObject({ accountId: collectionSubjectSchema, executionName: z.string().min(1) });

export const driftReportSchema = z.strictObject({
  findings: z.array(
    z.strictObject({
      accountId: z.string(),
      kinds: z.array(z.enum(Object.values(DriftKind) as [DriftKind, ...DriftKind[]])),
      logSourceId: z.string().nullable(),
      detail: z.string(),
    }),
  ),
  /** The repairs the Maps start (empty when repairs are off or this is a dry run). */
  repairs: z.strictObject({ onboard: z.array(repairSchema), offboard: z.array(repairSchema) }),
  /** Repairs found but not started: `reconcile.repair` is false, the run was a dry run, or there is no offboarding workflow. */
  repairsSkipped: z.boolean(),
  counts: z.strictObject({ accounts: z.int().min(0), sources: z.int().min(0), registryItems: z.int().min(0), findings: z.int().min(0) }),
  trigger: z.string().nullable(),
});
