import { OnboardingError } from '../shared/errors.js';
import type { DirectorCredentials, DirectorCredentialsStore } from './credentials.js';
import { DirectorAuthError, DirectorBadResponseError, DirectorError, DirectorUnavailableError } from './errors.js';
import type { DirectorLogger, DirectorTransport } from './http.js';
import { ErrorCode } from '../contract/error-codes.js';
import { isRecord } from '../shared/records.js';

/**
 * Supplies a usable Director bearer token. Refreshes through `POST /refreshToken {"secretKey"}`
 * when the token is missing, expired by its JWT `exp` (minus a skew margin), or rejected by
 * Director; a token whose `exp` cannot be read is used until Director rejects it. Each new token,
 * and a rotated secretKey, is saved back through the credentials store; the token itself never
 * leaves this module except in the Authorization header.
 *
 * Within one process, concurrent callers share one in-flight refresh; a failed refresh is
 * forgotten, so the next caller tries again. Across processes (several Lambda functions share the
 * secret), Director may rotate the secretKey on refresh: when two refresh with the same key, the
 * second is refused. So a refused refresh re-reads the store (a few times, briefly, because the
 * winner may still be writing): newer stored credentials are used, their token if still valid,
 * else one refresh with their secretKey. Only then does the refusal stand. The store never lets a
 * save overwrite a secretKey that someone else wrote after this process read its own.
 */

const REFRESH_TOKEN_PATH = '/refreshToken';
const DEFAULT_EXPIRY_SKEW_MS = 60_000;
/** Re-reads after a refused refresh: at once, then after these waits (about 1 s in all). */
const DEFAULT_REREAD_DELAYS_MS: readonly number[] = [0, 250, 750];

export interface DirectorTokenProviderOptions {
  store: DirectorCredentialsStore;
  transport: DirectorTransport;
  /** Treat a token as expired this long before its `exp`; default 60 s. */
  expirySkewMs?: number;
  now?: () => number;
  logger?: DirectorLogger;
  /** Further values to keep out of refresh errors (e.g. secrets of bodies the client sent). */
  otherSecrets?: () => Iterable<string>;
  /** Waits before each re-read of the store after Director refused a refresh; default 0, 250, 750 ms. */
  rereadDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

export class DirectorTokenProvider {
  private readonly store: DirectorCredentialsStore;
  private readonly transport: DirectorTransport;
  private readonly expirySkewMs: number;
  private readonly now: () => number;
  private readonly logger: DirectorLogger | undefined;
  private readonly otherSecrets: () => Iterable<string>;
  private readonly rereadDelaysMs: readonly number[];
  private readonly sleep: (ms: number) => Promise<void>;
  private credentials: DirectorCredentials | undefined;
  private loading: Promise<DirectorCredentials> | undefined;
  private refreshing: Promise<string> | undefined;
  /** Every token and secretKey seen, including superseded ones, for redaction. */
  private readonly seenSecrets = new Set<string>();
  /** Tokens Director answered 401 to: never handed out again, even if the store still holds one. */
  private readonly rejectedTokens = new Set<string>();

