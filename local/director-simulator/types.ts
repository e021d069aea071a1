/** Public types of the Director simulator. Wire shapes follow /work/shared/director-api.md. */

import type { S3Client } from '@aws-sdk/client-s3';
import type { DirectorRestoreOptions, DirectorStateExporter } from './state-export.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}
// The lookup shapes below are type aliases, not interfaces, so they stay assignable to JsonValue.

/** Milliseconds since the epoch, like `Date.now`. Tests may pass a fake clock. */
export type Clock = () => number;

/**
 * How the `message` of a write answer spells the order path:
 * `bare` = `monitorapi/{pool}/{lp}/orders/{id}` (real servers), `leading-slash` = `/monitorapi/...`
 * (the docs), `v1` = `/monitorapi/v1/...`.
 */
export type OrderPathStyle = 'bare' | 'leading-slash' | 'v1';

/** Log source ids: `LogSources/<uuid>` (the seed guide) or bare 24 hex (the v2.7.0 docs); see log-source-ids.ts. */
export type IdStyle = 'prefixed-uuid' | 'bare-hex';

/** What `Connector.access_key` looks like in Get/List read-backs (undocumented): as sent, `"********"`, or no key at all. */
export type AccessKeyReadBack = 'plain' | 'masked' | 'absent';

export type CompiledNormalizer = {
  name: string;
  version: string;
};

export type Repo = {
  id: string;
  name: string;
  repopath: { path: string; retention: number }[];
  active: boolean;
};

export type EnrichmentPolicy = {
  /** 24 hex characters. */
  id: string;
  name: string;
  description: string;
  specifications: JsonObject[];
};

export type RoutingPolicy = {
  id: string;
  policy_name: string;
  catch_all: string;
  routing_criteria: JsonValue[];
};

export type Device = {
  id: string;
  name: string;
  type: string;
  ip: string[];
  active: boolean;
  [extra: string]: JsonValue;
};

/** Extra lookup entries and log sources on top of the built-in realistic seed (seed-data.ts). */
export interface DirectorSeed {
  charsets?: string[];
  compiledNormalizers?: CompiledNormalizer[];
  /** A repo name gets a generated id, `/opt/immune/storage/` and 90 days retention. */
  repos?: (string | Repo)[];
  /** A missing id gets a generated 24-hex id. */
  enrichmentPolicies?: (Partial<EnrichmentPolicy> & { name: string })[];
  routingPolicies?: RoutingPolicy[];
  devices?: Device[];
  /**
   * Log sources present from the start, in write shape (the `data` of a create body). An `id` in a
   * form the `idStyle` knows (`<uuid>` or `LogSources/<uuid>`; 24 hex for `bare-hex`) is kept,
   * otherwise one is generated. Not validated.
   */
  logSources?: JsonObject[];
}

export interface DirectorSimulatorOptions extends DirectorRestoreOptions {
  /** 0 (default) picks a free port. The server listens on 127.0.0.1 only. */
  port?: number;
  /** 32-hex pool UUID; random unless given. */
  poolUuid?: string;
  /** 32-hex logpoint identifier; random unless given. */
  logpointId?: string;
  /** The refresh key `POST /refreshToken` accepts; random unless given. */
  secretKey?: string;
  /** Extra token string(s) accepted as valid until `faults.expireAllTokens()`. */
  token?: string | string[];
  /** Lifetime of issued JWTs (default 8 h). */
  tokenTtlSeconds?: number;
  /** Time an order stays pending (default 1000). Queued for the first half, in progress after. */
  orderDelayMs?: number;
  orderPathStyle?: OrderPathStyle;
  /** Put the created id (as `idStyle` spells it) into succeeded order responses (default false). */
  orderResponseIncludesId?: boolean;
  /** Each refresh returns a new secretKey and the old one stops working (default false). */
  rotateSecretKeyOnRefresh?: boolean;
  /** Default `prefixed-uuid`. Which id forms URLs and edit bodies accept: log-source-ids.ts. */
  idStyle?: IdStyle;
  /** Default `plain`. `Connector.secret_key` is always masked. */
  accessKeyReadBack?: AccessKeyReadBack;
  /**
   * GET `.../LogSources` and `.../LogSources/{id}` show the log sources as of the last completed
   * `POST .../LogSources/refreshlist` order (or the seed), not the writes since (default false).
   */
  staleListsUntilRefresh?: boolean;
  /**
   * Issued JWTs carry an `exp` claim (default true). False = like the real token in public logs:
   * only `iat`, valid until `faults.expireAllTokens()`; `tokenTtlSeconds` is then unused, but an
   * explicit `issueToken({ ttlSeconds })` still gets an `exp`, so a test can build an expiring token.
   */
  tokenExp?: boolean;
  /** Every JSON answer carries unknown fields clients must ignore (top level, list items, order responses); default false. */
  extraFields?: boolean;
  /**
   * A named bundle of the options above (profiles.ts, `DIRECTOR_PROFILES`): its options apply first,
   * every option given here explicitly (not undefined) overrides them. Unknown names throw a RangeError.
   */
  profile?: string;
  /** Serve HTTPS with this PEM key pair (test-only pairs: test/fixtures/tls). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  seed?: DirectorSeed;
  /** Receives one line per request and per notable event; never a secret. Default: silent. */
  logger?: (line: string) => void;
  /** Time source for token expiry, order progress and the rate limit (default `Date.now`). */
  clock?: Clock;
  /** A simulated Logpoint S3 fetcher that reads the bucket of every active source (s3-fetcher.ts); none by default. */
  fetcher?: S3FetcherOptions;
}

