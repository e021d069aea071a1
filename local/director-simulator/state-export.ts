import * as z from 'zod';
import type { SimulatorContext } from './context.js';
import { logSourceIds } from './log-source-ids.js';
import type { OrderRecord } from './orders.js';
import type { DirectorState } from './state.js';
import type { DirectorSimulatorOptions, IdStyle, JsonObject, JsonValue } from './types.js';

/**
 * A simulator's state as one JSON document (`exportState()`), from which a simulator in another
 * process starts (`restoreFrom`) and answers the API as the exporting one would:
 * - In it: pool, logpoint, the current secretKey, the token signing key and generation (tokens
 *   issued before the export stay valid), the id style, every lookup, policy, device and log
 *   source as stored (the real `secret_key` included: this is the stand-in's own storage), each
 *   source's `last_log_received`, fetch read-back and fetcher cursor, the `staleListsUntilRefresh`
 *   snapshot, and every order. Due orders are settled first; pending ones keep their absolute
 *   `createdAt`/`dueAt` (simulator clock) and effect and complete on the restoring simulator's
 *   clock; completed ones still answer `GET .../orders/{id}`.
 * - Not in it: options (profile, clock, orderDelayMs, fetcher, seed, ...; the restoring call
 *   passes its own), faults, `requests`, `operations`, the `token` option's extra tokens.
 * - Ids: every id the simulator makes (log source keys, policy ids, order ids) is random (uuid v4
 *   or 96 random bits), never counted, so new ones do not collide with restored ones; the one
 *   counter, the order sequence (ties between orders due at the same instant), goes on from the
 *   highest restored one.
 * - `reset()` of a restored simulator goes back to its `seed` option, not to the export; it keeps
 *   the restored pool, logpoint and secretKey.
 */

const jsonValue: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), jsonObject]));
const jsonObject: z.ZodType<JsonObject> = z.record(z.string(), jsonValue);
const instant = z.iso.datetime();
const id = z.string().min(1);

const logSourceSchema = z.object({
  key: id,
  data: jsonObject,
  routingPolicyId: z.string().optional(),
  normalizationPolicyId: z.string().optional(),
  enrichmentPolicyId: z.string().optional(),
  lastLogReceived: z.string().nullable(),
  fetchReadBack: z.object({ fetchStatus: z.string(), lastFetchAttempt: z.string() }).optional(),
  /** `newest` null: nothing read yet. */
  fetchCursor: z.object({ bucket: z.string(), newest: instant.nullable(), keysAtNewest: z.array(z.string()) }).optional(),
});

const stateSchema = z.object({
  charsets: z.array(z.string()),
  compiledNormalizers: z.array(z.object({ name: z.string(), version: z.string() })),
  repos: z.array(z.object({ id, name: z.string(), repopath: z.array(z.object({ path: z.string(), retention: z.number() })), active: z.boolean() })),
  enrichmentPolicies: z.array(z.object({ id, name: z.string(), description: z.string(), specifications: z.array(jsonObject) })),
  routingPolicies: z.array(z.object({ id, policy_name: z.string(), catch_all: z.string(), routing_criteria: z.array(jsonValue) })),
  normalizationPolicies: z.array(z.object({ id, name: z.string(), normalizers: z.array(jsonValue) })),
  devices: z.array(z.object({ id, name: z.string(), type: z.string(), ip: z.array(z.string()), active: z.boolean() }).catchall(jsonValue)),
  /** In list order. */
  logSources: z.array(logSourceSchema),
  /** `[key, read shape]` in list order; only under `staleListsUntilRefresh`. */
  listSnapshot: z.array(z.tuple([id, jsonObject])).optional(),
});

const orderEffectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fail'), response: jsonObject }),
  z.object({ kind: z.literal('refreshlist') }),
  z.object({
    kind: z.literal('log-source'),
    order: z.object({
      action: z.enum(['create', 'edit', 'delete']),
      key: z.string().optional(),
      requestedId: z.string().optional(),
      data: jsonObject.optional(),
    }),
  }),
]);

const orderSchema = z.object({
  requestId: id,
  action: z.enum(['create', 'edit', 'delete', 'refreshlist']),
  shownData: jsonObject,
  neverFinish: z.boolean(),
  lost: z.boolean(),
  effect: orderEffectSchema,
  createdAt: instant,
  dueAt: instant,
  sequence: z.number().int().nonnegative(),
  /** Present once the order completed. */
  response: jsonObject.optional(),
});

const ID_STYLES = ['prefixed-uuid', 'bare-hex'] as const satisfies readonly IdStyle[];

