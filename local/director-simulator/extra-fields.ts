import type { Reply } from './http-io.js';
import { isJsonObject } from './json.js';
import type { JsonObject, JsonValue } from './types.js';

/**
 * Fields no contract mentions, of several JSON types, so a client that maps answers strictly, or
 * trips over a nested object where it expected nothing, shows up. Director versions add fields.
 */
const EXTRA_FIELDS: JsonObject = {
  unexpected_note: 'an unknown field clients must ignore',
  unexpected_count: 7,
  unexpected_object: { nested: true, list: [1, 'two'] },
};

function withExtras(value: JsonValue): JsonValue {
  return isJsonObject(value) ? { ...value, ...structuredClone(EXTRA_FIELDS) } : value;
}

/**
 * The `extraFields` profile point: the top level of an object answer, each item of a list answer
 * and a settled order's `response`. A pending order's `response` stays `{}`, because an empty
 * `response` is what pending means (director-api.md), not a shape detail.
 */
export function addExtraFields(reply: Reply): Reply {
  const { body } = reply;
  if (Array.isArray(body)) return { ...reply, body: body.map(withExtras) };
  if (!isJsonObject(body)) return reply;
  const response = body.response;
  const settled = isJsonObject(response) && Object.keys(response).length > 0;
  return { ...reply, body: { ...(withExtras(body) as JsonObject), ...(settled ? { response: withExtras(response) } : {}) } };
}