/**
 * How the simulated fetcher finds a source's objects; the real S3Fetcher's way is unknown
 * (director-api.md "How the S3Fetcher reads the bucket"), so each plausible one is offered
 * (s3-listing.ts has the exact calls).
 */
export type FetchStrategy = 'root-recursive' | 'walk-from-awslogs' | 'prefix-only';

/** The key pair a source's Connector carries: the fetcher signs with it, as Logpoint would. */
export interface FetcherCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3FetcherOptions {
  strategy: FetchStrategy;
  /**
   * An S3 client that signs with `credentials` in `region` (the Connector's `region_name`);
   * `endpoint` is the Connector's `endpoint_url`, which a stand-in may ignore. Injected so the
   * simulator needs no particular S3: the sandbox passes its S3 stand-in, which enforces IAM.
   */
  s3ClientFor: (credentials: FetcherCredentials, region: string, endpoint?: string) => S3Client;
  /**
   * `prefix-only`: the prefix to list for a source, given its read shape (secret masked). The
   * Connector has no prefix field, so this stands for whatever a Logpoint operator would set up
   * (it may look in the bucket first, hence the promise); undefined makes that source's fetch fail
   * with a configuration error.
   */
  scopePrefixOf?: (source: JsonObject) => string | undefined | Promise<string | undefined>;
  /** Real milliseconds between automatic rounds, from start until stop(); without it, rounds run only on `runOnce()`. */
  intervalMs?: number;
}

/** What one round did for one active source. */
export interface FetchRoundResult {
  /** The id as Director hands it out. */
  logSourceId: string;
  name: string;
  /** As the read-back's `Connector.fetch_status` now shows it. */
  fetchStatus: string;
  /** Keys read this round, oldest first. */
  objectsRead: string[];
  /** As the read-back's `last_log_received` now shows it. */
  lastLogReceived: string | null;
}

export interface SimulatedS3Fetcher {
  readonly strategy: FetchStrategy;
  /**
   * One round for every active source (its create/edit order completed), after any round still
   * running. Resolves when done, never rejects: a failing fetch becomes that source's fetch_status.
   */
  runOnce(): Promise<FetchRoundResult[]>;
}

/** One HTTP request as the simulator saw it. Bodies are never recorded. */
export interface RecordedRequest {
  method: string;
  /** The path exactly as requested (query string removed). */
  path: string;
  /**
   * The status written to the client: the injected one under `failRoute`/`failAfterApply`; 0 when
   * nothing was written (connection dropped before or after serving, or the client left during
   * `delayReplyAfterApply`).
   */
  status: number;
}

export interface IssueTokenOptions {
  /** The token authenticates but lacks rights: every protected route answers 403. */
  withoutRights?: boolean;
  ttlSeconds?: number;
}

/**
 * Route pattern for faults: `"<METHOD> <path glob>"` or just `"<path glob>"` (any method). `*` in
 * the glob matches any characters, `/` included. The glob must match the whole request path or the
 * path below `/{config|monitor}api[/v1]/{pool}/{logpoint}`, e.g. `"POST /LogSources"`,
 * `"PUT /LogSources/*"`, `"GET /orders/*"`, `"POST /refreshToken"`, `"* /configapi/*"`.
 */
export type RoutePattern = string;

export interface OrderFailureSpec {
  /** Default "Some of the form fields are invalid, please check." */
  message?: string;
  validationErrors?: Record<string, string[]>;
  errors?: string[];
}

