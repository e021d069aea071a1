import { isRecord } from '../shared/records.js';
/**
 * Keeps secrets out of everything that leaves the Director module. Director may echo a submitted
 * body (an order's `request.data` carries the Connector `secret_key`) or, in a message, a value we
 * sent; so every Director text is redacted against the secrets known for that call, and every
 * record handed back to callers has its secret-named fields masked.
 */

export const REDACTED = '[REDACTED]';

/** Field names whose values are secrets wherever they appear in Director JSON. */
const SECRET_FIELD = /secret|passw|token|private_?key|api_?key/i;

/** Shorter values are not redacted: replacing 1-3 characters would mangle innocent text. */
const MIN_SECRET_LENGTH = 4;

function isSecretFieldName(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** Every string value under a secret-named field, at any depth. */
export function collectSecretValues(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) collectSecretValues(item, found);
  } else if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (isSecretFieldName(key) && typeof child === 'string') found.add(child);
      else collectSecretValues(child, found);
    }
  }
  return found;
}

/** Replaces each known secret (longest first, so one secret containing another is fully hidden). */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  const ordered = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of ordered) result = result.split(secret).join(REDACTED);
  return result;
}

/** A deep copy with every string under a secret-named field replaced by {@link REDACTED}. */
export function maskSecretFields<T>(value: T): T {
  return maskValue(value) as T;
}

function maskValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskValue);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, isSecretFieldName(key) && typeof child === 'string' && child !== '' ? REDACTED : maskValue(child)]),
  );
}
