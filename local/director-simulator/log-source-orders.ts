import { cloneJson, isJsonObject, objectOrEmpty } from './json.js';
import { objectId, repoNamed } from './seed-data.js';
import type { LogSourceIds } from './log-source-ids.js';
import type { DirectorState, StoredLogSource } from './state.js';
import type { JsonObject, JsonValue } from './types.js';

/**
 * What happens when a LogSources order completes: the checks that need Director's state (they fail
 * the order, never the HTTP call) and, when they pass, the change itself. A failed order changes
 * nothing.
 */
export type OrderAction = 'create' | 'edit' | 'delete' | 'refreshlist';

export const INVALID_FORM_MESSAGE = 'Some of the form fields are invalid, please check.';

export interface LogSourceOrder {
  action: OrderAction;
  /** Storage key of the URL id (edit/delete); undefined when the id style does not know the URL id's form. */
  key?: string;
  /** The URL id as requested, for the not-found message. */
  requestedId?: string;
  /** Validated write body `data` (create/edit). */
  data?: JsonObject;
}

function stringAt(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function resolveEnrichmentPolicyId(state: DirectorState, idOrName: string): string | undefined {
  return state.enrichmentPolicies.find((policy) => policy.id === idOrName || policy.name === idOrName)?.id;
}

function notOneOfChoices(value: string): string {
  return `Select a valid choice. ${value} is not one of the available choices.`;
}

function findValidationErrors(state: DirectorState, data: JsonObject, editingKey?: string): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string): void => {
    (errors[field] ??= []).push(message);
  };
  const config = objectOrEmpty(data.config);
  const source = objectOrEmpty(config.Source);
  const routing = objectOrEmpty(config.RoutingPolicy);

  const name = stringAt(data, 'name');
  const duplicate = [...state.logSources.values()].some((other) => other.key !== editingKey && other.data.name === name);
  if (duplicate) add('name', 'The value already exists.');

  const charset = stringAt(source, 'charset') ?? '';
  if (!state.charsets.includes(charset)) add('charset', notOneOfChoices(charset));
  const timezone = stringAt(source, 'timezone') ?? '';
  if (!isKnownTimezone(timezone)) add('timezone', notOneOfChoices(timezone));

  const normalizers = Array.isArray(objectOrEmpty(config.NormalizationPolicy).normalizers)
    ? (objectOrEmpty(config.NormalizationPolicy).normalizers as JsonValue[])
    : [];
  for (const entry of normalizers.filter(isJsonObject)) {
    const normalizerName = stringAt(entry, 'name') ?? '';
    if (entry.type === 'compiled' && !state.compiledNormalizers.some((known) => known.name === normalizerName)) {
      add('normalizers', `Compiled normalizer ${normalizerName} does not exist.`);
    }
  }

  const newRepo = stringAt(routing, 'repo_name');
  const repoExists = (repo: string): boolean => repo === newRepo || state.repos.some((known) => known.name === repo);
  const catchAll = stringAt(routing, 'catch_all');
  if (catchAll !== undefined && !repoExists(catchAll)) add('catch_all', `Repo ${catchAll} does not exist.`);
  const criteria = Array.isArray(routing.routing_criterion) ? routing.routing_criterion.filter(isJsonObject) : [];
  for (const criterion of criteria) {
    const repository = stringAt(criterion, 'repository');
    if (repository !== undefined && !repoExists(repository)) add('repository', `Repo ${repository} does not exist.`);
  }

  const enrichment = stringAt(config, 'EnrichmentPolicy');
  if (enrichment !== undefined && resolveEnrichmentPolicyId(state, enrichment) === undefined) {
    add('EnrichmentPolicy', notOneOfChoices(enrichment));
  }
  return errors;
}

function ensureNewRepo(state: DirectorState, routing: JsonObject): void {
  const repoName = stringAt(routing, 'repo_name');
  if (repoName === undefined || state.repos.some((repo) => repo.name === repoName)) return;
  state.repos.push(repoNamed(repoName, stringAt(routing, 'path'), Number(routing.retention)));
}

function upsertRoutingPolicy(state: DirectorState, stored: StoredLogSource, name: string, routing: JsonValue | undefined): void {
  state.routingPolicies = state.routingPolicies.filter((policy) => policy.id !== stored.routingPolicyId);
  if (!isJsonObject(routing)) {
    delete stored.routingPolicyId;
    return;
  }
  ensureNewRepo(state, routing);
  stored.routingPolicyId ??= objectId();
  state.routingPolicies.push({
    id: stored.routingPolicyId,
    policy_name: `${name}_routing`,
    catch_all: stringAt(routing, 'catch_all') ?? stringAt(routing, 'repo_name') ?? '_logpoint',
    routing_criteria: Array.isArray(routing.routing_criterion) ? cloneJson(routing.routing_criterion) : [],
  });
}

