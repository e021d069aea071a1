/**
 * Environment variable names shared by the constructs that set them (lib/) and the handlers that
 * read them, so the two cannot drift apart.
 */
export const EnvName = {
  /** JSON of {@link RuntimeSettings}: Director location and log source defaults; never a secret. */
  SETTINGS: 'ONBOARDING_SETTINGS',
  /** Overrides the S3 endpoint (local sandbox only). */
  S3_ENDPOINT: 'ONBOARDING_S3_ENDPOINT',
} as const;

export class MissingEnvironmentError extends Error {
  constructor(name: string) {
    super(`Environment variable ${name} is not set; the function was deployed without its configuration.`);
    this.name = 'MissingEnvironmentError';
  }
}

/** Reads a variable the deployment must have set, failing fast and clearly when it did not. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new MissingEnvironmentError(name);
  return value;
}
