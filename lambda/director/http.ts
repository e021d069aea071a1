import { DirectorOutcomeUnknownError, DirectorUnavailableError } from './errors.js';
import { createDirectorFetch, isTlsErrorCode, networkErrorCode, type DirectorFetch, type FetchLike, type FetchRequestInit } from './fetch.js';
import { collectSecretValues } from './redact.js';
import type { DirectorRequestBudget } from './request-budget.js';
import { directorMessageOf, errorForStatus, parseSuccessBody } from './responses.js';
import type { HttpMethod } from './types.js';
import { RETRYABLE_STATUSES, fullJitterDelay, parseRetryAfter, resolveRetryPolicy, type RetryPolicy } from './retry-policy.js';

/**
 * The HTTP transport under the Director client: one logical call = up to `maxAttempts` HTTP
 * attempts, each with its own timeout, and one typed error when it ends badly.
 *
 * Status mapping (decided here, documented for operators):
 * - 2xx → parsed JSON (empty body → `null`); not JSON → DIRECTOR_BAD_RESPONSE.
 * - 400 and other 4xx without a specific meaning (409, 422 …) → DIRECTOR_VALIDATION_FAILED.
 * - 401 → DIRECTOR_AUTH_FAILED (the client refreshes the token once before giving up).
 * - 403 → DIRECTOR_FORBIDDEN, 404 → DIRECTOR_NOT_FOUND; never retried.
 * - 429, 502, 503, 504, network errors and timeouts → retried with full-jitter exponential
 *   backoff (honouring `Retry-After`), then DIRECTOR_UNAVAILABLE.
 * - 500, 501, 505+ → DIRECTOR_UNAVAILABLE at once: a 500 is a server fault, not congestion, and
 *   repeating a write whose outcome is unknown could create a duplicate order. The code is
 *   transient, so the workflow's own Retry still gets another go later.
 * - An untrusted TLS certificate → DIRECTOR_UNAVAILABLE at once (`details.tlsCode`): retrying
 *   cannot fix trust, and the message points at `caBundle`.
 * - A `Retry-After` longer than `maxRetryAfterMs` ends the call with DIRECTOR_UNAVAILABLE
 *   (`details.retryAfterMs`) instead of sleeping through the Lambda's time budget.
 *
 * A request marked `repeatable: false` (a create: sending it twice could create two orders) is
 * repeated only when Director provably did not act on it: a 429, or a connection that was never
 * made. A timeout, a dropped connection or a 5xx ends it with DIRECTOR_OUTCOME_UNKNOWN, and the
 * caller reads Director to find out what happened instead of sending it again. So a write that ends
 * with DIRECTOR_UNAVAILABLE provably never reached Director (callers rely on it).
 *
 * With a `budget`, every attempt (retries and token refreshes included) first takes its turn from
 * the budget, within the call's `maxElapsedMs`; a budget that cannot grant one in time ends the call
 * with its own DIRECTOR_UNAVAILABLE before the attempt is sent, so the rule above still holds.
 */

const DEFAULT_TIMEOUT_MS = 10_000;

/** Failures before a connection existed: the request cannot have reached Director. */
const CONNECT_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Minimal structured logger; Powertools' Logger satisfies it. Attributes never hold secrets or bodies. */
export interface DirectorLogger {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
}

export interface DirectorTransportOptions {
  baseUrl: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** PEM bundle of a private CA; trusted in addition to the public roots. */
  caBundle?: string;
  /** Replaces the fetch implementation (tests). Takes precedence over `caBundle`. */
  fetch?: FetchLike;
  logger?: DirectorLogger;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for jitter. */
  random?: () => number;
  /** Epoch milliseconds, for HTTP-date `Retry-After` and the call's time budget. */
  now?: () => number;
  /** Director requests shared with every other caller; without one, only this call's retries pace it. */
  budget?: DirectorRequestBudget;
}

export interface DirectorRequest {
  method: HttpMethod;
  /** Absolute path below the base URL, starting with `/`, segments already encoded. */
  path: string;
  /** Bearer token; omitted for `/refreshToken`. */
  token?: string;
  body?: unknown;
  /** Further values to keep out of error messages (e.g. the secretKey). */
  secrets?: Iterable<string>;
  /** False for a write that must not reach Director twice; default true (GET, PUT, DELETE are idempotent). */
  repeatable?: boolean;
}

export interface DirectorResponse {
  status: number;
  json: unknown;
}

type AttemptOutcome =
  | { kind: 'response'; status: number; text: string; retryAfter: string | null }
  | { kind: 'network'; timedOut: boolean; error: unknown; tlsCode: string | undefined; neverConnected: boolean };

export class DirectorTransport {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  private readonly logger: DirectorLogger | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly budget: DirectorRequestBudget | undefined;
  private readonly fetchReady: Promise<DirectorFetch>;

