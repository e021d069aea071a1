import type { ApiRoute } from './api-path.js';
import type { ApiRequest, SimulatorContext } from './context.js';
import { errorReply, parseJsonText } from './http-io.js';
import type { Reply } from './http-io.js';
import { isJsonObject } from './json.js';
import { handleLogSources } from './log-source-routes.js';
import type { DirectorState } from './state.js';
import type { JsonValue } from './types.js';

/** Read-only lists, keyed by the resource path below pool and logpoint. All bare arrays. */
const LOOKUPS: Record<string, (state: DirectorState) => JsonValue> = {
  Charsets: (state) => [{ charsets: [...state.charsets] }],
  'NormalizationPackage/CompiledNormalizers': (state) => structuredClone(state.compiledNormalizers),
  Repos: (state) => structuredClone(state.repos),
  EnrichmentPolicy: (state) => structuredClone(state.enrichmentPolicies),
  RoutingPolicies: (state) => structuredClone(state.routingPolicies),
  Devices: (state) => structuredClone(state.devices),
};

/** Answers one request after transport faults: token refresh, authentication, then the resource. */
export function routeRequest(context: SimulatorContext, request: ApiRequest, route: ApiRoute): Reply {
  if (route.area === 'refresh') return handleRefresh(context, request);
  const denied = authenticate(context, request.authorization);
  if (denied !== undefined) return denied;
  if (route.area === 'unknown') return errorReply(404, 'Not found.');
  if (route.pool.toLowerCase() !== context.poolUuid.toLowerCase()) return errorReply(404, `Pool ${route.pool} not found.`);
  if (route.logpoint.toLowerCase() !== context.logpointId.toLowerCase()) {
    return errorReply(404, `Logpoint ${route.logpoint} not found in pool ${route.pool}.`);
  }
  if (route.area === 'monitorapi') return handleOrder(context, request, route.resource);
  const [resource, ...rest] = route.resource;
  if (resource === 'LogSources') return handleLogSources(context, request, rest);
  const lookup = LOOKUPS[route.resource.join('/')];
  if (lookup === undefined) return errorReply(404, 'Not found.');
  if (request.method !== 'GET') return errorReply(405, `Method ${request.method} not allowed.`, { Allow: 'GET' });
  return { status: 200, body: lookup(context.state) };
}

function handleRefresh(context: SimulatorContext, request: ApiRequest): Reply {
  if (request.method !== 'POST') return errorReply(405, `Method ${request.method} not allowed.`, { Allow: 'POST' });
  const parsed = parseJsonText(request.bodyText);
  if (!parsed.ok) return errorReply(400, 'Request body must be valid JSON. ');
  const secretKey = isJsonObject(parsed.value) ? parsed.value.secretKey : undefined;
  if (typeof secretKey !== 'string' || secretKey === '') return errorReply(400, 'secretKey must be present in request. ');
  const refreshed = context.tokens.refresh(secretKey);
  if (refreshed === undefined) return errorReply(401, 'Invalid secret key.');
  return { status: 200, body: { status: 'Success', tokenDetails: refreshed } };
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Undefined when the call may proceed, else the 401/403 answer. Never echoes the token. */
function authenticate(context: SimulatorContext, authorization: string | undefined): Reply | undefined {
  if (authorization === undefined || authorization.trim() === '') {
    return errorReply(401, 'Authentication credentials were not provided.');
  }
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) return errorReply(401, 'Authorization header must be "Bearer <token>".');
  const check = context.tokens.verify(token);
  if (!check.valid) return errorReply(401, check.reason);
  if (!check.hasRights || context.faults.takeForbidden()) {
    return errorReply(403, 'You do not have permission to perform this action.');
  }
  return undefined;
}

function handleOrder(context: SimulatorContext, request: ApiRequest, resource: string[]): Reply {
  const [collection, requestId, ...extra] = resource;
  if (collection !== 'orders' || requestId === undefined || extra.length > 0) return errorReply(404, 'Not found.');
  if (request.method !== 'GET') return errorReply(405, `Method ${request.method} not allowed.`, { Allow: 'GET' });
  const view = context.orders.view(requestId, context.poolUuid, context.logpointId);
  return view === undefined ? errorReply(404, `Order ${requestId} not found.`) : { status: 200, body: view };
}
