import { OnboardingError } from '../shared/errors.js';
import type { DirectorCredentials, DirectorCredentialsStore } from './credentials.js';
import { DirectorAuthError, DirectorBadResponseError, DirectorError } from './errors.js';
import type { DirectorLogger, DirectorTransport } from './http.js';
import { ErrorCode } from '../contract/error-codes.js';
import { isRecord } from '../shared/records.js';

/**
 * Supplies a usable Director bearer token. Refreshes through `POST /refreshToken {"secretKey"}`
 * when the token is missing, expired by its JWT `exp` (minus a skew margin), or rejected by
 * Director; a token whose `exp` cannot be read is used until Director rejects it. Concurrent
 * callers share one in-flight refresh. Each new token, and a rotated secretKey, is saved back
 * through the credentials store; the token itself never leaves this module except in the
 * Authorization header.
 */

const REFRESH_TOKEN_PATH = '/refreshToken';
const DEFAULT_EXPIRY_SKEW_MS = 60_000;

export interface DirectorTokenProviderOptions {
  store: DirectorCredentialsStore;
  transport: DirectorTransport;
  /** Treat a token as expired this long before its `exp`; default 60 s. */
  expirySkewMs?: number;
  now?: () => number;
  logger?: DirectorLogger;
  /** Further values to keep out of refresh errors (e.g. secrets of bodies the client sent). */
  otherSecrets?: () => Iterable<string>;
}

export class DirectorTokenProvider {
  private readonly store: DirectorCredentialsStore;
  private readonly transport: DirectorTransport;
  private readonly expirySkewMs: number;
  private readonly now: () => number;
  private readonly logger: DirectorLogger | undefined;
  private readonly otherSecrets: () => Iterable<string>;
  private credentials: DirectorCredentials | undefined;
  private loading: Promise<DirectorCredentials> | undefined;
  private refreshing: Promise<string> | undefined;
  /** Every token and secretKey seen, including superseded ones, for redaction. */
  private readonly seenSecrets = new Set<string>();

  constructor(options: DirectorTokenProviderOptions) {
    this.store = options.store;
    this.transport = options.transport;
    this.expirySkewMs = options.expirySkewMs ?? DEFAULT_EXPIRY_SKEW_MS;
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.otherSecrets = options.otherSecrets ?? (() => []);
  }

  /** A token believed valid: the stored one unless missing or expired, else a refreshed one. */
  async getToken(): Promise<string> {
    const credentials = await this.loadOnce();
    if (credentials.token !== undefined && !this.isExpired(credentials.token)) return credentials.token;
    this.logger?.info('Refreshing the Director token', { reason: credentials.token === undefined ? 'missing' : 'expired' });
    return this.refresh();
  }

  /**
   * Director answered 401 to `rejected`. Returns a different token: the one another caller
   * already obtained, the one an in-flight refresh yields, or a new refresh's.
   */
  async refreshAfterRejection(rejected: string): Promise<string> {
    const credentials = await this.loadOnce();
    if (credentials.token !== undefined && credentials.token !== rejected) return credentials.token;
    this.logger?.info('Refreshing the Director token', { reason: 'rejected' });
    return this.refresh();
  }

  /** Tokens and secretKeys this provider has handled, so callers can redact them. */
  knownSecrets(): ReadonlySet<string> {
    return this.seenSecrets;
  }

  private isExpired(token: string): boolean {
    const expiresAt = decodeJwtExpiry(token);
    return expiresAt !== undefined && this.now() >= expiresAt - this.expirySkewMs;
  }

  private async loadOnce(): Promise<DirectorCredentials> {
    if (this.credentials) return this.credentials;
    this.loading ??= this.store
      .load()
      .then((loaded) => {
        const credentials = validateCredentials(loaded);
        this.remember(credentials);
        this.credentials = credentials;
        return credentials;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private refresh(): Promise<string> {
    this.refreshing ??= this.performRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async performRefresh(): Promise<string> {
    const { secretKey } = await this.loadOnce();
    let json: unknown;
    try {
      ({ json } = await this.transport.send({
        method: 'POST',
        path: REFRESH_TOKEN_PATH,
        body: { secretKey },
        secrets: [...this.seenSecrets, ...this.otherSecrets()],
      }));
    } catch (error) {
      if (error instanceof DirectorError && error.status !== undefined && error.status >= 400 && error.status < 500) {
        throw new DirectorAuthError('Director refused to issue a token for the stored secretKey', {
          method: error.method,
          path: error.path,
          status: error.status,
          directorMessage: error.directorMessage,
        });
      }
      throw error;
    }
    const issued = readTokenDetails(json, secretKey);
    this.remember(issued);
    const rotated = issued.secretKey !== secretKey;
    this.credentials = issued;
    await this.store.save(issued);
    this.logger?.info('Director token refreshed', { secretKeyRotated: rotated, expiresAt: isoOrUndefined(decodeJwtExpiry(issued.token)) });
    return issued.token;
  }

  private remember(credentials: DirectorCredentials): void {
    this.seenSecrets.add(credentials.secretKey);
    if (credentials.token !== undefined) this.seenSecrets.add(credentials.token);
  }
}

/**
 * Reads `/refreshToken`'s answer: `{"status":"Success","tokenDetails":{"secretKey","token"}}`.
 * Tolerates the details at top level and an absent secretKey (= unchanged).
 */
function readTokenDetails(json: unknown, previousSecretKey: string): { secretKey: string; token: string } {
  const facts = { method: 'POST', path: REFRESH_TOKEN_PATH, status: 200 };
  if (!isRecord(json)) throw new DirectorBadResponseError('Director answered the token refresh with something other than a JSON object', facts);
  if (typeof json.status === 'string' && json.status.trim().toLowerCase() !== 'success') {
    // Not Director's message: a refusal may quote the key it refused.
    throw new DirectorAuthError(`Director refused to issue a token (status ${JSON.stringify(json.status)})`, facts);
  }
  const details = isRecord(json.tokenDetails) ? json.tokenDetails : json;
  const token = details.token ?? json.token;
  const secretKey = details.secretKey ?? json.secretKey;
  if (typeof token !== 'string' || token.trim() === '') {
    throw new DirectorBadResponseError('Director answered the token refresh without a token', facts);
  }
  return { token, secretKey: typeof secretKey === 'string' && secretKey !== '' ? secretKey : previousSecretKey };
}

function validateCredentials(loaded: DirectorCredentials): DirectorCredentials {
  if (!isRecord(loaded) || typeof loaded.secretKey !== 'string' || loaded.secretKey.trim() === '') {
    throw new OnboardingError(ErrorCode.SECRET_INVALID, 'The Director credentials secret holds no secretKey');
  }
  const token = typeof loaded.token === 'string' && loaded.token.trim() !== '' ? loaded.token : undefined;
  return token === undefined ? { secretKey: loaded.secretKey } : { secretKey: loaded.secretKey, token };
}

/** The JWT `exp` claim as epoch milliseconds, or undefined when the token is not a readable JWT. */
export function decodeJwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length < 2 || parts[1] === undefined || parts[1] === '') return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    if (!isRecord(payload)) return undefined;
    const exp = typeof payload.exp === 'string' && /^\d+(\.\d+)?$/.test(payload.exp) ? Number(payload.exp) : payload.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function isoOrUndefined(epochMs: number | undefined): string | undefined {
  return epochMs === undefined ? undefined : new Date(epochMs).toISOString();
}
