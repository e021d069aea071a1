import { isJsonObject } from './json.js';
import type { JsonObject, JsonValue } from './types.js';

/**
 * Synchronous checks of a LogSources create/edit body: the mandatory fields of the seed guide and
 * their types. A failure is HTTP 400 `{"status":"Error","message":"<field> must be present in
 * request. "}` (the observed wording, trailing space included); fields are named by their dotted
 * path inside `data`, so the top-level `name` reads exactly like the observed message. Checks that
 * need Director's state (duplicate names, unknown charset, repo, normalizer …) happen later, inside
 * the order (log-source-orders.ts). Unknown fields are ignored.
 */
export type BodyValidation = { ok: true; data: JsonObject } | { ok: false; message: string };

class FieldError extends Error {}

const mustBePresent = (field: string): FieldError => new FieldError(`${field} must be present in request. `);
const mustBe = (field: string, what: string): FieldError => new FieldError(`${field} must be ${what}. `);

function isMissing(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || value === '';
}

function requireObject(parent: JsonObject, key: string, field: string): JsonObject {
  const value = parent[key];
  if (isMissing(value)) throw mustBePresent(field);
  if (!isJsonObject(value)) throw mustBe(field, 'an object');
  return value;
}

function requireString(parent: JsonObject, key: string, field: string): string {
  const value = parent[key];
  if (isMissing(value)) throw mustBePresent(field);
  if (typeof value !== 'string') throw mustBe(field, 'a string');
  return value;
}

function optionalString(parent: JsonObject, key: string, field: string): void {
  const value = parent[key];
  if (value !== undefined && value !== null && typeof value !== 'string') throw mustBe(field, 'a string');
}

function checkSource(config: JsonObject): void {
  const source = requireObject(config, 'Source', 'config.Source');
  requireString(source, 'name', 'config.Source.name');
  const interval = source.interval;
  if (isMissing(interval)) throw mustBePresent('config.Source.interval');
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1) {
    throw mustBe('config.Source.interval', 'a positive integer (minutes)');
  }
  requireString(source, 'charset', 'config.Source.charset');
  requireString(source, 'timezone', 'config.Source.timezone');
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function checkConnector(config: JsonObject): void {
  const connector = requireObject(config, 'Connector', 'config.Connector');
  for (const key of ['access_key', 'secret_key', 'bucket_name', 'region_name', 'filter_date']) {
    requireString(connector, key, `config.Connector.${key}`);
  }
  const filterDate = connector.filter_date as string;
  if (!ISO_INSTANT.test(filterDate) || Number.isNaN(Date.parse(filterDate))) {
    throw mustBe('config.Connector.filter_date', 'an ISO-8601 date');
  }
  optionalString(connector, 'endpoint_url', 'config.Connector.endpoint_url');
  const proxy = connector.enable_proxy;
  if (proxy !== undefined && proxy !== null && typeof proxy !== 'boolean' && !isJsonObject(proxy)) {
    throw mustBe('config.Connector.enable_proxy', 'false or an object');
  }
}

const NEW_REPO_FIELDS = ['repo_name', 'path', 'retention'] as const;

function checkRouting(config: JsonObject): void {
  const routing = config.RoutingPolicy;
  if (routing === undefined || routing === null) return;
  if (!isJsonObject(routing)) throw mustBe('config.RoutingPolicy', 'an object');
  const criteria = routing.routing_criterion;
  if (criteria !== undefined && criteria !== null) {
    if (!Array.isArray(criteria) || !criteria.every(isJsonObject)) {
      throw mustBe('config.RoutingPolicy.routing_criterion', 'a list of objects');
    }
    criteria.forEach((criterion, index) => optionalString(criterion, 'repository', `config.RoutingPolicy.routing_criterion[${index}].repository`));
  }
  optionalString(routing, 'catch_all', 'config.RoutingPolicy.catch_all');
  // repo_name, path and retention describe a repo created with the log source: all or none.
  if (!NEW_REPO_FIELDS.some((key) => !isMissing(routing[key]))) return;
  requireString(routing, 'repo_name', 'config.RoutingPolicy.repo_name');
  requireString(routing, 'path', 'config.RoutingPolicy.path');
  const retention = routing.retention;
  if (isMissing(retention)) throw mustBePresent('config.RoutingPolicy.retention');
  if ((typeof retention !== 'string' && typeof retention !== 'number') || !/^\d+$/.test(String(retention))) {
    throw mustBe('config.RoutingPolicy.retention', 'a number of days');
  }
}

function checkNormalization(config: JsonObject): void {
  const policy = requireObject(config, 'NormalizationPolicy', 'config.NormalizationPolicy');
  const normalizers = policy.normalizers;
  if (normalizers === undefined || normalizers === null) throw mustBePresent('config.NormalizationPolicy.normalizers');
  if (!Array.isArray(normalizers)) throw mustBe('config.NormalizationPolicy.normalizers', 'a list');
  normalizers.forEach((entry, index) => {
    const field = `config.NormalizationPolicy.normalizers[${index}]`;
    if (!isJsonObject(entry)) throw mustBe(field, 'an object');
    requireString(entry, 'name', `${field}.name`);
    requireString(entry, 'type', `${field}.type`);
  });
}

function checkLogSource(data: JsonObject): void {
  requireString(data, 'name', 'name');
  requireString(data, 'type', 'type');
  const config = requireObject(data, 'config', 'config');
  for (const key of ['vendor_name', 'description', 'documentation_link', 'logo', 'template_vid']) {
    optionalString(data, key, key);
  }
  if (data.dc_metadata !== undefined && data.dc_metadata !== null && !isJsonObject(data.dc_metadata)) {
    throw mustBe('dc_metadata', 'an object');
  }
  checkSource(config);
  checkConnector(config);
  checkRouting(config);
  checkNormalization(config);
  optionalString(config, 'EnrichmentPolicy', 'config.EnrichmentPolicy');
}

/** Checks a parsed create/edit body (`{"data": LogSource}`) and returns its `data`. */
export function validateLogSourceBody(body: unknown): BodyValidation {
  try {
    if (!isJsonObject(body)) throw mustBePresent('data');
    const data = requireObject(body, 'data', 'data');
    checkLogSource(data);
    return { ok: true, data };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, message: error.message };
    throw error;
  }
}
