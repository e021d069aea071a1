import { doublingDelay } from '../shared/backoff.js';
import { DirectorBadResponseError, DirectorOrderFailedError, DirectorOrderTimeoutError, DirectorValidationError, type DirectorErrorFacts } from './errors.js';
import type { DirectorLogger } from './http.js';
import { parseOrderReference, type DirectorLocation } from './paths.js';
import { collectSecretValues, redactSecrets } from './redact.js';
import type { OrderReference, OrderStatus, SucceededOrder } from './types.js';
import { definedOnly, isRecord } from '../shared/records.js';

/**
 * Director's asynchronous writes. A write answers at once with the path of an order; the order's
 * JSON has no status enum: an empty `response` means pending, `response.success` the outcome.
 * Every text taken from an order is redacted: a pending order echoes the submitted body,
 * `secret_key` included.
 */

const ORDER_REFERENCE_FIELDS = ['message', 'orderPath', 'order_path', 'order', 'location'] as const;
const REQUEST_ID_FIELDS = ['requestId', 'request_id'] as const;

/**
 * Reads a write answer (`{"status":"Success","message":"monitorapi/…/orders/<id>"}`): `status`
 * is compared case-insensitively and may be absent; the order path may carry a leading slash, a
 * `/v1/` segment or be a full URL; a separate `request_id` field is tolerated too.
 */
export function parseWriteAcknowledgement(json: unknown, location: DirectorLocation, facts: DirectorErrorFacts): OrderReference {
  if (!isRecord(json)) throw new DirectorBadResponseError('Director answered a write with something other than a JSON object', facts);
  const secrets = collectSecretValues(json);
  if (json.status !== undefined && !(typeof json.status === 'string' && json.status.trim().toLowerCase() === 'success')) {
    const message = typeof json.message === 'string' ? redactSecrets(json.message, secrets) : undefined;
    throw new DirectorValidationError(`Director refused the write (status ${JSON.stringify(json.status)})`, { ...facts, directorMessage: message });
  }
  for (const field of ORDER_REFERENCE_FIELDS) {
    const value = json[field];
    // Only a path form here: a bare word in `message` ("Success") must not pass for a request id.
    if (typeof value === 'string' && /monitorapi\//i.test(value)) {
      const reference = parseOrderReference(value, location);
      if (reference) return reference;
    }
  }
  for (const field of REQUEST_ID_FIELDS) {
    const value = json[field];
    if (typeof value === 'string') {
      const reference = parseOrderReference(value, location);
      if (reference) return reference;
    }
  }
  throw new DirectorBadResponseError('Director accepted the write but its answer names no order', facts);
}

export interface InterpretOrderOptions {
  /** Values to keep out of the interpreted texts besides those found in the order itself. */
  secrets?: Iterable<string>;
  facts?: DirectorErrorFacts;
}

/**
 * Turns an order's JSON into an {@link OrderStatus}.
 * - `response` absent, null or `{}` → pending (whatever `request.in_progress` says).
 * - `response.success` true / false (also "true"/"false", or a `status` of "Success"/"Failed…") → outcome.
 * - no flag but `errors` / `validationErrors` present → failed.
 * - anything else → DIRECTOR_BAD_RESPONSE: guessing an outcome could report a failed order as done.
 */
export function interpretOrder(json: unknown, options: InterpretOrderOptions = {}): OrderStatus {
  const facts = options.facts ?? {};
  if (!isRecord(json)) throw new DirectorBadResponseError('Director order answer is not a JSON object', facts);
  const response = json.response;
  if (response === undefined || response === null || (isRecord(response) && Object.keys(response).length === 0)) {
    return { state: 'pending' };
  }
  if (!isRecord(response)) throw new DirectorBadResponseError('Director order answer has a "response" that is not an object', facts);

  const secrets = collectSecretValues(json);
  for (const secret of options.secrets ?? []) secrets.add(secret);
  const clean = (text: string): string => redactSecrets(text, secrets);

  const errors = textList(response.errors).map(clean);
  const validationErrors = mapValues(validationErrorMap(response.validationErrors ?? response.validation_errors), (messages) => messages.map(clean));
  const message = typeof response.message === 'string' && response.message.trim() !== '' ? clean(response.message) : undefined;
  const success = successFlag(response);

  if (success === true) {
    const warnings = [...textList(response.warning ?? response.warnings), ...errors].map(clean);
    const id = typeof response.id === 'string' || typeof response.id === 'number' ? String(response.id) : undefined;
    return {
      state: 'succeeded',
      ...(id === undefined || id === '' ? {} : { id }),
      ...(message === undefined ? {} : { message }),
      ...(warnings.length === 0 ? {} : { warning: warnings.join('; ') }),
    };
  }
  if (success === false || errors.length > 0 || Object.keys(validationErrors).length > 0) {
    return { state: 'failed', message: message ?? 'Director reported the order as failed', validationErrors, errors };
  }
  throw new DirectorBadResponseError('Director order answer has a response without an outcome', facts);
}

