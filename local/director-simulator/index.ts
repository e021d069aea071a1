/**
 * Director simulator: a real HTTP(S) server on 127.0.0.1 that implements the Director Console API
 * as /work/shared/director-api.md describes it, with in-memory state and fault injection. Tests and
 * the sandbox point the Director client at `baseUrl`.
 *
 * ```ts
 * const director = await startDirectorSimulator({ orderDelayMs: 30 });
 * // POST {baseUrl}/refreshToken {"secretKey": director.secretKey} → token, or director.issueToken()
 * // POST {baseUrl}/configapi/{director.poolUuid}/{director.logpointId}/LogSources {"data": ...}
 * //   → 200 {"status":"Success","message":"monitorapi/{pool}/{lp}/orders/{request_id}"}
 * director.faults.failRoute('POST /LogSources', { status: 503, count: 2 });
 * director.logSources();   // read shape, as GET .../LogSources returns it
 * director.operations;     // ["POST /configapi/<pool>/<lp>/LogSources", ...] accepted writes only
 * await director.stop();
 * ```
 *
 * Behaviour worth knowing (the contract leaves it open):
 * - Paths: `/configapi[/v1]/{pool}/{lp}/...`, `/monitorapi[/v1]/{pool}/{lp}/orders/{id}`,
 *   `/refreshToken`. Every route but `/refreshToken` needs `Authorization: Bearer <token>` (checked
 *   before the pool/logpoint, whose mismatch is 404).
 * - Writes answer 200 at once; the change happens when the order completes, `orderDelayMs` later
 *   (queued for the first half, `in_progress` for the second; `request.data` is the submitted
 *   `data` with `secret_key` masked, `{id}` for a delete). Failures that need state (duplicate
 *   name, unknown charset/timezone/compiled normalizer/repo/enrichment policy, unknown id on
 *   edit/delete) fail the order and change nothing. Missing or mistyped fields are HTTP 400 naming
 *   the field by its dotted path inside `data` (`name`, `config.Source.interval`, ...).
 * - Edit: the URL id is authoritative. With the default `idStyle` (`LogSources/<uuid>`; a URL may
 *   also carry `<uuid>`, encoded or not) the body's `id` is ignored, so the seed guide's edit
 *   example works against any existing source; `bare-hex` rejects a body id it would not know
 *   (log-source-ids.ts).
 * - Reads: `log_source_type`, `id` in the id style, `RoutingPolicy`/`NormalizationPolicy` as
 *   24-hex id strings (entries appear in `RoutingPolicies`), `Connector.secret_key` = "********",
 *   `Connector.access_key` per `accessKeyReadBack`, `last_log_received: null` until logs arrive
 *   (only the `fetcher` reads any), `dc_metadata` as sent.
 * - `fetcher` (s3-fetcher.ts): a simulated Logpoint S3Fetcher reads each active source's bucket
 *   with the source's own key through the injected S3 client, on `director.fetcher.runOnce()` and,
 *   with `intervalMs`, by itself; it sets `last_log_received` and `Connector.fetch_status` /
 *   `Connector.last_fetch_attempt`. Under `staleListsUntilRefresh` GET shows them after a refreshlist.
 * - Profiles (profiles.ts): `profile: 'v27-docs'` etc. bundle the undocumented points; explicit
 *   options override the profile's.
 * - Order progress, token expiry and the rate limit follow `options.clock`, so a fake clock can
 *   drive them; due orders complete lazily whenever a request or a handle query observes them.
 * - `requests` records method, path and status only (status 0 = no answer written: connection
 *   dropped, or the client left a delayed answer); no bodies, no headers, hence no secrets. The
 *   logger gets the same facts.
 * - Faults named `...AfterApply` and `loseOrders` lose the answer, not the write: the request is
 *   served (its order created, later applied) and only what the client learns changes.
 * - HTTPS: pass `tls: {key, cert}`; test-only pairs live in test/fixtures/tls. `stop()` is idempotent.
 * - `exportState()` returns the whole Director state as JSON (pending orders included) and
 *   `restoreFrom: <that document>` starts a simulator (in another process, say) from it (state-export.ts).
 */
import { randomBytes } from 'node:crypto';
import type { SimulatorContext } from './context.js';
import { FaultInjector } from './faults.js';
import { objectOrEmpty } from './json.js';
import { logSourceIds } from './log-source-ids.js';
import { seedLogSources } from './log-source-orders.js';
import { currentList, runOrderEffect } from './log-source-routes.js';
import { OrderBook } from './orders.js';
import { resolveProfile } from './profiles.js';
import { toReadShape } from './read-shape.js';
import { S3FetcherSimulation } from './s3-fetcher.js';
import { startServer } from './server.js';
import { exportSimulatorState, parseStateExport, restoredOrders, restoredState } from './state-export.js';
import { createState } from './state.js';
import type { DirectorState } from './state.js';
import { DEFAULT_TOKEN_TTL_SECONDS, TokenAuthority, generateSecretKey } from './tokens.js';
import type { DirectorSimulator, DirectorSimulatorOptions, FetchStrategy, RecordedRequest } from './types.js';

export type * from './types.js';
export type { DirectorStateExport } from './state-export.js';
export { DIRECTOR_PROFILES } from './profiles.js';
export { FETCH_STATUS_ERROR_PREFIX, FETCH_STATUS_OK } from './s3-fetcher.js';
const DEFAULT_ORDER_DELAY_MS = 1000;
const FETCH_STRATEGIES: readonly FetchStrategy[] = ['root-recursive', 'walk-from-awslogs', 'prefix-only'];

function randomHex32(): string {
  return randomBytes(16).toString('hex');
}