  constructor(options: DirectorTransportOptions) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = resolveRetryPolicy(options.retry);
    this.logger = options.logger;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.budget = options.budget;
    this.fetchReady = createDirectorFetch(options);
    // A failed undici import surfaces on the first request; this only prevents an unhandled rejection meanwhile.
    this.fetchReady.catch(() => undefined);
  }

  /** Sends one logical request; resolves with the parsed JSON of a 2xx answer or throws a DirectorError. */
  async send(request: DirectorRequest): Promise<DirectorResponse> {
    const { fetch } = await this.fetchReady;
    const secrets = secretsOf(request);
    const facts = { method: request.method, path: request.path };
    let lastProblem = '';
    const startedAt = this.now();
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt += 1) {
      await this.budget?.acquire({ deadlineMs: startedAt + this.retry.maxElapsedMs });
      const outcome = await this.attempt(fetch, request, attempt);
      let retryAfterMs: number | undefined;
      if (outcome.kind === 'response') {
        if (outcome.status >= 200 && outcome.status < 300) {
          return { status: outcome.status, json: parseSuccessBody(outcome.text, { ...facts, status: outcome.status }) };
        }
        if (outcome.status >= 500 && request.repeatable === false) {
          throw new DirectorOutcomeUnknownError('Director answered a write with a server error; it may have been applied', {
            ...facts,
            status: outcome.status,
            directorMessage: directorMessageOf(outcome.text, secrets),
            extra: { attempts: attempt },
          });
        }
        if (!RETRYABLE_STATUSES.has(outcome.status)) throw errorForStatus(outcome.status, outcome.text, facts, secrets);
        lastProblem = `HTTP ${outcome.status}`;
        retryAfterMs = parseRetryAfter(outcome.retryAfter, this.now());
        if (retryAfterMs !== undefined && retryAfterMs > this.retry.maxRetryAfterMs) {
          throw new DirectorUnavailableError('Director asked to retry later than this call can wait', {
            ...facts,
            status: outcome.status,
            directorMessage: directorMessageOf(outcome.text, secrets),
            extra: { attempts: attempt, retryAfterMs },
          });
        }
        if (attempt === this.retry.maxAttempts) {
          throw new DirectorUnavailableError(`Director still unavailable after ${attempt} attempts`, {
            ...facts,
            status: outcome.status,
            directorMessage: directorMessageOf(outcome.text, secrets),
            extra: { attempts: attempt },
          });
        }
      } else {
        if (outcome.tlsCode !== undefined) {
          throw new DirectorUnavailableError(
            `Director's TLS certificate is not trusted (${outcome.tlsCode}); for a private CA, configure its PEM bundle as caBundle`,
            { ...facts, extra: { attempts: attempt, tlsCode: outcome.tlsCode } },
          );
        }
        lastProblem = outcome.timedOut ? `timed out after ${this.timeoutMs} ms` : 'network error';
        if (request.repeatable === false && !outcome.neverConnected) {
          throw new DirectorOutcomeUnknownError(`A write to Director got no answer (${lastProblem}); it may have been applied`, {
            ...facts,
            extra: { attempts: attempt, timedOut: outcome.timedOut },
            cause: outcome.error,
          });
        }
        if (attempt === this.retry.maxAttempts) {
          throw new DirectorUnavailableError(`Director unreachable after ${attempt} attempts (${lastProblem})`, {
            ...facts,
            extra: { attempts: attempt, timedOut: outcome.timedOut },
            cause: outcome.error,
          });
        }
      }
      const delayMs = Math.max(retryAfterMs ?? 0, fullJitterDelay(attempt, this.retry, this.random));
      const elapsedMs = this.now() - startedAt;
      if (elapsedMs + delayMs > this.retry.maxElapsedMs) {
        throw new DirectorUnavailableError(`Director still unavailable after ${attempt} attempts in ${elapsedMs} ms (${lastProblem})`, {
          ...facts,
          extra: { attempts: attempt, elapsedMs, maxElapsedMs: this.retry.maxElapsedMs },
        });
      }
      this.logger?.warn('Director request will be retried', { ...facts, attempt, reason: lastProblem, delayMs });
      await this.sleep(delayMs);
    }
    // Unreachable while maxAttempts >= 1 (enforced by resolveRetryPolicy); keeps the compiler honest.
    throw new DirectorUnavailableError(`Director unavailable (${lastProblem})`, facts);
  }

  /** Releases pooled connections (only the private-CA agent holds any). */
  async close(): Promise<void> {
    const ready = await this.fetchReady.catch(() => undefined);
    await ready?.close();
  }

  private async attempt(fetch: FetchLike, request: DirectorRequest, attempt: number): Promise<AttemptOutcome> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (request.token !== undefined) headers.Authorization = `Bearer ${request.token}`;
    const init: FetchRequestInit = { method: request.method, headers, signal: AbortSignal.timeout(this.timeoutMs) };
    if (request.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(request.body);
    }
    const started = this.now();
    try {
      const response = await fetch(`${this.baseUrl}${request.path}`, init);
      // Reading the body stays under the same timeout signal.
      const text = await response.text();
      this.logger?.debug('Director request', {
        method: request.method,
        path: request.path,
        status: response.status,
        attempt,
        durationMs: this.now() - started,
      });
      return { kind: 'response', status: response.status, text, retryAfter: response.headers.get('retry-after') };
    } catch (error) {
      const timedOut = init.signal.aborted;
      const errorCode = networkErrorCode(error);
      this.logger?.debug('Director request failed without a response', {
        method: request.method,
        path: request.path,
        attempt,
        timedOut,
        errorCode,
        durationMs: this.now() - started,
      });
      const tlsCode = errorCode !== undefined && isTlsErrorCode(errorCode) ? errorCode : undefined;
      const neverConnected = !timedOut && errorCode !== undefined && CONNECT_ERROR_CODES.has(errorCode);
      return { kind: 'network', timedOut, error: timedOut ? undefined : error, tlsCode, neverConnected };
    }
  }
}

function normaliseBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.search || url.hash) throw new RangeError('Director baseUrl must not carry a query or fragment');
  return url.href.replace(/\/+$/, '');
}

function secretsOf(request: DirectorRequest): Set<string> {
  const secrets = collectSecretValues(request.body);
  if (request.token !== undefined) secrets.add(request.token);
  for (const secret of request.secrets ?? []) secrets.add(secret);
  return secrets;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
