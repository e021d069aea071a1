import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startDirectorSimulator } from '../../../local/director-simulator/index.js';
import type { DirectorSimulator, DirectorSimulatorOptions } from '../../../local/director-simulator/index.js';

/** Shared by the simulator's tests: plain fetch calls against a running simulator. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers have many JSON shapes; each test asserts the one it reads
export type AnyJson = any;

/**
 * One simulator for the enclosing suite: started before its first test, reset before each test
 * (the suite's clock is the caller's to keep) and stopped after the last. Returns a getter.
 */
export function useDirectorSimulator(options: DirectorSimulatorOptions): () => DirectorSimulator {
  let director: DirectorSimulator | undefined;
  beforeAll(async () => {
    director = await startDirectorSimulator(options);
  });
  afterAll(async () => {
    await director?.stop();
    director = undefined;
  });
  beforeEach(() => {
    director?.reset();
  });
  return () => {
    if (director === undefined) throw new Error('the Director simulator runs only while the suite runs');
    return director;
  };
}

export interface DirectorAnswer {
  status: number;
  headers: Headers;
  body: AnyJson;
}

export interface CallOptions {
  /** Bearer token; default a fresh one from the simulator, `null` sends no Authorization header. */
  token?: string | null;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is (for malformed bodies). */
  rawBody?: string;
  signal?: AbortSignal;
}

export async function call(director: DirectorSimulator, method: string, path: string, options: CallOptions = {}): Promise<DirectorAnswer> {
  const token = options.token === undefined ? director.issueToken() : options.token;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${director.baseUrl}${path}`, { method, headers, body, signal: options.signal ?? null });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** `/configapi/{pool}/{logpoint}/<resource>` (or the `/configapi/v1/` form). */
export function configPath(director: DirectorSimulator, resource: string, version: '' | 'v1' = ''): string {
  const prefix = version === '' ? '/configapi' : `/configapi/${version}`;
  return `${prefix}/${director.poolUuid}/${director.logpointId}/${resource}`;
}

/** The order path from a write answer's message, with a leading slash, ready for `call`. */
export function orderPathOf(answer: DirectorAnswer): string {
  const message = (answer.body as { message: string }).message;
  return message.startsWith('/') ? message : `/${message}`;
}

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** The seed guide's request examples, verbatim (test/fixtures). */
export function seedCreateRequest(): { data: AnyJson } {
  return JSON.parse(readFileSync(join(FIXTURES, 'seed-create-request.json'), 'utf8')) as { data: AnyJson };
}

export function seedEditRequest(): { data: AnyJson } {
  return JSON.parse(readFileSync(join(FIXTURES, 'seed-edit-request.json'), 'utf8')) as { data: AnyJson };
}

/** The simulator's only log source (read shape); throws when there is not exactly one. */
export function onlyLogSource(director: DirectorSimulator): AnyJson {
  const sources = director.logSources();
  if (sources.length !== 1) throw new Error(`expected one log source, found ${sources.length}`);
  return sources[0];
}

/** A settable clock for order progress, token expiry and the rate limit. */
export function manualClock(start = Date.parse('2026-01-05T10:00:00Z')): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}

/** Creates a log source from `body` and completes its order by moving the clock past the delay. */
export async function createAndComplete(
  director: DirectorSimulator,
  clock: { advance: (ms: number) => void },
  body: unknown,
  orderDelayMs: number,
): Promise<AnyJson> {
  const accepted = await call(director, 'POST', configPath(director, 'LogSources'), { body });
  clock.advance(orderDelayMs);
  return (await call(director, 'GET', orderPathOf(accepted))).body;
}
