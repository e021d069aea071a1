import { OnboardingError } from '../shared/errors.js';
import { ErrorCode } from '../contract/error-codes.js';
import { definedOnly } from '../shared/records.js';

/**
 * Errors raised by the Director client. Every one carries the HTTP facts an operator needs
 * (status, method, path with pool/logpoint) and Director's own message, and never a secret:
 * the transport redacts the token, the secretKey and any secret_key value before a Director
 * message reaches one of these constructors.
 */
export interface DirectorErrorFacts {
  method?: string;
  /** Request path, e.g. `/configapi/<pool>/<logpoint>/LogSources`; never a query string. */
  path?: string;
  status?: number;
  /** Director's `message`, already redacted. */
  directorMessage?: string;
  /** More secret-free facts (attempts, retryAfterMs, issues …). */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

type DirectorErrorCode =
  | typeof ErrorCode.DIRECTOR_AUTH_FAILED
  | typeof ErrorCode.DIRECTOR_FORBIDDEN
  | typeof ErrorCode.DIRECTOR_NOT_FOUND
  | typeof ErrorCode.DIRECTOR_VALIDATION_FAILED
  | typeof ErrorCode.DIRECTOR_UNAVAILABLE
  | typeof ErrorCode.DIRECTOR_OUTCOME_UNKNOWN
  | typeof ErrorCode.DIRECTOR_BAD_RESPONSE
  | typeof ErrorCode.DIRECTOR_ORDER_FAILED
  | typeof ErrorCode.DIRECTOR_ORDER_TIMEOUT;

export abstract class DirectorError extends OnboardingError {
  readonly status: number | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly directorMessage: string | undefined;

  protected constructor(code: DirectorErrorCode, summary: string, facts: DirectorErrorFacts) {
    super(code, composeMessage(summary, facts), {
      details: definedOnly({
        status: facts.status,
        method: facts.method,
        path: facts.path,
        directorMessage: facts.directorMessage,
        ...facts.extra,
      }),
      cause: facts.cause,
    });
    this.status = facts.status;
    this.method = facts.method;
    this.path = facts.path;
    this.directorMessage = facts.directorMessage;
  }
}

/** 401 after one refresh, or /refreshToken rejected the secretKey. */
export class DirectorAuthError extends DirectorError {
  constructor(summary: string, facts: DirectorErrorFacts = {}) {
    super(ErrorCode.DIRECTOR_AUTH_FAILED, summary, facts);
  }
}

/** 403: the token lacks rights. Not retried: waiting does not grant rights. */
export class DirectorForbiddenError extends DirectorError {
  constructor(summary: string, facts: DirectorErrorFacts = {}) {
    super(ErrorCode.DIRECTOR_FORBIDDEN, summary, facts);
  }
}

/** 404: unknown pool, logpoint, log source or order. */
export class DirectorNotFoundError extends DirectorError {
  constructor(summary: string, facts: DirectorErrorFacts = {}) {
    super(ErrorCode.DIRECTOR_NOT_FOUND, summary, facts);
  }
}

/** 400 (and other 4xx without a more specific meaning): Director refused the request as sent. */
export class DirectorValidationError extends DirectorError {
  constructor(summary: string, facts: DirectorErrorFacts = {}) {
    super(ErrorCode.DIRECTOR_VALIDATION_FAILED, summary, facts);
  }
}

/** 429/5xx/network/timeout after the retries ran out. Transient: the workflow may retry later. */
export class DirectorUnavailableError extends DirectorError {
  constructor(summary: string, facts: DirectorErrorFacts = {}) {
    super(ErrorCode.DIRECTOR_UNAVAILABLE, summary, facts);
  }
}

/**
 * A write that must not be sent twice (a create) reached Director, or may have, and no answer
 * says what became of it: a timeout, a dropped connection, a 5xx. Never repeated blindly: the
 * caller finds out by reading Director (the log source by name) before anything else.
 */
export class DirectorOutcomeUnknownError extends DirectorError {
  constructor(summary: string, facts: DirectorErrorFacts = {}) {
    super(ErrorCode.DIRECTOR_OUTCOME_UNKNOWN, summary, facts);
  }
}

/** The answer was not JSON or not the shape director-api.md describes. */
export class DirectorBadResponseError extends DirectorError {
  constructor(summary: string, facts: DirectorErrorFacts = {}) {
    super(ErrorCode.DIRECTOR_BAD_RESPONSE, summary, facts);
  }
}

export interface OrderFailureFacts {
  requestId: string;
  orderPath: string;
  message: string;
  validationErrors: Record<string, string[]>;
  errors: string[];
}

/** The order finished with `response.success: false`. The message lists Director's reasons. */
export class DirectorOrderFailedError extends DirectorError {
  readonly requestId: string;
  readonly validationErrors: Record<string, string[]>;
  readonly errors: string[];

  constructor(failure: OrderFailureFacts) {
    super(ErrorCode.DIRECTOR_ORDER_FAILED, `Director order ${failure.requestId} failed`, {
      method: 'GET',
      path: failure.orderPath,
      directorMessage: describeOrderFailure(failure),
      extra: { requestId: failure.requestId, validationErrors: failure.validationErrors, errors: failure.errors },
    });
    this.requestId = failure.requestId;
    this.validationErrors = failure.validationErrors;
    this.errors = failure.errors;
  }
}

/** The order was still pending when the caller's deadline passed. */
export class DirectorOrderTimeoutError extends DirectorError {
  readonly requestId: string;

  constructor(requestId: string, orderPath: string, waitedMs: number, polls: number) {
    super(ErrorCode.DIRECTOR_ORDER_TIMEOUT, `Director order ${requestId} did not finish within ${waitedMs} ms (${polls} polls)`, {
      method: 'GET',
      path: orderPath,
      extra: { requestId, waitedMs, polls },
    });
    this.requestId = requestId;
  }
}

function describeOrderFailure(failure: OrderFailureFacts): string {
  const reasons = [...Object.entries(failure.validationErrors).map(([field, messages]) => `${field}: ${messages.join(' ')}`), ...failure.errors];
  const head = failure.message.trim() || 'the order failed';
  return reasons.length === 0 ? head : `${head} (${reasons.join('; ')})`;
}

function composeMessage(summary: string, facts: DirectorErrorFacts): string {
  const request = facts.method && facts.path ? ` [${facts.method} ${facts.path}${facts.status === undefined ? '' : ` → ${facts.status}`}]` : '';
  const director = facts.directorMessage ? `: ${facts.directorMessage.trim()}` : '';
  return `${summary}${request}${director}`;
}
