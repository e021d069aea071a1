import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Secrets Manager, for a function whose code calls it (see AwsClientFactories). */
export const secretsManager = (): SecretsManagerClient => new SecretsManagerClient({});
