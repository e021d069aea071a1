import * as z from 'zod';

/**
 * What the fakes' state documents have in common (iam-store-state.ts, secrets-store-state.ts): they
 * are plain JSON, so dates travel as ISO 8601 strings, and a document is validated in full before
 * it replaces anything, every problem reported with its path.
 */

/** A date as `Date#toISOString` writes it. */
export const isoDateSchema = z.iso.datetime();

export function dateOf(iso: string): Date;
export function dateOf(iso: string | undefined): Date | undefined;
export function dateOf(iso: string | undefined): Date | undefined {
  return iso === undefined ? undefined : new Date(iso);
}

/** Adds an issue at `path` for each key that more than one of `items` has (`keyOf`: an item's key, or keys). */
export function reportDuplicates<Item>(
  context: z.RefinementCtx,
  path: PropertyKey[],
  what: string,
  items: readonly Item[],
  keyOf: (item: Item) => string | readonly string[],
): void {
  const seen = new Set<string>();
  for (const key of items.flatMap((item) => keyOf(item))) {
    if (seen.has(key)) context.addIssue({ code: 'custom', path, message: `${what} ${key} occurs more than once` });
    seen.add(key);
  }
}

/**
 * `state` parsed by `schema`, or an Error naming every problem. `origin` (the account and region the
 * fake was built for) must match the document's: the ARNs and ids in it embed them.
 */
export function parseStateDocument<Schema extends z.ZodType<Record<string, unknown>>>(
  fake: string,
  schema: Schema,
  state: unknown,
  origin: Record<string, string>,
): z.output<Schema> {
  const result = schema.safeParse(state);
  if (!result.success) throw refusal(fake, result.error.issues.map(describeIssue));
  const document: Record<string, unknown> = result.data;
  const foreign = Object.entries(origin).filter(([field, expected]) => document[field] !== expected);
  if (foreign.length > 0) {
    const problems = foreign.map(([field, expected]) => `${field}: the state was exported for ${String(document[field])}, this ${fake} is for ${expected}`);
    throw refusal(fake, problems);
  }
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

function refusal(fake: string, problems: string[]): Error {
  return new Error(`${fake} cannot import this state:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
}
