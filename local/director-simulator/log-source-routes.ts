import type { ApiRequest, SimulatorContext } from './context.js';
import { errorReply, parseJsonText } from './http-io.js';
import type { Reply } from './http-io.js';
import { maskSecrets } from './json.js';
import { completeLogSourceOrder } from './log-source-orders.js';
import type { LogSourceOrder } from './log-source-orders.js';
import { orderPath } from './orders.js';
import { toReadShape } from './read-shape.js';
import { logSourceId, logSourceUuid } from './state.js';
import type { JsonObject } from './types.js';
import { validateLogSourceBody } from './validation.js';

/**
 * `.../LogSources` and `.../LogSources/{id}`. The id in the URL may be `<uuid>` or
 * `LogSources/<uuid>`, URL-encoded or not. On edit the URL id is authoritative: the body's `id`
 * is ignored (the seed guide's edit example carries an id that is not the edited source's), so a
 * body id that differs neither fails nor retargets the edit.
 */
export function handleLogSources(context: SimulatorContext, request: ApiRequest, idSegments: string[]): Reply {
  if (idSegments.length === 0) {
    if (request.method === 'GET') return { status: 200, body: [...context.state.logSources.values()].map(toReadShape) };
    if (request.method === 'POST') return acceptWrite(context, request, 'create');
    return methodNotAllowed(request.method, 'GET, POST');
  }
  if (idSegments.length > 2 || (idSegments.length === 2 && idSegments[0] !== 'LogSources')) {
    return errorReply(404, 'Not found.');
  }
  const requestedId = idSegments.join('/');
  switch (request.method) {
    case 'GET': {
      const uuid = logSourceUuid(requestedId);
      const stored = uuid === undefined ? undefined : context.state.logSources.get(uuid);
      return stored === undefined ? errorReply(404, `LogSource ${requestedId} not found.`) : { status: 200, body: toReadShape(stored) };
    }
    case 'PUT':
      return acceptWrite(context, request, 'edit', requestedId);
    case 'DELETE':
      return acceptWrite(context, request, 'delete', requestedId);
    default:
      return methodNotAllowed(request.method, 'GET, PUT, DELETE');
  }
}

function methodNotAllowed(method: string, allowed: string): Reply {
  return errorReply(405, `Method ${method} not allowed.`, { Allow: allowed });
}

/** Writes are checked synchronously (400), then answered at once with the path of their order. */
function acceptWrite(context: SimulatorContext, request: ApiRequest, action: LogSourceOrder['action'], requestedId?: string): Reply {
  const order: LogSourceOrder = { action };
  if (requestedId !== undefined) {
    order.requestedId = requestedId;
    const uuid = logSourceUuid(requestedId);
    if (uuid !== undefined) order.uuid = uuid;
  }
  let shownData: JsonObject = { id: order.uuid === undefined ? (requestedId ?? '') : logSourceId(order.uuid) };
  if (action !== 'delete') {
    const parsed = parseJsonText(request.bodyText);
    if (!parsed.ok) return errorReply(400, 'Request body must be valid JSON. ');
    const validation = validateLogSourceBody(parsed.value);
    if (!validation.ok) return errorReply(400, validation.message);
    order.data = validation.data;
    shownData = maskSecrets(validation.data) as JsonObject;
  }
  const fault = context.faults.takeOrderFault();
  const { state } = context;
  const requestId = context.orders.submit({
    action,
    shownData,
    neverFinish: fault.neverFinish,
    lost: fault.lost,
    complete: () => fault.failure ?? completeLogSourceOrder(state, order, context.orderResponseIncludesId),
  });
  context.recordOperation(`${request.method} ${request.path}`);
  return {
    status: 200,
    body: { status: 'Success', message: orderPath(context.orderPathStyle, context.poolUuid, context.logpointId, requestId) },
  };
}