  constructor(options: DirectorTokenProviderOptions) {
    this.store = options.store;
    this.transport = options.transport;
    this.expirySkewMs = options.expirySkewMs ?? DEFAULT_EXPIRY_SKEW_MS;
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.otherSecrets = options.otherSecrets ?? (() => []);
    this.rereadDelaysMs = options.rereadDelaysMs ?? DEFAULT_REREAD_DELAYS_MS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** A token believed valid: the stored one unless missing or expired, else a refreshed one. */
  async getToken(): Promise<string> {
    const credentials = await this.loadOnce();
    if (credentials.token !== undefined && this.isUsable(credentials.token)) return credentials.token;
    const reason = credentials.token === undefined ? 'missing' : this.rejectedTokens.has(credentials.token) ? 'rejected' : 'expired';
    this.logger?.info('Refreshing the Director token', { reason });
    return this.refresh();
  }

  /**
   * Director answered 401 to `rejected`. Returns a different token: the one another caller
   * already obtained, the one an in-flight refresh yields, or a new refresh's.
   */
  async refreshAfterRejection(rejected: string): Promise<string> {
    this.rejectedTokens.add(rejected);
    const credentials = await this.loadOnce();
    if (credentials.token !== undefined && this.isUsable(credentials.token)) return credentials.token;
    this.logger?.info('Refreshing the Director token', { reason: 'rejected' });
    return this.refresh();
  }

  /** Tokens and secretKeys this provider has handled, so callers can redact them. */
  knownSecrets(): ReadonlySet<string> {
    return this.seenSecrets;
  }

  private isUsable(token: string): boolean {
    if (this.rejectedTokens.has(token)) return false;
    const expiresAt = decodeJwtExpiry(token);
    return expiresAt === undefined || this.now() < expiresAt - this.expirySkewMs;
  }

  private async loadOnce(): Promise<DirectorCredentials> {
    if (this.credentials) return this.credentials;
    this.loading ??= this.store
      .load()
      .then((loaded) => this.adopt(loaded))
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** Validates stored credentials, remembers their values for redaction and makes them current. */
  private adopt(loaded: DirectorCredentials): DirectorCredentials {
    const credentials = validateCredentials(loaded);
    this.remember(credentials);
    this.credentials = credentials;
    return credentials;
  }

  /** One refresh at a time; every caller meanwhile gets its outcome, and a failure is not kept. */
  private refresh(): Promise<string> {
    this.refreshing ??= this.refreshOrRecover().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refreshOrRecover(): Promise<string> {
    const used = await this.loadOnce();
    try {
      return await this.refreshWith(used.secretKey);
    } catch (error) {
      if (!(error instanceof DirectorAuthError)) throw error;
      const newer = await this.rereadAfterRefusal(used);
      if (newer === undefined) throw error;
      if (newer.token !== undefined && this.isUsable(newer.token)) return newer.token;
      if (newer.secretKey === used.secretKey) throw error;
      this.logger?.info('Refreshing the Director token', { reason: 'secretKey changed in the store' });
      return this.refreshWith(newer.secretKey);
    }
  }

  /**
   * Director refused `used.secretKey`. Another function may have refreshed with it first, got a
   * rotated key and be writing it to the store right now: re-reads until the store holds a
   * different secretKey or a different usable token, or the waits are over (→ undefined).
   */
  private async rereadAfterRefusal(used: DirectorCredentials): Promise<DirectorCredentials | undefined> {
    for (const [attempt, delayMs] of this.rereadDelaysMs.entries()) {
      if (delayMs > 0) await this.sleep(delayMs);
      const stored = validateCredentials(await this.store.load());
      this.remember(stored);
      const secretKeyChanged = stored.secretKey !== used.secretKey;
      if (secretKeyChanged || (stored.token !== undefined && stored.token !== used.token && this.isUsable(stored.token))) {
        this.logger?.info('Director refused the token refresh; using the newer stored credentials', { secretKeyChanged, attempt: attempt + 1 });
        return this.adopt(stored);
      }
    }
    this.logger?.warn('Director refused the token refresh and the stored credentials did not change', { rereads: this.rereadDelaysMs.length });
    return undefined;
  }

  private async refreshWith(secretKey: string): Promise<string> {
    const issued = readTokenDetails(await this.requestToken(secretKey), secretKey);
    this.remember(issued);
    this.credentials = issued;
    const secretKeyRotated = issued.secretKey !== secretKey;
    const outcome = await this.store.save(issued, secretKey);
    this.logger?.info('Director token refreshed', { secretKeyRotated, saved: outcome.saved, expiresAt: isoOrUndefined(decodeJwtExpiry(issued.token)) });
    if (!outcome.saved) {
      // Someone else stored other credentials after this process read its own: theirs stay.
      // This process keeps the key and token Director just issued to it.
      this.remember(outcome.current);
      this.logger?.warn('The stored Director credentials changed during the refresh; left them as they are', {
        storedSecretKeyChanged: outcome.current.secretKey !== secretKey,
      });
    }
    return issued.token;
  }

  private async requestToken(secretKey: string): Promise<unknown> {
    try {
      const { json } = await this.transport.send({
        method: 'POST',
        path: REFRESH_TOKEN_PATH,
        body: { secretKey },
        secrets: [...this.seenSecrets, ...this.otherSecrets()],
      });
      return json;
    } catch (error) {
      // A 429 that outlasted the retries stays DIRECTOR_UNAVAILABLE: Director is busy, the key is fine.
      const refused = error instanceof DirectorError && !(error instanceof DirectorUnavailableError) && error.status !== undefined;
      if (refused && error.status >= 400 && error.status < 500) {
        throw new DirectorAuthError('Director refused to issue a token for the stored secretKey', {
          method: error.method,
          path: error.path,
          status: error.status,
          directorMessage: error.directorMessage,
        });
      }
      throw error;
    }
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
