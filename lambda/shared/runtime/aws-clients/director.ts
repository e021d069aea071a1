import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSecretsManagerDirectorCredentials } from '../../../director/secrets-manager-credentials.js';
import { DirectorClient, type DirectorClientOptions, type DirectorLogger } from '../../../director/index.js';
import type { DirectorRequestBudget } from '../../../director/request-budget.js';
import { createDirectorRequestBudget } from '../../../governance/governor.js';
import { OnboardingError } from '../../errors.js';
import { ErrorCode } from '../../../contract/error-codes.js';
import type { RuntimeSettings } from '../../../contract/runtime-settings.js';
import { logger } from '../lambda-handler.js';

/** The Director client for the configured pool and logpoint, its token kept in the operator's secret. */
export function createDirectorClient(
  settings: RuntimeSettings['director'],
  secretsManager: SecretsManagerClient,
  options: Pick<DirectorClientOptions, 'caBundle' | 'logger' | 'retry' | 'budget' | 'orderWait'> = {},
): DirectorClient {
  return new DirectorClient({
    baseUrl: settings.baseUrl,
    poolUuid: settings.poolUuid,
    logpointId: settings.logpointId,
    timeoutMs: settings.requestTimeoutMs,
    credentials: createSecretsManagerDirectorCredentials(secretsManager, settings.credentialSecretId),
    ...(options.caBundle === undefined ? {} : { caBundle: options.caBundle }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.budget === undefined ? {} : { budget: options.budget }),
    ...(options.orderWait === undefined ? {} : { orderWait: options.orderWait }),
  });
}

/**
 * The request budget every Director caller shares when `director.maxRequestsPerSecond` is set:
 * kept in the account lock table, whose name the construct gives each Director-calling function.
 */
export function directorRequestBudget(
  settings: RuntimeSettings['director'],
  dynamo: DynamoDBClient,
  lockTable: string | null,
): DirectorRequestBudget | undefined {
  if (settings.maxRequestsPerSecond === undefined) return undefined;
  if (lockTable === null) {
    throw new OnboardingError(
      ErrorCode.CONFIG_INVALID,
      'director.maxRequestsPerSecond is set, but this function was deployed without the account lock table that holds the budget.',
    );
  }
  return createDirectorRequestBudget(dynamo, { tableName: lockTable, maxRequestsPerSecond: settings.maxRequestsPerSecond });
}

/** The Director client's log lines, through the step's structured logger. */
export const directorLogger: DirectorLogger = {
  debug: (message, attributes) => logger.debug(message, attributes ?? {}),
  info: (message, attributes) => logger.info(message, attributes ?? {}),
  warn: (message, attributes) => logger.warn(message, attributes ?? {}),
};

/**
 * The Director client of a function whose code calls Director (see AwsClientFactories): the token
 * kept in the credential secret, the request budget in the lock table when one is configured. A
 * private-CA Director is trusted through NODE_EXTRA_CA_CERTS, set by the construct.
 */
export const director = (
  settings: RuntimeSettings['director'],
  secretsManager: SecretsManagerClient,
  dynamo: () => DynamoDBClient,
  lockTable: string | null,
): DirectorClient => {
  const budget = settings.maxRequestsPerSecond === undefined ? undefined : directorRequestBudget(settings, dynamo(), lockTable);
  return createDirectorClient(settings, secretsManager, { logger: directorLogger, ...(budget === undefined ? {} : { budget }) });
};
