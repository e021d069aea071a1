/**
 * Typed errors with stable codes. The codes are a contract: the state machine's Retry/Catch
 * matches them as Lambda error names, the sandbox and events report them, and operators search
 * for them. Rename a code only together with every place that matches it.
 *
 * A message must never carry a secret (access key secret, Director token or secretKey).
 */
export const ErrorCode = {
  INVALID_INPUT: 'INVALID_INPUT',
  CONFIG_INVALID: 'CONFIG_INVALID',
  BUCKET_NOT_FOUND: 'BUCKET_NOT_FOUND',
  BUCKET_ACCESS_DENIED: 'BUCKET_ACCESS_DENIED',
  BUCKET_REGION_MISMATCH: 'BUCKET_REGION_MISMATCH',
  NO_CLOUDTRAIL_LOGS: 'NO_CLOUDTRAIL_LOGS',
  READER_PROVISIONING_FAILED: 'READER_PROVISIONING_FAILED',
  ACCESS_KEY_LIMIT: 'ACCESS_KEY_LIMIT',
  ACCESS_NOT_YET_EFFECTIVE: 'ACCESS_NOT_YET_EFFECTIVE',
  ACCESS_VERIFICATION_FAILED: 'ACCESS_VERIFICATION_FAILED',
  SECRET_NOT_FOUND: 'SECRET_NOT_FOUND',
  SECRET_INVALID: 'SECRET_INVALID',
  NOT_OWNED: 'NOT_OWNED',
  DIRECTOR_AUTH_FAILED: 'DIRECTOR_AUTH_FAILED',
  DIRECTOR_FORBIDDEN: 'DIRECTOR_FORBIDDEN',
  DIRECTOR_NOT_FOUND: 'DIRECTOR_NOT_FOUND',
  DIRECTOR_VALIDATION_FAILED: 'DIRECTOR_VALIDATION_FAILED',
  DIRECTOR_UNAVAILABLE: 'DIRECTOR_UNAVAILABLE',
  DIRECTOR_BAD_RESPONSE: 'DIRECTOR_BAD_RESPONSE',
  DIRECTOR_ORDER_FAILED: 'DIRECTOR_ORDER_FAILED',
  DIRECTOR_ORDER_PENDING: 'DIRECTOR_ORDER_PENDING',
  DIRECTOR_ORDER_TIMEOUT: 'DIRECTOR_ORDER_TIMEOUT',
  LOG_SOURCE_NOT_FOUND: 'LOG_SOURCE_NOT_FOUND',
  ROTATION_FAILED: 'ROTATION_FAILED',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes worth retrying inside the workflow: the cause is expected to pass by itself. */
export const TRANSIENT_ERROR_CODES: readonly ErrorCode[] = [
  ErrorCode.DIRECTOR_UNAVAILABLE,
  ErrorCode.ACCESS_NOT_YET_EFFECTIVE,
];

export interface OnboardingErrorOptions {
  /** Structured, secret-free facts that help an operator (bucket, region, field names …). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * Base of every error this product raises on purpose. `name` is set to the code so that the
 * Lambda runtime reports it as `errorType`, which is what Step Functions matches in Retry/Catch.
 */
export class OnboardingError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: OnboardingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = code;
    this.details = options.details ?? {};
  }

  get transient(): boolean {
    return TRANSIENT_ERROR_CODES.includes(this.code);
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isOnboardingError(value: unknown): value is OnboardingError {
  return value instanceof OnboardingError;
}

/** Narrows anything thrown into a message that is safe to show (no stack, no cause chain). */
export function describeError(value: unknown): { code: ErrorCode; message: string } {
  if (value instanceof OnboardingError) return { code: value.code, message: value.message };
  if (value instanceof Error) return { code: ErrorCode.INTERNAL, message: value.message };
  return { code: ErrorCode.INTERNAL, message: String(value) };
}
