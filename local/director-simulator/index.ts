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
 * - Edit: the URL id (`<uuid>` or `LogSources/<uuid>`, encoded or not) is authoritative; the body's
 *   `id` is ignored, so the seed guide's edit example works against any existing source.
 * - Reads: `log_source_type`, `id: "LogSources/<uuid>"`, `RoutingPolicy`/`NormalizationPolicy` as
 *   24-hex id strings (entries appear in `RoutingPolicies`), `Connector.secret_key` = "********",
 *   `last_log_received: null` until logs arrive (never, here), `dc_metadata` as sent.
 * - Order progress, token expiry and the rate limit follow `options.clock`, so a fake clock can
 *   drive them; due orders complete lazily whenever a request or a handle query observes them.
 * - `requests` records method, path and status only (status 0 = no answer written: connection
 *   dropped, or the client left a delayed answer); no bodies, no headers, hence no secrets. The
 *   logger gets the same facts.
 * - Faults named `...AfterApply` and `loseOrders` lose the answer, not the write: the request is
 *   served (its order created, later applied) and only what the client learns changes.
 * - HTTPS: pass `tls: {key, cert}`; test-only pairs live in test/fixtures/tls. `stop()` is idempotent.
 */
import { randomBytes } from 'node:crypto';
import type { SimulatorContext } from './context.js';
import { FaultInjector } from './faults.js';
import { objectOrEmpty } from './json.js';
import { seedLogSources } from './log-source-orders.js';
import { OrderBook } from './orders.js';
import { toReadShape } from './read-shape.js';
import { startServer } from './server.js';
import { createState, logSourceUuid } from './state.js';
import type { DirectorState } from './state.js';
import { DEFAULT_TOKEN_TTL_SECONDS, TokenAuthority, generateSecretKey } from './tokens.js';
import type { DirectorSimulator, DirectorSimulatorOptions, RecordedRequest } from './types.js';

export type * from './types.js';
const DEFAULT_ORDER_DELAY_MS = 1000;

function randomHex32(): string {
  return randomBytes(16).toString('hex');
}

function checkOptions(options: DirectorSimulatorOptions): void {
  const { orderDelayMs, tokenTtlSeconds } = options;
  if (orderDelayMs !== undefined && !(orderDelayMs >= 0)) throw new RangeError('orderDelayMs must be >= 0');
  if (tokenTtlSeconds !== undefined && !(tokenTtlSeconds > 0)) throw new RangeError('tokenTtlSeconds must be > 0');
}

export async function startDirectorSimulator(options: DirectorSimulatorOptions = {}): Promise<DirectorSimulator> {
  checkOptions(options);
  const clock = options.clock ?? Date.now;
  const orderDelayMs = options.orderDelayMs ?? DEFAULT_ORDER_DELAY_MS;
  const poolUuid = options.poolUuid ?? randomHex32();
  const logpointId = options.logpointId ?? randomHex32();
  const log = options.logger ?? ((): void => undefined);
  const tokens = new TokenAuthority({
    clock,
    ttlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    secretKey: options.secretKey ?? generateSecretKey(),
    rotateSecretKeyOnRefresh: options.rotateSecretKeyOnRefresh ?? false,
    extraTokens: options.token === undefined ? [] : [options.token].flat(),
  });
  const faults = new FaultInjector(clock, () => tokens.expireAll());
  const operations: string[] = [];
  const requests: RecordedRequest[] = [];
  const seededState = (): DirectorState => {
    const state = createState(options.seed);
    seedLogSources(state, options.seed?.logSources ?? []);
    return state;
  };
  const context: SimulatorContext = {
    poolUuid,
    logpointId,
    orderPathStyle: options.orderPathStyle ?? 'bare',
    orderResponseIncludesId: options.orderResponseIncludesId ?? false,
    tokens,
    faults,
    state: seededState(),
    orders: new OrderBook(clock, orderDelayMs),
    recordOperation: (operation) => {
      operations.push(operation);
    },
  };

  const server = await startServer({ context, requests, log }, options.port ?? 0, options.tls);
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
      return [...context.state.logSources.values()].map(toReadShape);
    },
    connectorSecretMatches(id, candidate) {
      context.orders.settle();
      const uuid = logSourceUuid(id);
      const stored = uuid === undefined ? undefined : context.state.logSources.get(uuid);
      const secret = objectOrEmpty(objectOrEmpty(stored?.data.config).Connector).secret_key;
      return typeof secret === 'string' && secret === candidate;
    },
    get operations() {
      return [...operations];
    },
    get requests() {
      return requests.map((entry) => ({ ...entry }));
    },
    faults,
    reset() {
      context.state = seededState();
      context.orders.clear();
      operations.length = 0;
      requests.length = 0;
      faults.clear();
      tokens.reset();
    },
    stop: () => (stopped ??= server.close()),
  };
}
