import type { ApiRequest, SimulatorContext } from './context.js';
import { errorReply, parseJsonText } from './http-io.js';
import type { Reply } from './http-io.js';
import { maskSecrets } from './json.js';
import { completeLogSourceOrder } from './log-source-orders.js';
import type { LogSourceOrder } from './log-source-orders.js';
import { orderPath } from './orders.js';
import type { OrderEffect } from './orders.js';
import { toReadShape } from './read-shape.js';
import type { ReadStyle } from './read-shape.js';
import type { DirectorState } from './state.js';
import type { JsonObject } from './types.js';
import { validateLogSourceBody } from './validation.js';

/**
 * `.../LogSources`, `.../LogSources/{id}` and `POST .../LogSources/refreshlist`. Which URL id
 * forms are understood, and whether an edit body's `id` matters, depends on the id style
 * (log-source-ids.ts); either way the URL id decides which source an edit changes.
 */
export function handleLogSources(context: SimulatorContext, request: ApiRequest, idSegments: string[]): Reply {
  if (idSegments.length === 0) {
    if (request.method === 'GET') return { status: 200, body: [...listed(context).values()] };
    if (request.method === 'POST') return acceptWrite(context, request, 'create');
    return methodNotAllowed(request.method, 'GET, POST');
  }
  if (idSegments.length === 1 && idSegments[0] === 'refreshlist') {
    return request.method === 'POST' ? acceptRefresh(context) : methodNotAllowed(request.method, 'POST');
  }
  if (idSegments.length > 2 || (idSegments.length === 2 && idSegments[0] !== 'LogSources')) {
    return errorReply(404, 'Not found.');
  }
  const requestedId = idSegments.join('/');
  switch (request.method) {
    case 'GET': {
      const key = context.ids.keyOf(requestedId);
      const read = key === undefined ? undefined : listed(context).get(key);
      return read === undefined ? errorReply(404, `LogSource ${requestedId} not found.`) : { status: 200, body: read };
    }
    case 'PUT':
      return acceptWrite(context, request, 'edit', requestedId);
    case 'DELETE':
      return acceptWrite(context, request, 'delete', requestedId);
    default:
      return methodNotAllowed(request.method, 'GET, PUT, DELETE');
  }
}

/** Every current log source in read shape, by storage key. */
export function currentList(state: DirectorState, style: ReadStyle): Map<string, JsonObject> {
  return new Map([...state.logSources.values()].map((stored) => [stored.key, toReadShape(stored, style)]));
}

/** What GET shows: the current log sources, or the refreshlist snapshot under `staleListsUntilRefresh`. */
function listed(context: SimulatorContext): Map<string, JsonObject> {
  const snapshot = context.staleListsUntilRefresh ? context.state.listSnapshot : undefined;
  return structuredClone(snapshot ?? currentList(context.state, context));
}

/** Completes an order (OrderBook's `run`): applies its effect to the current state and returns its `response`. */
export function runOrderEffect(context: SimulatorContext, effect: OrderEffect): JsonObject {
  if (effect.kind === 'fail') return effect.response;
  if (effect.kind === 'log-source') {
    return completeLogSourceOrder(context.state, effect.order, { ids: context.ids, includeId: context.orderResponseIncludesId });
  }
  context.state.listSnapshot = currentList(context.state, context);
  return { success: true, message: 'LogSource list refreshed successfully.', errors: [] };
}

function methodNotAllowed(method: string, allowed: string): Reply {
  return errorReply(405, `Method ${method} not allowed.`, { Allow: allowed });
}

function orderAnswer(context: SimulatorContext, requestId: string): Reply {
  return {
    status: 200,
    body: { status: 'Success', message: orderPath(context.orderPathStyle, context.poolUuid, context.logpointId, requestId) },
  };
}

/**
 * RefreshList (API guidelines §3.1) answers with an order like a write. When that order completes,
 * GET shows the log sources as they are then: a client that lists before the refresh order has
 * finished may still read stale data. It changes no log source, so it is not in `operations`.
 */
function acceptRefresh(context: SimulatorContext): Reply {
  const fault = context.faults.takeOrderFault();
  const requestId = context.orders.submit({
    action: 'refreshlist',
    shownData: {},
    neverFinish: fault.neverFinish,
    lost: fault.lost,
    effect: fault.failure === undefined ? { kind: 'refreshlist' } : { kind: 'fail', response: fault.failure },
  });
  return orderAnswer(context, requestId);
}

/** Writes are checked synchronously (400), then answered at once with the path of their order. */
function acceptWrite(context: SimulatorContext, request: ApiRequest, action: 'create' | 'edit' | 'delete', requestedId?: string): Reply {
  const order: LogSourceOrder & { action: typeof action } = { action };
  if (requestedId !== undefined) {
    order.requestedId = requestedId;
    const key = context.ids.keyOf(requestedId);
    if (key !== undefined) order.key = key;
  }
  let shownData: JsonObject = { id: order.key === undefined ? (requestedId ?? '') : context.ids.idOf(order.key) };
  if (action !== 'delete') {
    const parsed = parseJsonText(request.bodyText);
    if (!parsed.ok) return errorReply(400, 'Request body must be valid JSON. ');
    const validation = validateLogSourceBody(parsed.value);
    if (!validation.ok) return errorReply(400, validation.message);
    order.data = validation.data;
    shownData = maskSecrets(validation.data) as JsonObject;
  }
  const fault = context.faults.takeOrderFault();
  const requestId = context.orders.submit({
    action,
    shownData,
    neverFinish: fault.neverFinish,
    lost: fault.lost,
    effect: fault.failure === undefined ? { kind: 'log-source', order } : { kind: 'fail', response: fault.failure },
  });
  context.recordOperation(`${request.method} ${request.path}`);
  return orderAnswer(context, requestId);
}
