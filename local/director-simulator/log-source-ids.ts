import { randomUUID } from 'node:crypto';
import { objectId } from './seed-data.js';
import type { IdStyle, JsonValue } from './types.js';

/**
 * How a Director spells the ids of its log sources, and which spellings it understands back. The
 * sources contradict each other (director-api.md "Ids"), so the simulator plays either:
 * - `prefixed-uuid` (the seed guide): hands out `LogSources/<uuid>`; a URL id may be `<uuid>` or
 *   `LogSources/<uuid>` (encoded or not); an edit body's `id` is ignored, because the seed guide's
 *   edit example carries an id that is not the edited source's.
 * - `bare-hex` (the official v2.7.0 docs): hands out 24-hex ids; only that form is understood in a
 *   URL, and an edit body `id` in any other form (`LogSources/<x>` above all) fails the order,
 *   since such a Director has never heard of it. A bare-hex body id is not compared with the URL
 *   id: the URL decides which source is edited, as in the other style.
 */
export interface LogSourceIds {
  /** A fresh storage key for a created log source. */
  newKey(): string;
  /** The id as Director hands it out (read shape, order response). */
  idOf(key: string): string;
  /** The storage key for an id given in a URL or a seed, or undefined when this style does not know the form. */
  keyOf(id: string): string | undefined;
  /** A validation message for an edit body's `id`, or undefined when the body is acceptable. */
  bodyIdProblem(id: JsonValue | undefined): string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX24 = /^[0-9a-f]{24}$/i;
const ID_PREFIX = 'LogSources/';

const PREFIXED_UUID: LogSourceIds = {
  newKey: () => randomUUID(),
  idOf: (key) => `${ID_PREFIX}${key}`,
  keyOf(id) {
    const bare = id.startsWith(ID_PREFIX) ? id.slice(ID_PREFIX.length) : id;
    return UUID.test(bare) ? bare.toLowerCase() : undefined;
  },
  bodyIdProblem: () => undefined,
};

const BARE_HEX: LogSourceIds = {
  newKey: () => objectId(),
  idOf: (key) => key,
  keyOf: (id) => (HEX24.test(id) ? id.toLowerCase() : undefined),
  bodyIdProblem(id) {
    if (id === undefined || id === null || (typeof id === 'string' && HEX24.test(id))) return undefined;
    return `${JSON.stringify(id)} is not a valid id.`;
  },
};

export function logSourceIds(style: IdStyle): LogSourceIds {
  return style === 'bare-hex' ? BARE_HEX : PREFIXED_UUID;
}
