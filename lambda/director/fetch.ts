import { rootCertificates } from 'node:tls';

/**
 * The fetch the Director transport sends with (global fetch, a replacement, or undici's with a
 * private CA trusted) and what a failed fetch says about why it failed.
 */

export interface FetchRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The subset of WHATWG fetch the transport uses; global `fetch` and undici's `fetch` both fit. */
export type FetchLike = (url: string, init: FetchRequestInit) => Promise<FetchResponseLike>;

/** A fetch and how to release the connections it pools. */
export interface DirectorFetch {
  fetch: FetchLike;
  close: () => Promise<void>;
}

/** A replacement fetch (tests) wins over `caBundle`; without either, the global fetch and the public roots. */
export function createDirectorFetch(options: { fetch?: FetchLike | undefined; caBundle?: string | undefined }): Promise<DirectorFetch> {
  if (options.fetch) return Promise.resolve({ fetch: options.fetch, close: () => Promise.resolve() });
  if (options.caBundle) return createPrivateCaFetch(options.caBundle);
  return Promise.resolve({ fetch: globalThis.fetch, close: () => Promise.resolve() });
}

async function createPrivateCaFetch(caBundle: string): Promise<DirectorFetch> {
  // Loaded only when a CA bundle is configured; undici's Agent is what lets fetch trust extra CAs.
  const undici = await import('undici');
  const agent = new undici.Agent({ connect: { ca: [...rootCertificates, caBundle] } });
  return {
    fetch: (url, init) => undici.fetch(url, { ...init, dispatcher: agent }),
    close: () => agent.close(),
  };
}

/** The first `code` along an error's cause chain (fetch wraps socket errors in `TypeError: fetch failed`). */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    current = cause;
  }
  return undefined;
}

/**
 * Certificate failures are a trust problem, not congestion: retrying cannot fix them, and the
 * operator needs to see the reason (usually a missing `caBundle` for a private-CA Director).
 */
const TLS_ERROR_CODE = /^(ERR_TLS_|CERT_|UNABLE_TO_(VERIFY|GET)_|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_CERT|HOSTNAME_MISMATCH)/;

export function isTlsErrorCode(code: string): boolean {
  return TLS_ERROR_CODE.test(code);
}
