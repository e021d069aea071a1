import { ErrorCode, TRANSIENT_ERROR_CODES } from '../contract/error-codes.js';

/**
 * The error every failure of this product becomes; its code is one of ../contract/error-codes.ts.
 * A message must never carry a secret (access key secret, Director token or secretKey).
 */

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

/** Narrows anything thrown into a message that is safe to show (no stack, no cause chain). */
export function describeError(value: unknown): { code: ErrorCode; message: string } {
  if (value instanceof OnboardingError) return { code: value.code, message: value.message };
  if (value instanceof Error) return { code: ErrorCode.INTERNAL, message: value.message };
  return { code: ErrorCode.INTERNAL, message: String(value) };
}