const directorStateExportSchema = z
  .object({
    format: z.literal('director-simulator-state'),
    version: z.literal(1),
    /** Simulator clock at export, for people reading the file. */
    exportedAt: instant,
    poolUuid: id,
    logpointId: id,
    secretKey: id,
    idStyle: z.enum(ID_STYLES),
    tokens: z.object({ signingKey: id, generation: z.number().int().nonnegative() }),
    state: stateSchema,
    /** Pending and completed, in submission order. */
    orders: z.array(orderSchema),
  })
  .superRefine((document, context) => {
    const ids = logSourceIds(document.idStyle);
    const seen = new Set<string>();
    document.state.logSources.forEach(({ key }, index) => {
      const issue = (problem: string): void => context.addIssue({ code: 'custom', path: ['state', 'logSources', index, 'key'], message: `${key} ${problem}` });
      if (ids.keyOf(ids.idOf(key)) !== key) issue(`is not a log source key of idStyle ${document.idStyle}`);
      else if (seen.has(key)) issue('is the key of an earlier log source too');
      seen.add(key);
    });
  });

/** What `exportState()` returns and `restoreFrom` takes: plain JSON (no Map, no Date; instants as ISO-8601 strings). */
export type DirectorStateExport = z.infer<typeof directorStateExportSchema>;

export interface DirectorRestoreOptions {
  /**
   * Start from this `exportState()` document (checked; a wrong shape throws) instead of the seed:
   * pool, logpoint, secretKey and idStyle come from it (an explicit option that differs throws),
   * every other option from this call. `reset()` still goes back to the seed. See state-export.ts.
   */
  restoreFrom?: DirectorStateExport;
}

export interface DirectorStateExporter {
  /**
   * Settles due orders, then returns everything a simulator started with `restoreFrom` needs to
   * answer the API as this one does, pending orders included (they complete on the restoring
   * simulator's clock at their exported due time). A fresh copy, safe to JSON.stringify.
   */
  exportState(): DirectorStateExport;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The document for `exportState()`; settles due orders first. */
export function exportSimulatorState(context: SimulatorContext, idStyle: IdStyle, now: number): DirectorStateExport {
  context.orders.settle();
  const { state } = context;
  const built: DirectorStateExport = {
    format: 'director-simulator-state',
    version: 1,
    exportedAt: iso(now),
    poolUuid: context.poolUuid,
    logpointId: context.logpointId,
    secretKey: context.tokens.secretKey,
    idStyle,
    tokens: context.tokens.keys,
    state: {
      ...state,
      logSources: [...state.logSources.values()].map(({ fetchCursor, ...stored }) => ({
        ...stored,
        fetchCursor:
          fetchCursor === undefined
            ? undefined
            : {
                bucket: fetchCursor.bucket,
                newest: Number.isFinite(fetchCursor.newestMs) ? iso(fetchCursor.newestMs) : null,
                keysAtNewest: [...fetchCursor.keysAtNewest],
              },
      })),
      listSnapshot: state.listSnapshot === undefined ? undefined : [...state.listSnapshot],
    },
    orders: context.orders.records().map((order) => ({ ...order, createdAt: iso(order.createdAt), dueAt: iso(order.dueAt) })),
  };
  // The JSON round trip makes the copy (nothing shared with the live state, no undefined members)
  // and the parse proves that what comes back is what restoreFrom accepts.
  return directorStateExportSchema.parse(JSON.parse(JSON.stringify(built)));
}

/**
 * The checked document for `restoreFrom`, a copy sharing nothing with it. Throws an Error naming
 * every problem for a wrong shape, a RangeError when an explicit option contradicts it.
 */
export function parseStateExport(document: unknown, options: DirectorSimulatorOptions): DirectorStateExport {
  const result = directorStateExportSchema.safeParse(document);
  if (!result.success) {
    throw new Error(`Director simulator: restoreFrom is not a document exportState() made:\n${z.prettifyError(result.error)}`);
  }
  const restored = structuredClone(result.data);
  for (const option of ['poolUuid', 'logpointId', 'secretKey', 'idStyle'] as const) {
    const explicit = options[option];
    if (explicit !== undefined && explicit !== restored[option]) {
      throw new RangeError(
        `Director simulator: option ${option} differs from the restoreFrom document's (given, or set by the profile); omit it or pass the document's value`,
      );
    }
  }
  return restored;
}

/** The Director state a restored simulator starts with. */
export function restoredState(restored: DirectorStateExport): DirectorState {
  const { logSources, listSnapshot, ...lookups } = restored.state;
  return {
    ...lookups,
    logSources: new Map(
      logSources.map(({ fetchCursor, ...stored }) => [
        stored.key,
        {
          ...stored,
          ...(fetchCursor === undefined
            ? {}
            : {
                fetchCursor: {
                  bucket: fetchCursor.bucket,
                  newestMs: fetchCursor.newest === null ? -Infinity : Date.parse(fetchCursor.newest),
                  keysAtNewest: new Set(fetchCursor.keysAtNewest),
                },
              }),
        },
      ]),
    ),
    ...(listSnapshot === undefined ? {} : { listSnapshot: new Map(listSnapshot) }),
  };
}

/** The orders a restored simulator starts with, pending and completed. */
export function restoredOrders(restored: DirectorStateExport): OrderRecord[] {
  return restored.orders.map((order) => ({ ...order, createdAt: Date.parse(order.createdAt), dueAt: Date.parse(order.dueAt) }));
}
