/**
 * Where the Director `secretKey` (and the last token) live. Production keeps them in the
 * operator's Secrets Manager secret (implemented elsewhere); tests use the in-memory store.
 */
export interface DirectorCredentials {
  secretKey: string;
  token?: string;
}

export interface DirectorCredentialsStore {
  load(): Promise<DirectorCredentials>;
  /** Called after every refresh with the new token and the (possibly rotated) secretKey. */
  save(credentials: { secretKey: string; token: string }): Promise<void>;
}

/** Keeps credentials in memory and counts calls, so tests can see what the client persisted. */
export class InMemoryDirectorCredentialsStore implements DirectorCredentialsStore {
  loads = 0;
  readonly saves: Array<{ secretKey: string; token: string }> = [];
  private current: DirectorCredentials;

  constructor(initial: DirectorCredentials) {
    this.current = { ...initial };
  }

  load(): Promise<DirectorCredentials> {
    this.loads += 1;
    return Promise.resolve({ ...this.current });
  }

  save(credentials: { secretKey: string; token: string }): Promise<void> {
    this.saves.push({ ...credentials });
    this.current = { ...credentials };
    return Promise.resolve();
  }

  /** What a fresh load would return now. */
  snapshot(): DirectorCredentials {
    return { ...this.current };
  }
}