function upsertNormalizationPolicy(state: DirectorState, stored: StoredLogSource, name: string, policy: JsonValue | undefined): void {
  state.normalizationPolicies = state.normalizationPolicies.filter((entry) => entry.id !== stored.normalizationPolicyId);
  if (!isJsonObject(policy)) {
    delete stored.normalizationPolicyId;
    return;
  }
  stored.normalizationPolicyId ??= objectId();
  const normalizers = Array.isArray(policy.normalizers) ? cloneJson(policy.normalizers) : [];
  state.normalizationPolicies.push({ id: stored.normalizationPolicyId, name: `${name}_normalization`, normalizers });
}

/** Stores `data` (write shape) under `stored` and creates/updates the policies it implies. */
function storeLogSource(state: DirectorState, stored: StoredLogSource, data: JsonObject): void {
  const { id: _ignoredBodyId, ...withoutId } = cloneJson(data);
  const config = objectOrEmpty(withoutId.config);
  const name = stringAt(withoutId, 'name') ?? stored.key;
  stored.data = withoutId;
  upsertRoutingPolicy(state, stored, name, config.RoutingPolicy);
  upsertNormalizationPolicy(state, stored, name, config.NormalizationPolicy);
  const enrichment = stringAt(config, 'EnrichmentPolicy');
  stored.enrichmentPolicyId = enrichment === undefined ? undefined : resolveEnrichmentPolicyId(state, enrichment);
  state.logSources.set(stored.key, stored);
}

function removeLogSource(state: DirectorState, stored: StoredLogSource): void {
  state.routingPolicies = state.routingPolicies.filter((policy) => policy.id !== stored.routingPolicyId);
  state.normalizationPolicies = state.normalizationPolicies.filter((entry) => entry.id !== stored.normalizationPolicyId);
  state.logSources.delete(stored.key);
}

/** Log sources present from the start (DirectorSeed.logSources); not validated. */
export function seedLogSources(state: DirectorState, entries: readonly JsonObject[], ids: LogSourceIds): void {
  for (const entry of entries) {
    const key = (typeof entry.id === 'string' ? ids.keyOf(entry.id) : undefined) ?? ids.newKey();
    storeLogSource(state, { key, data: {}, lastLogReceived: null }, entry);
  }
}

const SUCCESS_MESSAGES: Record<Exclude<OrderAction, 'refreshlist'>, string> = {
  create: 'LogSource created successfully.',
  edit: 'LogSource updated successfully.',
  delete: 'LogSource deleted successfully.',
};

export interface CompletionStyle {
  ids: LogSourceIds;
  /** Put the created/edited id into the succeeded response (`orderResponseIncludesId`). */
  includeId: boolean;
}

/** Runs a create/edit/delete order to completion and returns the order's `response` object. */
export function completeLogSourceOrder(
  state: DirectorState,
  order: LogSourceOrder & { action: Exclude<OrderAction, 'refreshlist'> },
  style: CompletionStyle,
): JsonObject {
  const existing = order.key === undefined ? undefined : state.logSources.get(order.key);
  if (order.action !== 'create' && existing === undefined) {
    return {
      success: false,
      message: 'LogSource does not exist.',
      errors: [`LogSource ${order.requestedId ?? ''} was not found.`],
    };
  }
  if (order.action !== 'delete') {
    const data = order.data ?? {};
    const validationErrors = findValidationErrors(state, data, existing?.key);
    const bodyIdProblem = order.action === 'edit' ? style.ids.bodyIdProblem(data.id) : undefined;
    if (bodyIdProblem !== undefined) validationErrors.id = [bodyIdProblem];
    if (Object.keys(validationErrors).length > 0) {
      return { success: false, message: INVALID_FORM_MESSAGE, validationErrors };
    }
  }
  const target = existing ?? { key: style.ids.newKey(), data: {}, lastLogReceived: null };
  if (order.action === 'delete') removeLogSource(state, target);
  else storeLogSource(state, target, order.data ?? {});
  return {
    success: true,
    message: SUCCESS_MESSAGES[order.action],
    errors: [],
    ...(style.includeId ? { id: style.ids.idOf(target.key) } : {}),
  };
}
