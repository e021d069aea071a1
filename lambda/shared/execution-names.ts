import { createHash } from 'node:crypto';
import type { WorkflowKind } from '../contract/account-events.js';
import { ErrorCode } from '../contract/error-codes.js';
import { OnboardingError } from './errors.js';

/**
 * Execution names and ARNs: the starter and the fleet run name every execution after its account
 * and the request, so that the same request always maps to the same execution.
 */

/** Maximum length Step Functions allows for an execution name. */
const MAX_EXECUTION_NAME = 80;

/**
 * `onboard-<account>-<16 hex of sha256(key)>`: the prefix lets a look-up find every run for the
 * account; the hash makes one logical request map to exactly one name.
 */
export function executionNameFor(kind: WorkflowKind, accountId: string, idempotencyKey: string): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16);
  const name = `${executionNamePrefix(kind, accountId)}${hash}`;
  if (name.length > MAX_EXECUTION_NAME) throw new OnboardingError(ErrorCode.INTERNAL, `Execution name ${name} is too long.`);
  return name;
}

function executionNamePrefix(kind: WorkflowKind, accountId: string): string {
  return `${kind}-${accountId}-`;
}

/** `arn:…:stateMachine:<machine>` → `arn:…:execution:<machine>:<name>` (the ARN StartExecution returns). */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[5] !== 'stateMachine') {
    throw new OnboardingError(ErrorCode.CONFIG_INVALID, `${stateMachineArn} is not a state machine ARN.`);
  }
  parts[5] = 'execution';
  return `${parts.join(':')}:${executionName}`;
}
