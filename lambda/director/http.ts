import { rootCertificates } from 'node:tls';
import {
  DirectorAuthError,
  DirectorBadResponseError,
  DirectorForbiddenError,
  DirectorNotFoundError,
  DirectorUnavailableError,
  DirectorValidationError,
  type DirectorError,
  type DirectorErrorFacts,
} from './errors.js';
import { collectSecretValues, isRecord, redactSecrets } from './redact.js';

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
 * Network errors on writes are retried as the contract asks. If Director did accept the first
 * attempt, a repeated create fails inside its order ("value already exists"), which callers
 * resolve with `findLogSourceByName`.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RetryPolicy {
  /** Total HTTP attempts per call, including the first. */
  maxAttempts: number;
  /** Backoff ceiling of the first retry; doubles per retry. */
  baseDelayMs: number;
  /** Upper bound of any backoff delay. */
  maxDelayMs: number;
  /** Longest `Retry-After` worth waiting for inside one call. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Minimal structured logger; Powertools' Logger satisfies it. Attributes never hold secrets or bodies. */
export interface DirectorLogger {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
}

export interface FetchRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The subset of WHATWG fetch the transport uses; global `fetch` and undici's `fetch` both fit. */
export type FetchLike = (url: string, init: FetchRequestInit) => Promise<FetchResponseLike>;

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
  /** Epoch milliseconds, for HTTP-date `Retry-After`. */
  now?: () => number;
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
}

export interface DirectorResponse {
  status: number;
  json: unknown;
}

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

type AttemptOutcome =
  | { kind: 'response'; status: number; text: string; retryAfter: string | null }
  | { kind: 'network'; timedOut: boolean; error: unknown; tlsCode: string | undefined };

/**
 * Certificate failures are a trust problem, not congestion: retrying cannot fix them, and the
 * operator needs to see the reason (usually a missing `caBundle` for a private-CA Director).
 */
const TLS_ERROR_CODE = /^(ERR_TLS_|CERT_|UNABLE_TO_(VERIFY|GET)_|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_CERT|HOSTNAME_MISMATCH)/;

export class DirectorTransport {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  private readonly logger: DirectorLogger | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly fetchReady: Promise<{ fetch: FetchLike; close: () => Promise<void> }>;

  constructor(options: DirectorTransportOptions) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = resolveRetryPolicy(options.retry);
    this.logger = options.logger;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    if (options.fetch) this.fetchReady = Promise.resolve({ fetch: options.fetch, close: () => Promise.resolve() });
    else if (options.caBundle) this.fetchReady = createPrivateCaFetch(options.caBundle);
    else this.fetchReady = Promise.resolve({ fetch: globalThis.fetch, close: () => Promise.resolve() });
    // A failed undici import surfaces on the first request; this only prevents an unhandled rejection meanwhile.
    this.fetchReady.catch(() => undefined);
  }

  /** Sends one logical request; resolves with the parsed JSON of a 2xx answer or throws a DirectorError. */
  async send(request: DirectorRequest): Promise<DirectorResponse> {
    const { fetch } = await this.fetchReady;
    const secrets = secretsOf(request);
    const facts = { method: request.method, path: request.path };
    let lastProblem = '';
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt += 1) {
      const outcome = await this.attempt(fetch, request, attempt);
      let retryAfterMs: number | undefined;
      if (outcome.kind === 'response') {
        if (outcome.status >= 200 && outcome.status < 300) {
          return { status: outcome.status, json: parseSuccessBody(outcome.text, { ...facts, status: outcome.status }) };
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
        if (attempt === this.retry.maxAttempts) {
          throw new DirectorUnavailableError(`Director unreachable after ${attempt} attempts (${lastProblem})`, {
            ...facts,
            extra: { attempts: attempt, timedOut: outcome.timedOut },
            cause: outcome.error,
          });
        }
      }
      const delayMs = Math.max(retryAfterMs ?? 0, fullJitterDelay(attempt, this.retry, this.random));
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
      const tlsCode = errorCode !== undefined && TLS_ERROR_CODE.test(errorCode) ? errorCode : undefined;
      return { kind: 'network', timedOut, error: timedOut ? undefined : error, tlsCode };
    }
  }
}

/** The first `code` along an error's cause chain (fetch wraps socket errors in `TypeError: fetch failed`). */
function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    current = cause;
  }
  return undefined;
}

/**
 * `Retry-After` as milliseconds to wait: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Returns undefined when absent or unparseable; a date in the past means "now" (0).
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Date.parse also takes loose strings like "5.5"; an HTTP-date always names a weekday and GMT.
  if (!/[A-Za-z]/.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): uniform in [0, min(cap, base·2^(n-1))). */
export function fullJitterDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...definedOnly(overrides) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new RangeError('retry.maxAttempts must be an integer >= 1');
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    if (!(policy[key] >= 0)) throw new RangeError(`retry.${key} must be >= 0`);
  }
  return policy;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
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

function parseSuccessBody(text: string, facts: DirectorErrorFacts): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The SyntaxError quotes the body, which may echo a secret: it is deliberately not the cause.
    throw new DirectorBadResponseError('Director answered with a body that is not JSON', facts);
  }
}

function errorForStatus(status: number, text: string, facts: { method: HttpMethod; path: string }, secrets: Set<string>): DirectorError {
  const errorFacts: DirectorErrorFacts = { ...facts, status, directorMessage: directorMessageOf(text, secrets) };
  switch (status) {
    case 400:
      return new DirectorValidationError('Director rejected the request', errorFacts);
    case 401:
      return new DirectorAuthError('Director rejected the token', errorFacts);
    case 403:
      return new DirectorForbiddenError('The Director token lacks the rights for this call', errorFacts);
    case 404:
      return new DirectorNotFoundError('Director does not know this resource', errorFacts);
    default:
      if (status >= 500) return new DirectorUnavailableError('Director failed to process the request', errorFacts);
      if (status >= 400) return new DirectorValidationError('Director rejected the request', errorFacts);
      return new DirectorBadResponseError('Director answered with an unexpected status', errorFacts);
  }
}

const MAX_MESSAGE_LENGTH = 500;

/** Director's `message` (or a short, collapsed excerpt of a non-JSON body), with secrets redacted. */
export function directorMessageOf(text: string, secrets: Set<string>): string | undefined {
  let message: string | undefined;
  try {
    const json = JSON.parse(text) as unknown;
    for (const secret of collectSecretValues(json)) secrets.add(secret);
    if (isRecord(json)) {
      const candidate = json.message ?? json.error ?? json.detail;
      if (typeof candidate === 'string') message = candidate;
      else if (candidate !== undefined) message = JSON.stringify(candidate);
    } else if (typeof json === 'string') {
      message = json;
    }
  } catch {
    message = text.replace(/\s+/g, ' ').trim() || undefined;
  }
  if (message === undefined) return undefined;
  const redacted = redactSecrets(message, secrets);
  return redacted.length > MAX_MESSAGE_LENGTH ? `${redacted.slice(0, MAX_MESSAGE_LENGTH)}…` : redacted;
}

async function createPrivateCaFetch(caBundle: string): Promise<{ fetch: FetchLike; close: () => Promise<void> }> {
  // Loaded only when a CA bundle is configured; undici's Agent is what lets fetch trust extra CAs.
  const undici = await import('undici');
  const agent = new undici.Agent({ connect: { ca: [...rootCertificates, caBundle] } });
  return {
    fetch: (url, init) => undici.fetch(url, { ...init, dispatcher: agent }),
    close: () => agent.close(),
  };
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
