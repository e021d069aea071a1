/**
 * The only data-plane signals Director's API offers about a log source (director-api.md, "Read
 * shape"): `last_log_received` on the source, and `fetch_status` / `last_fetch_attempt` on each of
 * its fetch endpoints. Where the endpoints sit in the read-back is not documented, so every object
 * inside `config` that carries either field counts as one.
 */
export interface FetchSignals {
  /** When Logpoint last received a log from this source, or null when it never has. */
  lastLogReceived: string | null;
  /** The latest `last_fetch_attempt` of any endpoint, or null when none reports one. */
  lastFetchAttempt: string | null;
  /** That endpoint's `fetch_status`, or null when none reports one. */
  fetchStatus: string | null;
  /** Whether that status says the fetch failed (see {@link isFetchError}). */
  fetchFailed: boolean;
}

/**
 * Statuses that say a fetch worked. Director's vocabulary is not documented: anything else that is
 * not empty is read as the fetcher's error message (which is what an operator needs to see).
 */
const SUCCESSFUL_STATUS = /^(ok|success|successful|succeeded|fetched|running|idle|active)$/i;

export function isFetchError(status: string | null): boolean {
  return status !== null && status.trim() !== '' && !SUCCESSFUL_STATUS.test(status.trim());
}

/** Reads the signals of a log source as Director returned it. */
export function fetchSignalsOf(source: { config?: unknown; last_log_received?: unknown }): FetchSignals {
  const endpoints: { status: string | null; attempt: string | null }[] = [];
  collectEndpoints(source.config, endpoints, 0);
  let latest: { status: string | null; attempt: string | null } | undefined;
  for (const endpoint of endpoints) {
    if (latest === undefined || isLater(endpoint.attempt, latest.attempt)) latest = endpoint;
  }
  const fetchStatus = latest?.status ?? null;
  return {
    lastLogReceived: instantOrNull(source.last_log_received),
    lastFetchAttempt: latest?.attempt ?? null,
    fetchStatus,
    fetchFailed: isFetchError(fetchStatus),
  };
}

/** Signals a later look must beat: only a fetch after them counts (the source's earlier fetches used another key). */
export interface FetchBaseline {
  lastLogReceived: string | null;
  lastFetchAttempt: string | null;
}

export function baselineOf(signals: FetchSignals): FetchBaseline {
  return { lastLogReceived: signals.lastLogReceived, lastFetchAttempt: signals.lastFetchAttempt };
}

/** What the signals say about the fetches since a baseline. */
export type FetchVerdict = { kind: 'fetch-failed' } | { kind: 'fetched'; note: string } | { kind: 'nothing-yet' };

/**
 * The one reading of the signals that the onboarding's data-plane watch and the key rotation
 * share, counting only what is later than `baseline` (null: everything counts):
 *
 * - a fetch attempt that ended in an error: `fetch-failed`;
 * - logs received, or a successful attempt while logs have been received: `fetched`;
 * - neither: `nothing-yet`.
 */
export function fetchVerdictSince(signals: FetchSignals, baseline: FetchBaseline | null): FetchVerdict {
  const attemptedSince = isLater(signals.lastFetchAttempt, baseline?.lastFetchAttempt ?? null);
  const receivedSince = isLater(signals.lastLogReceived, baseline?.lastLogReceived ?? null);
  if (attemptedSince && signals.fetchFailed) return { kind: 'fetch-failed' };
  if (receivedSince) return { kind: 'fetched', note: `Logpoint received logs at ${signals.lastLogReceived ?? '?'}.` };
  if (attemptedSince && signals.lastLogReceived !== null) {
    return {
      kind: 'fetched',
      note: `Logpoint fetched at ${signals.lastFetchAttempt ?? '?'} with the new key; its last log arrived at ${signals.lastLogReceived}.`,
    };
  }
  return { kind: 'nothing-yet' };
}

/** Whether instant `a` is strictly later than `b` (a missing `b` counts as the beginning of time). */
function isLater(a: string | null, b: string | null): boolean {
  if (a === null) return false;
  if (b === null) return true;
  return Date.parse(a) > Date.parse(b);
}

function collectEndpoints(value: unknown, into: { status: string | null; attempt: string | null }[], depth: number): void {
  // Endpoints sit a level or two below `config` in every plausible shape; deeper is not a signal.
  if (depth > 4 || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) collectEndpoints(item, into, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  if ('fetch_status' in record || 'last_fetch_attempt' in record) {
    into.push({ status: textOrNull(record.fetch_status), attempt: instantOrNull(record.last_fetch_attempt) });
  }
  for (const child of Object.values(record)) collectEndpoints(child, into, depth + 1);
}

function textOrNull(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return null;
}

/** A time Director wrote: an ISO string, or epoch seconds / milliseconds; anything unreadable is null. */
function instantOrNull(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    return new Date(value < 1e11 ? value * 1000 : value).toISOString();
  }
  if (typeof value !== 'string' || value.trim() === '') return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}
