import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseApiPath } from './api-path.js';
import type { SimulatorContext } from './context.js';
import { addExtraFields } from './extra-fields.js';
import type { AfterApplyFault } from './faults.js';
import { BodyTooLargeError, errorReply, readBodyText, writeReply } from './http-io.js';
import type { Reply } from './http-io.js';
import { routeRequest } from './routes.js';
import type { RecordedRequest } from './types.js';

export interface PipelineDependencies {
  /** Read on every request: reset() swaps state and orders inside it. */
  context: SimulatorContext;
  requests: RecordedRequest[];
  log: (line: string) => void;
}

interface ServeScope extends PipelineDependencies {
  /** Aborted when the server stops, so injected latency does not outlive it. */
  closing: AbortSignal;
}

/**
 * The life of one request: record it, add latency, let the transport faults (rate limit, dropped
 * connection, 429, injected status) act, read the body, settle due orders, route, then let the
 * after-apply faults (drop, injected status, delay) act on the answer.
 */
async function serve(deps: ServeScope, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { context, log } = deps;
  const method = (request.method ?? 'GET').toUpperCase();
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const { route, resourcePath } = parseApiPath(path);
  const record: RecordedRequest = { method, path, status: 0 };
  deps.requests.push(record);

  const target = { method, path, resourcePath };
  const latency = context.faults.latencyFor(target);
  if (latency > 0) {
    const slept = await sleep(latency, true, { signal: deps.closing }).catch(() => false);
    if (!slept) return;
  }
  const fault = context.faults.takeTransportFault(target);
  if (fault?.kind === 'drop') {
    request.socket.destroy();
    log(`${method} ${path} -> connection dropped (fault)`);
    return;
  }
  if (fault !== undefined) {
    log(`${method} ${path} -> injected ${fault.reply.status}`);
    send(deps, response, record, fault.reply);
    return;
  }
  const reply = await answer(context, request, method, path, route);
  await deliver(deps, request, response, record, reply, context.faults.takeAfterApplyFault(target));
}

function send(deps: ServeScope, response: ServerResponse, record: RecordedRequest, reply: Reply): void {
  record.status = reply.status;
  writeReply(response, reply);
  deps.log(`${record.method} ${record.path} -> ${reply.status}`);
}

/**
 * Writes the answer of a served request, unless an after-apply fault loses, replaces or delays it:
 * the write (if any) is already done, so the client learns less than happened.
 */
async function deliver(
  deps: ServeScope,
  request: IncomingMessage,
  response: ServerResponse,
  record: RecordedRequest,
  reply: Reply,
  fault: AfterApplyFault | undefined,
): Promise<void> {
  const { method, path } = record;
  if (fault?.kind === 'drop') {
    request.socket.destroy();
    deps.log(`${method} ${path} -> served ${reply.status}, then connection dropped (fault)`);
    return;
  }
  if (fault?.kind === 'reply') {
    deps.log(`${method} ${path} -> served ${reply.status}, then injected ${fault.reply.status}`);
    send(deps, response, record, fault.reply);
    return;
  }
  if (fault?.kind === 'delay') {
    // A client that gives up closes the response; stop waiting then, as on server stop.
    const clientGone = new AbortController();
    response.once('close', () => clientGone.abort());
    const signal = AbortSignal.any([deps.closing, clientGone.signal]);
    const slept = await sleep(fault.ms, true, { signal }).catch(() => false);
    if (!slept || response.destroyed) {
      deps.log(`${method} ${path} -> served ${reply.status}, no answer: client gone or server stopping during the delay (fault)`);
      return;
    }
  }
  send(deps, response, record, reply);
}

async function answer(
  context: SimulatorContext,
  request: IncomingMessage,
  method: string,
  path: string,
  route: ReturnType<typeof parseApiPath>['route'],
): Promise<Reply> {
  let bodyText: string;
  try {
    bodyText = await readBodyText(request);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return errorReply(413, 'Request body too large.');
    throw error;
  }
  context.orders.settle();
  const reply = routeRequest(context, { method, path, authorization: request.headers.authorization, bodyText }, route);
  return context.extraFields ? addExtraFields(reply) : reply;
}

export interface RunningServer {
  port: number;
  protocol: 'http' | 'https';
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 only: the simulator must never be reachable from elsewhere. */
export async function startServer(
  deps: PipelineDependencies,
  port: number,
  tls: { key: string | Buffer; cert: string | Buffer } | undefined,
): Promise<RunningServer> {
  const closing = new AbortController();
  const scope: ServeScope = { ...deps, closing: closing.signal };
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    serve(scope, request, response).catch((error: unknown) => {
      deps.log(`internal error: ${error instanceof Error ? error.name : 'unknown'}`);
      if (!response.headersSent) writeReply(response, errorReply(500, 'Internal simulator error.'));
      else response.destroy();
    });
  };
  const server: Server = tls === undefined ? createHttpServer(listener) : createHttpsServer({ key: tls.key, cert: tls.cert }, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    protocol: tls === undefined ? 'http' : 'https',
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
