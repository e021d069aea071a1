import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonValue } from './types.js';

/** What a route answers; the server writes it. */
export interface Reply {
  status: number;
  body: JsonValue;
  headers?: Record<string, string>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export function errorReply(status: number, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { status: 'Error', message }, ...(headers === undefined ? {} : { headers }) };
}

export class BodyTooLargeError extends Error {}

export async function readBodyText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false };

export function parseJsonText(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function writeReply(response: ServerResponse, reply: Reply): void {
  const payload = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  response.end(payload);
}
