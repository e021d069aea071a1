import type { IncomingHttpHeaders, OutgoingHttpHeader } from 'node:http';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { holdingTime } from '../simulated-clock.js';

/**
 * dynalite (a DynamoDB implementation in JavaScript) served to SDK clients in process: a request
 * handler that hands each SDK request to dynalite's own HTTP request listener, no socket involved,
 * so the SDK's serialization and dynalite's validation and condition evaluation both run for real.
 */

/** The request members dynalite's `httpHandler` reads (node_modules/dynalite/index.js). */
class InProcessRequest extends Readable {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: IncomingHttpHeaders,
    body: Buffer,
  ) {
    super();
    if (body.length > 0) this.push(body);
    this.push(null);
  }

  override _read(): void {
    // Everything was pushed in the constructor.
  }
}

/** The response members dynalite's `httpHandler` uses; `end` hands the whole answer on. */
class InProcessResponse {
  statusCode = 200;
  /** dynalite stores the request's content type here to answer with the same one. */
  contentType?: string;
  private readonly headers = new Map<string, string>();
  private readonly chunks: Buffer[] = [];

  constructor(private readonly onEnd: (answer: DynaliteAnswer) => void) {}

  setHeader(name: string, value: OutgoingHttpHeader): this {
    this.headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headers.get(name.toLowerCase());
  }

  writeHead(statusCode: number, headers: Record<string, OutgoingHttpHeader> = {}): this {
    this.statusCode = statusCode;
    for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    return this;
  }

  write(chunk: string | Buffer): boolean {
    this.chunks.push(Buffer.from(chunk));
    return true;
  }

  end(chunk?: string | Buffer): this {
    if (chunk !== undefined) this.write(chunk);
    this.onEnd({ statusCode: this.statusCode, headers: Object.fromEntries(this.headers), body: Buffer.concat(this.chunks) });
    return this;
  }
}

interface DynaliteAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What the SDK hands a request handler (an `HttpRequest` of @smithy/core), as far as dynalite needs it. */
interface SdkHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

type RequestListener = (request: InProcessRequest, response: InProcessResponse) => void;

/** The parts of dynalite's store used here (node_modules/dynalite/db/index.js). */
interface DynaliteStore {
  db: { close(callback: (error?: Error | null) => void): void };
}

interface DynaliteModule {
  (options: Record<string, unknown>): { listeners(event: 'request'): RequestListener[] };
}

const require = createRequire(import.meta.url);

/** One dynalite store, in memory, reachable only through `requestHandler()`. */
export class InProcessDynalite {
  private closed = false;

  private constructor(
    private readonly listener: RequestListener,
    private readonly store: DynaliteStore,
  ) {}

  static create(): InProcessDynalite {
    addConditionCheckFailureReturnValues();
    // dynalite() builds its store with db.create and binds it into the server's request listener;
    // its server.close() closes the store only after closing a listening server, and this one never
    // listens. So the store is caught as db.create returns it, to close it directly in close().
    const db = require('dynalite/db') as { create: (options: object) => DynaliteStore };
    const dynalite = require('dynalite') as DynaliteModule;
    const create = db.create;
    let store: DynaliteStore | undefined;
    db.create = (options) => (store = create(options));
    try {
      const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
      const [listener] = server.listeners('request');
      if (listener === undefined || store === undefined) throw new Error('dynalite: no request listener or store; has its index.js changed?');
      return new InProcessDynalite(listener, store);
    } finally {
      db.create = create;
    }
  }

  /** A Smithy `HttpHandler` for an SDK client's `requestHandler` option. */
  requestHandler(): NonNullable<DynamoDBClientConfig['requestHandler']> {
    return {
      handle: async (request: SdkHttpRequest) => ({ response: await this.send(request) }),
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve, reject) => this.store.db.close((error) => (error ? reject(error) : resolve())));
  }

  private async send(request: SdkHttpRequest): Promise<{ statusCode: number; headers: Record<string, string>; body: Readable }> {
    // dynalite throws (uncaught, from a callback) when its store is closed: refuse here instead.
    if (this.closed) throw new Error('The DynamoDB sandbox has been stopped.');
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
    const body = await bodyBytes(request.body);
    // dynalite answers through a chain of setImmediate callbacks: a simulated clock must wait for it.
    const answer = await holdingTime(
      () =>
        new Promise<DynaliteAnswer>((resolve) => {
          this.listener(new InProcessRequest(request.method, request.path + queryString(request.query), headers, body), new InProcessResponse(resolve));
        }),
    );
    return { statusCode: answer.statusCode, headers: answer.headers, body: Readable.from([answer.body]) };
  }
}

function queryString(query: SdkHttpRequest['query']): string {
  const pairs = Object.entries(query ?? {}).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((one) => (one === null ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(one)}`)),
  );
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  // A view, not Buffer.from(body): the SDK's JSON body is a Uint8Array subclass whose valueOf() is a string.
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new TypeError(`dynalite transport: unsupported request body ${Object.prototype.toString.call(body)}`);
}

type WriteAction = 'putItem' | 'deleteItem' | 'updateItem';
interface DynaliteWriteRequest {
  ReturnValuesOnConditionCheckFailure?: string;
}
interface DynaliteError {
  body?: Record<string, unknown>;
}
let conditionCheckFailureReturnValues = false;

/**
 * dynalite 4.0.0 predates ReturnValuesOnConditionCheckFailure (2023; architect/dynalite#182): it
 * drops the field, so a refused write would come back without the stored item, unlike DynamoDB.
 * This adds it to PutItem, DeleteItem and UpdateItem: validated as DynamoDB does (ALL_OLD or
 * NONE), and on ALL_OLD the refusal carries the item the condition was evaluated against, taken
 * inside dynalite's own per-item lock (its write actions call `db.checkConditional` there), so the
 * item is the one that made the condition fail, as on DynamoDB. Condition evaluation stays dynalite's.
 */
function addConditionCheckFailureReturnValues(): void {
  if (conditionCheckFailureReturnValues) return;
  conditionCheckFailureReturnValues = true;
  for (const action of ['putItem', 'deleteItem', 'updateItem'] satisfies WriteAction[]) {
    const validation = require(`dynalite/validations/${action}`) as { types: Record<string, unknown> };
    validation.types.ReturnValuesOnConditionCheckFailure = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
  }
  const db = require('dynalite/db') as { checkConditional: (data: DynaliteWriteRequest, existing: unknown) => DynaliteError | null | undefined };
  const checkConditional = db.checkConditional;
  db.checkConditional = (data, existing) => {
    const refusal = checkConditional(data, existing);
    if (refusal?.body && existing && data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') refusal.body.Item = existing;
    return refusal;
  };
}