/** Fault injection. Counted faults fire on the next N matching calls; `Infinity` means always. */
export interface DirectorFaults {
  /** Answer `status` (with `body`, default `{"status":"Error","message":...}`) to the next `count` (default 1) matching calls. */
  failRoute(route: RoutePattern, options: { status: number; count?: number; body?: JsonValue }): void;
  /** Delay every call (no route) or every matching call by `ms`; 0 removes that latency. */
  setLatency(ms: number, route?: RoutePattern): void;
  /** Destroy the socket without answering the next `count` (matching) calls. */
  dropConnections(count: number, route?: RoutePattern): void;
  /** Answer 429 with `Retry-After` (default 1 second; a string is sent as is) to the next `count` (matching) calls. */
  throttle(count: number, options?: { retryAfter?: number | string; route?: RoutePattern }): void;
  /** The next `count` orders fail at completion with this failure and change nothing. */
  failOrders(count: number, failure?: OrderFailureSpec): void;
  /** The next `count` (default Infinity) orders stay in progress forever. */
  neverFinishOrders(count?: number): void;
  /** Above `requestsPerSecond` (sliding one-second window) answer 429 with Retry-After; undefined removes the limit. */
  rateLimit(requestsPerSecond: number | undefined): void;
  /** The next `count` (default Infinity) calls with a valid token answer 403. */
  forbidTokens(count?: number): void;
  /** Every token issued so far, and the extra `token` option, becomes invalid (401). */
  expireAllTokens(): void;
  /**
   * The next `count` (matching) calls are served as normal (a write creates its order and later
   * applies its change), then the socket is destroyed without an answer: a lost answer, not a lost write.
   */
  dropAfterApply(count: number, route?: RoutePattern): void;
  /**
   * The next `count` (default 1) (matching) calls are served as normal, then answered `status` (with
   * `body`, default `{"status":"Error","message":...}`) instead of the real answer, as a gateway
   * that times out behind an applied write does.
   */
  failAfterApply(status: number, options?: { count?: number; route?: RoutePattern; body?: JsonValue }): void;
  /**
   * The next `count` (default 1) (matching) calls are served as normal, then their real answer is
   * held `ms` before it is written; a client with a shorter timeout gives up on an applied write.
   */
  delayReplyAfterApply(ms: number, options?: { count?: number; route?: RoutePattern }): void;
  /** The next `count` (default 1) orders answer 404 on `GET .../orders/{request_id}`, yet settle as normal. */
  loseOrders(count?: number): void;
  /** Remove every fault (expired tokens stay expired). */
  clear(): void;
}

/** `exportState()` (state-export.ts) writes what `restoreFrom` starts another simulator from. */
export interface DirectorSimulator extends DirectorStateExporter {
  /** `http://127.0.0.1:<port>` (or https with `tls`), no trailing slash. */
  readonly baseUrl: string;
  readonly port: number;
  readonly poolUuid: string;
  readonly logpointId: string;
  /** The refresh key `POST /refreshToken` currently accepts (changes with `rotateSecretKeyOnRefresh`). */
  readonly secretKey: string;
  /** A fresh token, valid for `tokenTtlSeconds` unless `ttlSeconds` is given. */
  issueToken(options?: IssueTokenOptions): string;
  /**
   * The current log sources in the read shape `GET .../LogSources` uses (secret masked). Current
   * even under `staleListsUntilRefresh`, where GET may still show an older list.
   */
  logSources(): JsonObject[];
  /** True when the stored `Connector.secret_key` of that log source (any id form a URL may carry) equals `candidate`. */
  connectorSecretMatches(logSourceId: string, candidate: string): boolean;
  /** The source's logs stopped coming at `at` (ISO-8601): `last_log_received` says so until the fetcher reads a newer object. */
  dataStoppedAt(logSourceId: string, at: string): void;
  /** Accepted writes (those that created an order), in order: `"POST /configapi/<pool>/<lp>/LogSources"`. */
  readonly operations: readonly string[];
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  readonly faults: DirectorFaults;
  /** The simulated S3 fetcher when `fetcher` was given; undefined otherwise. Its S3 calls are not in `requests`. */
  readonly fetcher: SimulatedS3Fetcher | undefined;
  /** Back to the seed, also after `restoreFrom`: log sources, orders, repos, policies, faults, records, the initial (or restored) secretKey. Tokens stay valid. */
  reset(): void;
  /** Close the server and every open connection; calling it again returns the same promise. */
  stop(): Promise<void>;
}
