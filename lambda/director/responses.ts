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
import type { HttpMethod } from './types.js';
import { collectSecretValues, redactSecrets } from './redact.js';
import { isRecord } from '../shared/records.js';

/**
 * Reads Director's HTTP answers for the transport: a 2xx body as JSON, any other status as one
 * typed error (the mapping is documented in http.ts). Director's message is redacted against
 * every secret of the call, and against any secret-named value the answer itself carries,
 * before it reaches an error.
 */

export function parseSuccessBody(text: string, facts: DirectorErrorFacts): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The SyntaxError quotes the body, which may echo a secret: it is deliberately not the cause.
    throw new DirectorBadResponseError('Director answered with a body that is not JSON', facts);
  }
}

export function errorForStatus(status: number, text: string, facts: { method: HttpMethod; path: string }, secrets: Set<string>): DirectorError {
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

/** Charset names from `[{"charsets": [...]}]` (a plain string array is tolerated); undefined for any other shape. */
export function flattenCharsets(json: unknown): string[] | undefined {
  const groups = Array.isArray(json) ? json : [json];
  const names: string[] = [];
  for (const group of groups) {
    if (typeof group === 'string') names.push(group);
    else if (isRecord(group) && Array.isArray(group.charsets) && group.charsets.every((name) => typeof name === 'string')) {
      names.push(...group.charsets);
    } else return undefined;
  }
  return [...new Set(names)];
}
