/**
 * The per-account lock: the table's key and TTL attribute (lib/shared/account-lock-table.ts) and
 * the code that takes and releases locks in it (lambda/locking/) use these names, so the table
 * cannot be keyed or expire on an attribute the functions do not write.
 */
export const AccountLockAttribute = {
  /** S, the partition key: one lock per account. */
  accountId: 'accountId',
  /** S, who holds the lock: the execution ARN of the run (no secret). */
  owner: 'owner',
  /** S, one of {@link LOCK_WORKFLOWS}. */
  workflow: 'workflow',
  /** S, ISO-8601 instant of the (latest) acquisition. */
  acquiredAt: 'acquiredAt',
  /** N, epoch seconds after which the lock counts as free; also the table's TTL attribute. */
  expiresAt: 'expiresAt',
} as const;

/** The runs that hold an account's lock while they touch the account. */
export const LOCK_WORKFLOWS = ['onboard', 'offboard', 'rotate'] as const;
export type LockWorkflow = (typeof LOCK_WORKFLOWS)[number];

/** How long a state machine may run beyond its Director order deadline before Step Functions stops it. */
const BACKSTOP_BEYOND_ORDER_DEADLINE_SECONDS = 3600;

/**
 * The longest a workflow run can live: the state machine's timeout (workflowStateMachine in
 * lib/shared/workflow-parts.ts sets the order deadline plus one hour; it should take it from here
 * so the two cannot drift). A lock lasts this long, so that it outlives every run that can still
 * be acting on the account, and frees itself when a run ended without releasing it (timed out,
 * stopped, or its release failed).
 */
export function workflowMaxRunSeconds(orderDeadlineSeconds: number): number {
  return orderDeadlineSeconds + BACKSTOP_BEYOND_ORDER_DEADLINE_SECONDS;
}
