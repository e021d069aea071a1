import * as z from 'zod';
import { collectionSubjectSchema } from '../contract/collection.js';
import { onboardingInputSchema } from '../onboarding/workflow-contract.js';
import { logSourceNameSchema } from '../contract/settings.js';
import { WorkflowKind } from '../contract/account-events.js';
import { invalidEvent, type StartRequest } from './start-request.js';

const idempotencyKeySchema = z.string().min(1).max(200);

/**
 * An operator's direct invocation of the starter. `idempotencyKey` names the run (two invocations
 * with the same key start one execution); without it the Lambda request id is used, which stays
 * the same across the Lambda service's own retries of one asynchronous invocation.
 */
const manualStartSchema = z.union([
  onboardingInputSchema.extend({ action: z.literal(WorkflowKind.Onboard).optional(), idempotencyKey: idempotencyKeySchema.optional() }),
  z.strictObject({
    action: z.literal(WorkflowKind.Offboard),
    accountId: collectionSubjectSchema,
    /** Passed through; the offboarding workflow's own input schema decides what it accepts. */
    reason: z.string().min(1).max(50).optional(),
    logSourceName: logSourceNameSchema.optional(),
    trigger: z.string().max(100).optional(),
    idempotencyKey: idempotencyKeySchema.optional(),
  }),
]);

/** Reads an operator's manual input into a start request. */
export function startRequestFromManualInput(event: unknown, requestId: string): StartRequest {
  const parsed = manualStartSchema.safeParse(event);
  if (!parsed.success) throw invalidEvent(`not a valid manual start input: ${z.prettifyError(parsed.error)}`);
  const { action, idempotencyKey, ...input } = parsed.data;
  const kind = action ?? WorkflowKind.Onboard;
  return {
    kind,
    accountId: input.accountId,
    idempotencyKey: `manual:${idempotencyKey ?? requestId}`,
    input: { ...input, trigger: input.trigger ?? 'manual' },
  };
}
