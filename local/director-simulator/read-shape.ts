import { cloneJson, isJsonObject, maskSecrets, objectOrEmpty } from './json.js';
import type { LogSourceIds } from './log-source-ids.js';
import type { StoredLogSource } from './state.js';
import type { AccessKeyReadBack, JsonObject, JsonValue } from './types.js';

/** The profile points that change how a read-back looks. */
export interface ReadStyle {
  readonly ids: LogSourceIds;
  readonly accessKeyReadBack: AccessKeyReadBack;
}

const ACCESS_KEY_MASK = '********';

function applyAccessKeyReadBack(connector: JsonValue | undefined, readBack: AccessKeyReadBack): void {
  if (!isJsonObject(connector) || !('access_key' in connector) || readBack === 'plain') return;
  if (readBack === 'absent') delete connector.access_key;
  else connector.access_key = ACCESS_KEY_MASK;
}

/**
 * "Each endpoint gains fetch_status and last_fetch_attempt": an S3Fetcher's one endpoint is its
 * Connector (it holds `endpoint_url`), so the fields go there, once the fetcher has tried.
 */
function applyFetchReadBack(connector: JsonValue | undefined, readBack: StoredLogSource['fetchReadBack']): void {
  if (!isJsonObject(connector) || readBack === undefined) return;
  connector.fetch_status = readBack.fetchStatus;
  connector.last_fetch_attempt = readBack.lastFetchAttempt;
}

function stringOr(value: JsonValue | undefined, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/**
 * A stored log source as `GET .../LogSources` shows it (director-api.md "Read shape differs from
 * write shape"): `log_source_type` instead of `type`, the policies as id strings, the connector
 * secret masked, and Director's own `id` and `last_log_received`. `template_vid` and unknown
 * top-level fields of the write body are not read back; `dc_metadata` is kept as sent. The id and
 * `Connector.access_key` follow the profile (`style`).
 */
export function toReadShape(stored: StoredLogSource, style: ReadStyle): JsonObject {
  const { data } = stored;
  const config: JsonObject = {};
  for (const [key, value] of Object.entries(objectOrEmpty(data.config))) {
    if (key === 'RoutingPolicy' || key === 'NormalizationPolicy' || key === 'EnrichmentPolicy') continue;
    config[key] = isJsonObject(value) ? maskSecrets(value) : cloneJson(value);
  }
  applyAccessKeyReadBack(config.Connector, style.accessKeyReadBack);
  applyFetchReadBack(config.Connector, stored.fetchReadBack);
  if (stored.routingPolicyId !== undefined) config.RoutingPolicy = stored.routingPolicyId;
  if (stored.normalizationPolicyId !== undefined) config.NormalizationPolicy = stored.normalizationPolicyId;
  if (stored.enrichmentPolicyId !== undefined) config.EnrichmentPolicy = stored.enrichmentPolicyId;
  return {
    id: style.ids.idOf(stored.key),
    name: stringOr(data.name, ''),
    log_source_type: stringOr(data.type, ''),
    vendor_name: stringOr(data.vendor_name, ''),
    logo: stringOr(data.logo, ''),
    description: stringOr(data.description, ''),
    documentation_link: stringOr(data.documentation_link, ''),
    config,
    dc_metadata: isJsonObject(data.dc_metadata) ? cloneJson(data.dc_metadata) : {},
    last_log_received: stored.lastLogReceived,
  };
}
