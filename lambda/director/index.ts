/** Public surface of the Director Console API client. See director-api.md for the contract. */
export { DirectorClient, type DirectorClientOptions } from './client.js';
export { InMemoryDirectorCredentialsStore } from './credentials.js';
export {
  DirectorAuthError,
  DirectorBadResponseError,
  DirectorError,
  DirectorForbiddenError,
  DirectorNotFoundError,
  DirectorOrderFailedError,
  DirectorOrderTimeoutError,
  DirectorUnavailableError,
  DirectorOutcomeUnknownError,
  DirectorValidationError,
} from './errors.js';
export { type DirectorLogger } from './http.js';
export { logSourceUuid, sameLogSourceId } from './paths.js';
export { REDACTED } from './redact.js';
export { decodeJwtExpiry } from './token-provider.js';
export * from './types.js';
