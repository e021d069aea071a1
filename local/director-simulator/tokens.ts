import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock, IssueTokenOptions } from './types.js';

export const DEFAULT_TOKEN_TTL_SECONDS = 8 * 60 * 60;

export type TokenCheck = { valid: true; hasRights: boolean } | { valid: false; reason: string };

interface TokenClaims {
  /** Absent under `tokenExp: false`: such a token lives until expireAll. */
  exp?: number;
  /** Bumped by expireAll: a token of an older generation is dead even before `exp`. */
  gen: number;
  rights: 'full' | 'none';
}

export interface TokenAuthorityOptions {
  clock: Clock;
  ttlSeconds: number;
  /** Whether tokens get an `exp` unless `issue` is given an explicit ttl. */
  withExp: boolean;
  secretKey: string;
  rotateSecretKeyOnRefresh: boolean;
  extraTokens: readonly string[];
  /** An exported authority's keys (state-export.ts): the tokens it issued stay valid. Fresh ones otherwise. */
  restoredKeys?: TokenKeys;
}

/** What lets another authority accept this one's tokens: the HS256 key (base64url) and the expireAll generation. */
export interface TokenKeys {
  signingKey: string;
  generation: number;
}

export function generateSecretKey(): string {
  return randomBytes(24).toString('base64url');
}

function base64UrlJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Issues and checks HS256 JWTs the way Director's API gateway would: an `exp` in seconds (unless
 * the profile plays the real token without one), a signature only this instance can make, and a
 * refresh key that may rotate on every refresh.
 */
export class TokenAuthority {
  private readonly signingKey: Buffer;
  private readonly options: TokenAuthorityOptions;
  private currentSecretKey: string;
  private extraTokens: Set<string>;
  private generation: number;

  constructor(options: TokenAuthorityOptions) {
    this.options = options;
    this.currentSecretKey = options.secretKey;
    this.extraTokens = new Set(options.extraTokens);
    this.signingKey = options.restoredKeys === undefined ? randomBytes(32) : Buffer.from(options.restoredKeys.signingKey, 'base64url');
    this.generation = options.restoredKeys?.generation ?? 0;
  }

  get keys(): TokenKeys {
    return { signingKey: this.signingKey.toString('base64url'), generation: this.generation };
  }

  get secretKey(): string {
    return this.currentSecretKey;
  }

  issue(options: IssueTokenOptions = {}): string {
    const nowSeconds = Math.floor(this.options.clock() / 1000);
    const header = base64UrlJson({ alg: 'HS256', typ: 'JWT' });
    const withExp = this.options.withExp || options.ttlSeconds !== undefined;
    const payload = base64UrlJson({
      iss: 'director-simulator',
      sub: 'api-user',
      jti: randomUUID(),
      iat: nowSeconds,
      ...(withExp ? { exp: nowSeconds + (options.ttlSeconds ?? this.options.ttlSeconds) } : {}),
      gen: this.generation,
      rights: options.withoutRights === true ? 'none' : 'full',
    });
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
  }

  verify(token: string): TokenCheck {
    if (this.extraTokens.has(token)) return { valid: true, hasRights: true };
    const claims = this.verifiedClaims(token);
    if (claims === undefined) return { valid: false, reason: 'Invalid token.' };
    if (claims.gen !== this.generation || (claims.exp !== undefined && claims.exp * 1000 <= this.options.clock())) {
      return { valid: false, reason: 'Token has expired.' };
    }
    return { valid: true, hasRights: claims.rights === 'full' };
  }

  /** A fresh token for the right key, or undefined for a wrong one. */
  refresh(secretKey: string): { secretKey: string; token: string } | undefined {
    if (secretKey !== this.currentSecretKey) return undefined;
    if (this.options.rotateSecretKeyOnRefresh) this.currentSecretKey = generateSecretKey();
    return { secretKey: this.currentSecretKey, token: this.issue() };
  }

  expireAll(): void {
    this.generation += 1;
    this.extraTokens.clear();
  }

  /** Restores the initial secretKey and extra tokens; tokens expired by expireAll stay expired. */
  reset(): void {
    this.currentSecretKey = this.options.secretKey;
    this.extraTokens = new Set(this.options.extraTokens);
  }

  private sign(signingInput: string): string {
    return createHmac('sha256', this.signingKey).update(signingInput).digest('base64url');
  }

  private verifiedClaims(token: string): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header = '', payload = '', signature = ''] = parts;
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenClaims>;
      if ((claims.exp !== undefined && typeof claims.exp !== 'number') || typeof claims.gen !== 'number') return undefined;
      const rights = claims.rights === 'full' ? 'full' : 'none';
      return claims.exp === undefined ? { gen: claims.gen, rights } : { exp: claims.exp, gen: claims.gen, rights };
    } catch {
      return undefined;
    }
  }
}