function successFlag(response: Record<string, unknown>): boolean | undefined {
  const { success, status } = response;
  if (typeof success === 'boolean') return success;
  if (typeof success === 'string') {
    const normalised = success.trim().toLowerCase();
    if (normalised === 'true') return true;
    if (normalised === 'false') return false;
  }
  if (typeof status === 'string') {
    if (/^success/i.test(status.trim())) return true;
    if (/^(fail|error)/i.test(status.trim())) return false;
  }
  return undefined;
}

/** Strings from a string, an array of strings/objects-with-message, or an object of messages. */
function textList(value: unknown): string[] {
  if (value === undefined || value === null || value === false) return [];
  if (typeof value === 'string') return value.trim() === '' ? [] : [value];
  if (Array.isArray(value)) return value.flatMap((item) => (isRecord(item) && typeof item.message === 'string' ? [item.message] : textList(item)));
  if (isRecord(value)) return Object.entries(value).flatMap(([key, item]) => textList(item).map((text) => `${key}: ${text}`));
  return [typeof value === 'number' || typeof value === 'boolean' ? String(value) : (JSON.stringify(value) ?? '')];
}

/** `{"name": ["…"]}`, with tolerance for a single string per field and nested sections (`Connector.bucket_name`). */
function validationErrorMap(value: unknown, prefix = ''): Record<string, string[]> {
  if (!isRecord(value)) {
    const loose = textList(value);
    return loose.length === 0 ? {} : { [prefix || 'request']: loose };
  }
  const result: Record<string, string[]> = {};
  for (const [key, child] of Object.entries(value)) {
    const field = prefix ? `${prefix}.${key}` : key;
    if (isRecord(child)) Object.assign(result, validationErrorMap(child, field));
    else {
      const messages = textList(child);
      if (messages.length > 0) result[field] = messages;
    }
  }
  return result;
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

export interface WaitForOrderOptions {
  /** Overall budget from the first call; default 120 s. */
  deadlineMs?: number;
  /** Wait before the first poll; default 1 s. Doubles per poll. */
  initialDelayMs?: number;
  /** Cap of the growing wait; default 15 s. */
  maxDelayMs?: number;
}

const DEFAULT_WAIT_FOR_ORDER: Required<WaitForOrderOptions> = {
  deadlineMs: 120_000,
  initialDelayMs: 1_000,
  maxDelayMs: 15_000,
};

export interface PollOrderDependencies {
  reference: OrderReference;
  getStatus: () => Promise<OrderStatus>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  logger?: DirectorLogger;
}

/** Polls with doubling waits until the order finishes or the deadline passes. */
export async function pollOrder(dependencies: PollOrderDependencies, options: WaitForOrderOptions = {}): Promise<SucceededOrder> {
  const { reference, getStatus, sleep, now, logger } = dependencies;
  const settings = { ...DEFAULT_WAIT_FOR_ORDER, ...definedOnly(options) };
  const started = now();
  const deadlineAt = started + settings.deadlineMs;
  let delay = settings.initialDelayMs;
  let polls = 0;
  for (;;) {
    await sleep(Math.min(delay, Math.max(0, deadlineAt - now())));
    const status = await getStatus();
    polls += 1;
    if (status.state === 'succeeded') return status;
    if (status.state === 'failed') throw new DirectorOrderFailedError({ ...reference, ...status });
    if (now() >= deadlineAt) throw new DirectorOrderTimeoutError(reference.requestId, reference.orderPath, now() - started, polls);
    delay = grownPollDelay(settings, polls);
    logger?.debug('Director order still pending', { requestId: reference.requestId, polls, nextDelayMs: delay });
  }
}

/**
 * The wait after `polls` polls (the first wait is `initialDelayMs` as given): doubling per poll up
 * to the cap. Doubling starts from at least half a millisecond, so every grown wait is at least
 * 1 ms (up to the cap) and a zero first wait still grows (1, 2, 4 … ms) instead of busy-polling.
 */
function grownPollDelay(settings: Required<WaitForOrderOptions>, polls: number): number {
  return doublingDelay(Math.max(0.5, settings.initialDelayMs), polls, settings.maxDelayMs);
}
