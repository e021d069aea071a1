/** Small narrowing helpers for plain JSON-like records, shared by the Director client and the handlers. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entries whose value is not `undefined`, so that an option passed as `undefined` keeps its default when spread over one. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