function checkOptions(options: DirectorSimulatorOptions): void {
  const { orderDelayMs, tokenTtlSeconds } = options;
  if (orderDelayMs !== undefined && !(orderDelayMs >= 0)) throw new RangeError('orderDelayMs must be >= 0');
  if (tokenTtlSeconds !== undefined && !(tokenTtlSeconds > 0)) throw new RangeError('tokenTtlSeconds must be > 0');
  const fetcher = options.fetcher;
  if (fetcher !== undefined && !FETCH_STRATEGIES.includes(fetcher.strategy)) {
    throw new RangeError(`unknown fetch strategy "${String(fetcher.strategy)}"; known: ${FETCH_STRATEGIES.join(', ')}`);
  }
  if (fetcher?.intervalMs !== undefined && !(fetcher.intervalMs > 0)) throw new RangeError('fetcher.intervalMs must be > 0');
}

export async function startDirectorSimulator(requested: DirectorSimulatorOptions = {}): Promise<DirectorSimulator> {
  const options = resolveProfile(requested);
  checkOptions(options);
  const clock = options.clock ?? Date.now;
  const orderDelayMs = options.orderDelayMs ?? DEFAULT_ORDER_DELAY_MS;
  const restored = options.restoreFrom === undefined ? undefined : parseStateExport(options.restoreFrom, options);
  const poolUuid = restored?.poolUuid ?? options.poolUuid ?? randomHex32();
  const logpointId = restored?.logpointId ?? options.logpointId ?? randomHex32();
  const idStyle = restored?.idStyle ?? options.idStyle ?? 'prefixed-uuid';
  const log = options.logger ?? ((): void => undefined);
  const tokens = new TokenAuthority({
    clock,
    ttlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    withExp: options.tokenExp ?? true,
    secretKey: restored?.secretKey ?? options.secretKey ?? generateSecretKey(),
    rotateSecretKeyOnRefresh: options.rotateSecretKeyOnRefresh ?? false,
    extraTokens: options.token === undefined ? [] : [options.token].flat(),
    restoredKeys: restored?.tokens,
  });
  const faults = new FaultInjector(clock, () => tokens.expireAll());
  const operations: string[] = [];
  const requests: RecordedRequest[] = [];
  const ids = logSourceIds(idStyle);
  const readStyle = { ids, accessKeyReadBack: options.accessKeyReadBack ?? 'plain' } as const;
  const staleListsUntilRefresh = options.staleListsUntilRefresh ?? false;
  const firstState = (state: DirectorState): DirectorState => {
    // The seed (or a restored state without a snapshot) is what the first list shows: no refreshlist has run yet.
    if (staleListsUntilRefresh) state.listSnapshot ??= currentList(state, readStyle);
    return state;
  };
  const seededState = (): DirectorState => {
    const state = createState(options.seed);
    seedLogSources(state, options.seed?.logSources ?? [], ids);
    return firstState(state);
  };
  const context: SimulatorContext = {
    poolUuid,
    logpointId,
    ...readStyle,
    orderPathStyle: options.orderPathStyle ?? 'bare',
    orderResponseIncludesId: options.orderResponseIncludesId ?? false,
    staleListsUntilRefresh,
    extraFields: options.extraFields ?? false,
    tokens,
    faults,
    state: restored === undefined ? seededState() : firstState(restoredState(restored)),
    orders: new OrderBook(clock, orderDelayMs, (effect) => runOrderEffect(context, effect)),
    recordOperation: (operation) => {
      operations.push(operation);
    },
  };
  if (restored !== undefined) context.orders.restore(restoredOrders(restored));

  const fetcher =
    options.fetcher === undefined
      ? undefined
      : new S3FetcherSimulation(options.fetcher, {
          settle: () => context.orders.settle(),
          activeSources: () => [...context.state.logSources.values()],
          isCurrent: (stored) => context.state.logSources.get(stored.key) === stored,
          idOf: (stored) => ids.idOf(stored.key),
          readShapeOf: (stored) => toReadShape(stored, readStyle),
          clock,
          log,
        });

  const server = await startServer({ context, requests, log }, options.port ?? 0, options.tls);
  fetcher?.startAutomaticRounds();
  let stopped: Promise<void> | undefined;
  const baseUrl = `${server.protocol}://127.0.0.1:${server.port}`;
  log(`Director simulator listening on ${baseUrl} pool=${poolUuid} logpoint=${logpointId}`);

  return {
    baseUrl,
    port: server.port,
    poolUuid,
    logpointId,
    get secretKey() {
      return tokens.secretKey;
    },
    issueToken: (issueOptions) => tokens.issue(issueOptions),
    logSources() {
      context.orders.settle();
      return [...currentList(context.state, readStyle).values()];
    },
    connectorSecretMatches(id, candidate) {
      context.orders.settle();
      const key = ids.keyOf(id);
      const stored = key === undefined ? undefined : context.state.logSources.get(key);
      const secret = objectOrEmpty(objectOrEmpty(stored?.data.config).Connector).secret_key;
      return typeof secret === 'string' && secret === candidate;
    },
    dataStoppedAt(id, at) {
      context.orders.settle();
      const key = ids.keyOf(id);
      const stored = key === undefined ? undefined : context.state.logSources.get(key);
      if (stored === undefined) throw new Error(`Director simulator: no log source ${id}.`);
      stored.lastLogReceived = at;
    },
    get operations() {
      return [...operations];
    },
    get requests() {
      return requests.map((entry) => ({ ...entry }));
    },
    faults,
    fetcher,
    exportState: () => exportSimulatorState(context, idStyle, clock()),
    reset() {
      context.state = seededState();
      context.orders.clear();
      operations.length = 0;
      requests.length = 0;
      faults.clear();
      tokens.reset();
    },
    stop: () => (stopped ??= Promise.all([fetcher?.stop(), server.close()]).then(() => undefined)),
  };
}
