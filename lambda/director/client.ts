import * as z from 'zod';
import { OnboardingError } from '../shared/errors.js';
import type { DirectorCredentialsStore } from './credentials.js';
import { DirectorAuthError, DirectorBadResponseError, DirectorNotFoundError, type DirectorErrorFacts } from './errors.js';
import { DirectorTransport, type DirectorLogger, type DirectorTransportOptions } from './http.js';
import { interpretOrder, parseWriteAcknowledgement, pollOrder, type WaitForOrderOptions } from './orders.js';
import { configPath, logSourceUuid, parseOrderReference, sameLogSourceId, type DirectorLocation } from './paths.js';
import { collectSecretValues, maskSecretFields } from './redact.js';
import { flattenCharsets } from './responses.js';
import { DirectorTokenProvider } from './token-provider.js';
import {
  compiledNormalizerSchema,
  deviceSchema,
  enrichmentPolicySchema,
  logSourceRecordSchema,
  repoSchema,
  routingPolicySchema,
  type CompiledNormalizer,
  type Device,
  type EnrichmentPolicy,
  type LogSourceBody,
  type LogSourceRecord,
  type HttpMethod,
  type OrderReference,
  type OrderStatus,
  type Repo,
  type RoutingPolicy,
  type SucceededOrder,
} from './types.js';
import { ErrorCode } from '../contract/error-codes.js';
import { isRecord } from '../shared/records.js';

export interface DirectorClientOptions extends Omit<DirectorTransportOptions, 'baseUrl'> {
  /** `https://<api-server-host-name>` (http only for the local simulator). */
  baseUrl: string;
  poolUuid: string;
  logpointId: string;
  credentials: DirectorCredentialsStore;
  /** Treat a token as expired this long before its JWT `exp`; default 60 s. */
  tokenExpirySkewMs?: number;
  logger?: DirectorLogger;
  /** How the client waits between looks at an order (refreshlist, pollOrder); default `sleep`. The sandbox bounds it by its Director's order time. */
  orderWait?: (ms: number) => Promise<void>;
}

const ENRICHMENT_POLICY_ID = /^[0-9a-f]{24}$/i;

/**
 * Typed client of the Director Console API (director-api.md) for one pool and logpoint.
 * Writes return the order to poll; reads return tolerant, secret-masked records; every failure
 * is a DirectorError with a stable code (see http.ts for the status mapping).
 */
/** How often the client looks at a refreshlist order before it reads the list anyway (about 10 s of waits). */
const REFRESH_LOOKS = 7;

export class DirectorClient {
  readonly location: DirectorLocation;
  private readonly transport: DirectorTransport;
  private readonly tokens: DirectorTokenProvider;
  private readonly logger: DirectorLogger | undefined;
  private readonly waitBetweenLooks: (ms: number) => Promise<void>;
  private readonly now: () => number;
  /** Secret values of bodies this client sent: a later order or error might echo them. */
  private readonly submittedSecrets = new Set<string>();

  constructor(options: DirectorClientOptions) {
    for (const key of ['poolUuid', 'logpointId'] as const) {
      if (options[key].trim() === '') throw new OnboardingError(ErrorCode.CONFIG_INVALID, `Director ${key} must not be empty`);
    }
    this.location = { poolUuid: options.poolUuid, logpointId: options.logpointId };
    this.logger = options.logger;
    this.waitBetweenLooks = options.orderWait ?? options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.transport = new DirectorTransport(options);
    this.tokens = new DirectorTokenProvider({
      store: options.credentials,
      transport: this.transport,
      expirySkewMs: options.tokenExpirySkewMs,
      now: this.now,
      logger: options.logger,
      otherSecrets: () => this.submittedSecrets,
    });
  }

  // ─── Log sources ───────────────────────────────────────────────────────────────────────────

  /** `POST …/LogSources` with `{"data": body}`; the created id usually comes only from a later list. */
  async createLogSource(body: LogSourceBody): Promise<OrderReference> {
    const path = configPath(this.location, 'LogSources');
    // Not repeatable: a second POST of a create that Director did apply makes a second order.
    return this.write('POST', path, { data: body }, false);
  }

  /**
   * `PUT …/LogSources/{id}`. The body's `id` is the id exactly as Director gave it (`LogSources/<uuid>`
   * in the seed guide, a bare 24-hex id in the API v2.7.0 docs): never rebuilt into another form.
   */
  async editLogSource(id: string, body: LogSourceBody): Promise<OrderReference> {
    const segment = logSourceUuid(id);
    if (body.id !== undefined && !sameLogSourceId(body.id, segment)) {
      throw new OnboardingError(ErrorCode.INVALID_INPUT, `The edit body names log source ${body.id}, not ${id}`);
    }
    return this.write('PUT', configPath(this.location, 'LogSources', segment), { data: { ...body, id: body.id ?? id.trim() } });
  }

