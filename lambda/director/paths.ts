import { OnboardingError } from '../shared/errors.js';
import type { OrderReference } from './types.js';
import { ErrorCode } from '../contract/error-codes.js';

/**
 * Building and reading Director paths. Everything that goes into a URL passes through here, so a
 * hostile or odd value (a slash, `..`, a foreign host) cannot redirect a call that carries the token.
 */

export interface DirectorLocation {
  poolUuid: string;
  logpointId: string;
}

const LOG_SOURCE_PREFIX = 'LogSources/';
/** One URL path segment as Director uses them (hex ids, UUIDs): no dot-segments, nothing to encode. */
const SAFE_SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;
const ORDER_PATH = /(?:^|\/)monitorapi\/(?:v\d+\/)?([^/?#]+)\/([^/?#]+)\/orders\/([^/?#]+)\/?$/i;

/** `/configapi/{pool}/{logpoint}/<resource…>`, each segment URL-encoded. */
export function configPath(location: DirectorLocation, ...resource: string[]): string {
  return `/${['configapi', location.poolUuid, location.logpointId, ...resource].map((segment) => encodeURIComponent(segment)).join('/')}`;
}

function orderPathFor(location: DirectorLocation, requestId: string): string {
  return `/${['monitorapi', location.poolUuid, location.logpointId, 'orders', requestId].map((segment) => encodeURIComponent(segment)).join('/')}`;
}

/**
 * The bare uuid of a log source id: accepts `LogSources/<uuid>` (as bodies and lists carry it)
 * or the bare `<uuid>`. Throws INVALID_INPUT for anything else, e.g. an empty id or more slashes.
 */
export function logSourceUuid(id: string): string {
  const trimmed = id.trim();
  const bare = trimmed.toLowerCase().startsWith(LOG_SOURCE_PREFIX.toLowerCase()) ? trimmed.slice(LOG_SOURCE_PREFIX.length) : trimmed;
  if (bare === '' || bare.includes('/') || bare === '.' || bare === '..') {
    throw new OnboardingError(ErrorCode.INVALID_INPUT, `"${id}" is not a log source id (expected LogSources/<uuid> or <uuid>)`);
  }
  return bare;
}

/** True when both ids name the same log source, whichever form each is in. */
export function sameLogSourceId(a: string, b: string): boolean {
  return logSourceUuid(a).toLowerCase() === logSourceUuid(b).toLowerCase();
}

/**
 * Reads an order reference in any form Director or a caller may hold it: the write answer's
 * `message` with or without a leading slash, with a `/v1/` segment, as a full URL, or a bare
 * request id (then `location` supplies pool and logpoint). Returns undefined when unrecognisable.
 * The result always points at the documented endpoint `/monitorapi/{pool}/{logpoint}/orders/{id}`
 * on the configured Director: a host in a full URL is ignored, never followed.
 */
export function parseOrderReference(input: string, location: DirectorLocation): OrderReference | undefined {
  let value = input.trim();
  if (/^https?:\/\//i.test(value)) {
    try {
      value = new URL(value).pathname;
    } catch {
      return undefined;
    }
  }
  const match = ORDER_PATH.exec(value);
  if (match) {
    const [, poolUuid = '', logpointId = '', requestId = ''] = match;
    if (![poolUuid, logpointId, requestId].every((segment) => SAFE_SEGMENT.test(segment))) return undefined;
    return { requestId, orderPath: orderPathFor({ poolUuid, logpointId }, requestId) };
  }
  if (SAFE_SEGMENT.test(value)) return { requestId: value, orderPath: orderPathFor(location, value) };
  return undefined;
}
