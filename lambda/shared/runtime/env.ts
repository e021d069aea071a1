class MissingEnvironmentError extends Error {
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