  async deleteLogSource(id: string): Promise<OrderReference> {
    return this.write('DELETE', configPath(this.location, 'LogSources', logSourceUuid(id)));
  }

  async listLogSources(): Promise<LogSourceRecord[]> {
    const path = configPath(this.location, 'LogSources');
    return this.list(path, logSourceRecordSchema).then((records) => records.map((record) => maskSecretFields(record)));
  }

  async getLogSource(id: string): Promise<LogSourceRecord> {
    const path = configPath(this.location, 'LogSources', logSourceUuid(id));
    const json = await this.call('GET', path);
    // Tolerated variant: the record wrapped in `{"data": {...}}`.
    const record = isRecord(json) && !('id' in json) && isRecord(json.data) ? json.data : json;
    return maskSecretFields(parseShape(logSourceRecordSchema, record, 'log source', { method: 'GET', path }));
  }

  /**
   * `POST …/LogSources/refreshlist` and a short wait for its order: Director's API guidelines (§3.1)
   * ask clients to refresh after writes, because Get and List may serve data from before the
   * write until then. A Director without the endpoint (404) serves current lists already.
   */
  async refreshLogSourceList(): Promise<void> {
    let order: OrderReference;
    try {
      order = await this.write('POST', configPath(this.location, 'LogSources', 'refreshlist'));
    } catch (error) {
      if (error instanceof DirectorNotFoundError) return;
      throw error;
    }
    // A few looks, not a deadline: a refresh that takes longer leaves the list as it is (best effort).
    for (let look = 0, delayMs = 250; look < REFRESH_LOOKS; look += 1, delayMs = Math.min(delayMs * 2, 2_000)) {
      await this.waitBetweenLooks(delayMs);
      if ((await this.getOrder(order)).state !== 'pending') return;
    }
    this.logger?.warn('Director has not finished refreshing its log source list; reading it as it is', { requestId: order.requestId });
  }

  /**
   * The log source with exactly this name, or null. Two with the same name is an error: editing
   * either could be wrong. `afterWrite`: a write may have happened since Director last refreshed its
   * lists, so the list is refreshed first (one refreshlist, then one list: never two lists).
   */
  async findLogSourceByName(name: string, options: { afterWrite?: boolean } = {}): Promise<LogSourceRecord | null> {
    if (options.afterWrite) await this.refreshLogSourceList();
    const matches = (await this.listLogSources()).filter((record) => record.name === name);
    if (matches.length > 1) {
      throw new DirectorBadResponseError(`Director lists ${matches.length} log sources named "${name}"`, {
        method: 'GET',
        path: configPath(this.location, 'LogSources'),
        extra: { ids: matches.map((record) => record.id) },
      });
    }
    return matches[0] ?? null;
  }

  // ─── Orders ────────────────────────────────────────────────────────────────────────────────

  /** Reads an order by its path (any form Director writes it in) or bare request id. */
  async getOrder(order: string | OrderReference): Promise<OrderStatus> {
    const reference = this.orderReference(order);
    const json = await this.call('GET', reference.orderPath);
    return interpretOrder(json, { secrets: this.knownSecrets(), facts: { method: 'GET', path: reference.orderPath, status: 200 } });
  }

  /**
   * Polls until the order succeeds (resolves) or fails (DIRECTOR_ORDER_FAILED listing Director's
   * reasons), or the deadline passes (DIRECTOR_ORDER_TIMEOUT). Transport errors propagate.
   */
  async waitForOrder(order: string | OrderReference, options: WaitForOrderOptions = {}): Promise<SucceededOrder> {
    const reference = this.orderReference(order);
    return pollOrder({ reference, getStatus: () => this.getOrder(reference), sleep: this.waitBetweenLooks, now: this.now, logger: this.logger }, options);
  }

  // ─── Lookups ───────────────────────────────────────────────────────────────────────────────

  /** Every charset name, flattened from `[{"charsets": [...]}]` (a plain string array is tolerated). */
  async listCharsets(): Promise<string[]> {
    const path = configPath(this.location, 'Charsets');
    const json = await this.call('GET', path);
    const names = flattenCharsets(json);
    if (names === undefined) throw new DirectorBadResponseError('Director answered Charsets with an unexpected shape', { method: 'GET', path, status: 200 });
    return names;
  }

  async listCompiledNormalizers(): Promise<CompiledNormalizer[]> {
    return this.list(configPath(this.location, 'NormalizationPackage', 'CompiledNormalizers'), compiledNormalizerSchema);
  }

