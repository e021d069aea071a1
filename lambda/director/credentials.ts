/**
 * Where the Director `secretKey` (and the last token) live. Production keeps them in the
 * operator's Secrets Manager secret (secrets-manager-credentials.ts); tests use the in-memory store.
 */
export interface DirectorCredentials {
  secretKey: string;
  token?: string;
}

/** What one `POST /refreshToken` yields: a token and the (possibly rotated) secretKey. */
export interface IssuedDirectorCredentials {
  secretKey: string;
  token: string;
}

/**
 * `saved: false` when the stored secretKey was no longer the one the refresh used: someone else
 * (another function, the operator) stored newer credentials meanwhile; `current` is what is stored.
 */
export type DirectorCredentialsSaveResult = { saved: true } | { saved: false; current: DirectorCredentials };

export interface DirectorCredentialsStore {
  load(): Promise<DirectorCredentials>;
  /**
   * Called after every refresh with the new token and secretKey; `refreshedWith` is the secretKey
   * the refresh sent. The store re-reads first and writes only while that key is still the stored
   * one, so it never overwrites a newer secretKey written by someone else in between.
   */
  save(credentials: IssuedDirectorCredentials, refreshedWith: string): Promise<DirectorCredentialsSaveResult>;
}

/** Keeps credentials in memory and counts calls, so tests can see what the client persisted. */
export class InMemoryDirectorCredentialsStore implements DirectorCredentialsStore {
  loads = 0;
  /** Every write that happened (a save refused because the stored key changed is not one). */
  readonly saves: IssuedDirectorCredentials[] = [];
  private current: DirectorCredentials;

  constructor(initial: DirectorCredentials) {
    this.current = { ...initial };
  }

  load(): Promise<DirectorCredentials> {
    this.loads += 1;
    return Promise.resolve({ ...this.current });
  }

  save(credentials: IssuedDirectorCredentials, refreshedWith: string): Promise<DirectorCredentialsSaveResult> {
    if (this.current.secretKey !== refreshedWith) return Promise.resolve({ saved: false, current: { ...this.current } });
    this.saves.push({ ...credentials });
    this.current = { ...credentials };
    return Promise.resolve({ saved: true });
  }

  /** What a fresh load would return now. */
  snapshot(): DirectorCredentials {
    return { ...this.current };
  }
}
