/**
 * Typed error codes. The codes are a contract: the state machine's Retry/Catch matches them as
 * Lambda error names, the sandbox and events report them, and operators search for them. Rename a
 * code only together with every place that matches it.
 */
export const ErrorCode = {
  INVALID_INPUT: 'INVALID_INPUT',
  CONFIG_INVALID: 'CONFIG_INVALID',
  BUCKET_NOT_FOUND: 'BUCKET_NOT_FOUND',
  BUCKET_ACCESS_DENIED: 'BUCKET_ACCESS_DENIED',
  BUCKET_REGION_MISMATCH: 'BUCKET_REGION_MISMATCH',
  NO_CLOUDTRAIL_LOGS: 'NO_CLOUDTRAIL_LOGS',
  /**
   * No logs under the configured prefix, but the account's logs are under another layout of the
   * bucket (account, organization, Control Tower, custom prefix): a setting is wrong, so unlike
   * NO_CLOUDTRAIL_LOGS it is not retried. The message names the layout and the settings to change.
   */
  TRAIL_LAYOUT_MISMATCH: 'TRAIL_LAYOUT_MISMATCH',
  READER_PROVISIONING_FAILED: 'READER_PROVISIONING_FAILED',
  ACCESS_KEY_LIMIT: 'ACCESS_KEY_LIMIT',
  ACCESS_NOT_YET_EFFECTIVE: 'ACCESS_NOT_YET_EFFECTIVE',
  ACCESS_VERIFICATION_FAILED: 'ACCESS_VERIFICATION_FAILED',
  SECRET_NOT_FOUND: 'SECRET_NOT_FOUND',
  SECRET_INVALID: 'SECRET_INVALID',
  NOT_OWNED: 'NOT_OWNED',
  /** Another workflow run holds the account's lock (lambda/locking/): this run must not touch the account now. */
  ACCOUNT_BUSY: 'ACCOUNT_BUSY',
  /** An AWS service throttled or failed on its side (5xx): the step is retried with backoff. */
  AWS_UNAVAILABLE: 'AWS_UNAVAILABLE',
  DIRECTOR_AUTH_FAILED: 'DIRECTOR_AUTH_FAILED',
  DIRECTOR_FORBIDDEN: 'DIRECTOR_FORBIDDEN',
  DIRECTOR_NOT_FOUND: 'DIRECTOR_NOT_FOUND',
  DIRECTOR_VALIDATION_FAILED: 'DIRECTOR_VALIDATION_FAILED',
  DIRECTOR_UNAVAILABLE: 'DIRECTOR_UNAVAILABLE',
  /**
   * A Director write may or may not have been applied (its answer was lost, its order vanished or
   * never finished): the key it carried is kept, and a re-run finds out and repairs.
   */
  DIRECTOR_OUTCOME_UNKNOWN: 'DIRECTOR_OUTCOME_UNKNOWN',
  DIRECTOR_BAD_RESPONSE: 'DIRECTOR_BAD_RESPONSE',
  DIRECTOR_ORDER_FAILED: 'DIRECTOR_ORDER_FAILED',
  DIRECTOR_ORDER_PENDING: 'DIRECTOR_ORDER_PENDING',
  DIRECTOR_ORDER_TIMEOUT: 'DIRECTOR_ORDER_TIMEOUT',
  /**
   * Every Director order slot (`director.maxConcurrentOrders`, lambda/governance/order-slots.ts) is
   * held by another run: this run sent nothing and waits its turn (the step's own Retry). Not
   * DIRECTOR_UNAVAILABLE, whose short Retry would give up while other runs' orders are still going.
   */
  DIRECTOR_ORDER_SLOTS_FULL: 'DIRECTOR_ORDER_SLOTS_FULL',
  LOG_SOURCE_NOT_FOUND: 'LOG_SOURCE_NOT_FOUND',
  ROTATION_FAILED: 'ROTATION_FAILED',
  /**
   * Director registered the source, but reports that Logpoint's fetcher failed to read the bucket
   * with its key (the reason is Director's own `fetch_status`). Nothing Director uses is deleted.
   */
  FETCH_FAILED: 'FETCH_FAILED',
  /**
   * Organization mode: an account's coverage cannot be confirmed because the organization's own log
   * source is not onboarded (deploy the stack, or onboard the organization id). Not retried.
   */
  ORGANIZATION_SOURCE_MISSING: 'ORGANIZATION_SOURCE_MISSING',
  /** The run failed, then its compensation (or failure report) failed too: see the execution history. */
  CLEANUP_FAILED: 'CLEANUP_FAILED',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes worth retrying inside the workflow: the cause is expected to pass by itself. */
export const TRANSIENT_ERROR_CODES: readonly ErrorCode[] = [
  ErrorCode.DIRECTOR_UNAVAILABLE,
  ErrorCode.DIRECTOR_ORDER_SLOTS_FULL,
  ErrorCode.ACCESS_NOT_YET_EFFECTIVE,
  ErrorCode.AWS_UNAVAILABLE,
];
