import type { JsonObject, JsonValue } from './types.js';

const SECRET_MASK = '********';

/** Keys whose values never leave the simulator: order views and reads show the mask instead. */
const SECRET_KEYS = new Set(['secret_key', 'secretKey']);

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function cloneJson<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

export function maskSecrets(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (!isJsonObject(value)) return value;
  const masked: JsonObject = {};
  for (const [key, entry] of Object.entries(value)) {
    masked[key] = SECRET_KEYS.has(key) && entry !== null && entry !== '' ? SECRET_MASK : maskSecrets(entry);
  }
  return masked;
}

/** The value as a JSON object, or an empty one when it is anything else. */
export function objectOrEmpty(value: JsonValue | undefined): JsonObject {
  return isJsonObject(value) ? value : {};
}
