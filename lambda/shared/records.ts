/** Small narrowing helpers for plain JSON-like records, shared by the Director client and the handlers. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entries whose value is not `undefined`, so that an option passed as `undefined` keeps its default when spread over one. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

/** The account id of an execution's raw input (kept at `$.input`), for a failure report when validation refused it. */
export function rawAccountIdOf(state: unknown): string | null {
  const input = isRecord(state) ? state.input : undefined;
  const candidate = isRecord(input) ? input.accountId : undefined;
  return typeof candidate === 'string' ? candidate : null;
}
