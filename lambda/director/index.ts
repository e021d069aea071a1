/** Public surface of the Director Console API client. See director-api.md for the contract. */
export { DirectorClient, type DirectorClientOptions } from './client.js';
export { InMemoryDirectorCredentialsStore, type DirectorCredentials, type DirectorCredentialsStore } from './credentials.js';
export {
  DirectorAuthError,
  DirectorBadResponseError,
  DirectorError,
  DirectorForbiddenError,
  DirectorNotFoundError,
  DirectorOrderFailedError,
  DirectorOrderTimeoutError,
  DirectorUnavailableError,
  DirectorValidationError,
  type DirectorErrorFacts,
} from './errors.js';
export type { FetchLike } from './fetch.js';
export { DEFAULT_TIMEOUT_MS, type DirectorLogger } from './http.js';
export { DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from './retry-policy.js';
export { DEFAULT_WAIT_FOR_ORDER, interpretOrder, type WaitForOrderOptions } from './orders.js';
export { logSourceId, logSourceUuid, parseOrderReference, sameLogSourceId, type DirectorLocation } from './paths.js';
export { REDACTED } from './redact.js';
export { decodeJwtExpiry } from './token-provider.js';
export * from './types.js';