  async listRepos(): Promise<Repo[]> {
    return this.list(configPath(this.location, 'Repos'), repoSchema);
  }

  async listEnrichmentPolicies(): Promise<EnrichmentPolicy[]> {
    return this.list(configPath(this.location, 'EnrichmentPolicy'), enrichmentPolicySchema);
  }

  async listRoutingPolicies(): Promise<RoutingPolicy[]> {
    return this.list(configPath(this.location, 'RoutingPolicies'), routingPolicySchema);
  }

  async listDevices(): Promise<Device[]> {
    return this.list(configPath(this.location, 'Devices'), deviceSchema);
  }

  /**
   * The id of the enrichment policy named (exactly) or identified by `nameOrId`. An unknown or
   * ambiguous name is the operator's configuration problem: CONFIG_INVALID.
   */
  async resolveEnrichmentPolicyId(nameOrId: string): Promise<string> {
    const wanted = nameOrId.trim();
    const policies = await this.listEnrichmentPolicies();
    if (ENRICHMENT_POLICY_ID.test(wanted)) {
      const byId = policies.find((policy) => policy.id.toLowerCase() === wanted.toLowerCase());
      if (byId) return byId.id;
    }
    const byName = policies.filter((policy) => policy.name === wanted);
    if (byName.length === 1 && byName[0]) return byName[0].id;
    if (byName.length > 1) {
      throw new OnboardingError(ErrorCode.CONFIG_INVALID, `${byName.length} enrichment policies are named "${wanted}"; configure the policy id instead`, {
        details: { ids: byName.map((policy) => policy.id) },
      });
    }
    throw new OnboardingError(ErrorCode.CONFIG_INVALID, `Director has no enrichment policy named or identified "${wanted}"`, {
      details: { known: policies.map((policy) => policy.name) },
    });
  }

  /** Releases pooled connections (the private-CA agent). */
  async close(): Promise<void> {
    await this.transport.close();
  }

  // ─── Plumbing ──────────────────────────────────────────────────────────────────────────────

  private async write(method: HttpMethod, path: string, body?: unknown, repeatable = true): Promise<OrderReference> {
    for (const secret of collectSecretValues(body)) this.submittedSecrets.add(secret);
    const json = await this.call(method, path, body, repeatable);
    const reference = parseWriteAcknowledgement(json, this.location, { method, path, status: 200 });
    this.logger?.info('Director accepted a write', { method, path, requestId: reference.requestId });
    return reference;
  }

  private async list<Schema extends z.ZodType>(path: string, itemSchema: Schema): Promise<Array<z.output<Schema>>> {
    const json = await this.call('GET', path);
    // Tolerated variant: the array wrapped in `{"data": [...]}`.
    const items = isRecord(json) && Array.isArray(json.data) ? json.data : json;
    return parseShape(z.array(itemSchema), items, 'list', { method: 'GET', path, status: 200 });
  }

  /** One authorised call: on 401 the token is refreshed once and the call repeated once. */
  private async call(method: HttpMethod, path: string, body?: unknown, repeatable = true): Promise<unknown> {
    const token = await this.tokens.getToken();
    try {
      return (await this.transport.send({ method, path, body, token, secrets: this.knownSecrets(), repeatable })).json;
    } catch (error) {
      if (!(error instanceof DirectorAuthError) || error.status !== 401) throw error;
    }
    const fresh = await this.tokens.refreshAfterRejection(token);
    try {
      // A 401 means Director did not act on the request: repeating even a create is safe.
      return (await this.transport.send({ method, path, body, token: fresh, secrets: this.knownSecrets(), repeatable })).json;
    } catch (error) {
      if (error instanceof DirectorAuthError && error.status === 401) {
        throw new DirectorAuthError('Director rejected the token again after a refresh', {
          method,
          path,
          status: 401,
          directorMessage: error.directorMessage,
        });
      }
      throw error;
    }
  }

  private knownSecrets(): Set<string> {
    return new Set([...this.tokens.knownSecrets(), ...this.submittedSecrets]);
  }

  private orderReference(order: string | OrderReference): OrderReference {
    const text = typeof order === 'string' ? order : order.orderPath || order.requestId;
    const reference = parseOrderReference(text, this.location);
    if (!reference) throw new OnboardingError(ErrorCode.INVALID_INPUT, `"${text}" is neither a Director order path nor a request id`);
    return reference;
  }
}

function parseShape<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string, facts: DirectorErrorFacts): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Paths and zod's generic texts only: issue messages never quote the received value.
  const issues = result.error.issues.slice(0, 5).map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  throw new DirectorBadResponseError(`Director answered with an unexpected ${what} shape`, { ...facts, extra: { issues } });
}
