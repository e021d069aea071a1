import * as z from 'zod';
import { accountIdSchema } from '../contract/settings.js';

/**
 * The fleet workflow's contract (lib/fleet/fleet-workflow.ts): list the organization's accounts,
 * onboard each through the onboarding workflow (Map, bounded concurrency), summarize. Nothing here
 * ever holds a secret: account ids, execution names and ARNs, error codes and messages.
 */

/** What the schedule, the deploy trigger or an operator passes to StartExecution. */
export const fleetInputSchema = z.strictObject({
  /** Onboard exactly these (still only the ACTIVE ones the filters admit); default: the whole organization. */
  accountIds: z.array(accountIdSchema).min(1).optional(),
  trigger: z.string().max(100).optional(),
});

export const listFleetAccountsInputSchema = z.strictObject({
  input: z.unknown(),
  /** `$$.Execution.Id`: every account's onboarding is named after it, so a retried item starts no second run. */
  fleetExecutionId: z.string().min(1),
});

export const fleetListingSchema = z.strictObject({
  accounts: z.array(z.strictObject({ accountId: accountIdSchema, executionName: z.string().min(1) })),
  excluded: z.array(z.strictObject({ accountId: z.string(), reason: z.string() })),
  trigger: z.string().nullable(),
});

/** One account's outcome, as the Map's item processor leaves it. */
const fleetAccountResultSchema = z.union([
  z.strictObject({ accountId: accountIdSchema, status: z.literal('SUCCEEDED'), executionArn: z.string() }),
  z.strictObject({ accountId: accountIdSchema, status: z.literal('FAILED'), error: z.string(), cause: z.string().nullable() }),
]);
export type FleetAccountResult = z.infer<typeof fleetAccountResultSchema>;

export const summarizeFleetInputSchema = z.strictObject({
  listing: fleetListingSchema,
  results: z.array(fleetAccountResultSchema),
});

/** The execution's output and the detail of `Fleet Onboarding Finished`. */
export const fleetSummarySchema = z.strictObject({
  accounts: z.int().min(0),
  succeeded: z.int().min(0),
  failed: z.int().min(0),
  excluded: z.array(z.strictObject({ accountId: z.string(), reason: z.string() })),
  /** Each failed account with its onboarding's error code and message. */
  failures: z.array(z.strictObject({ accountId: z.string(), errorCode: z.string(), errorMessage: z.string() })),
  /** Each onboarded account and its onboarding execution. */
  onboarded: z.array(z.strictObject({ accountId: z.string(), executionArn: z.string() })),
  trigger: z.string().nullable(),
});
export type FleetSummary = z.infer<typeof fleetSummarySchema>;
