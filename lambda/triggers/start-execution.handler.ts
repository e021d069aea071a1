import { putCustomResourceResponse } from './custom-resource.js';
import { handleStartEvent, type ExecutionStarterDependencies } from './start-event.js';
import type { StarterLogger } from './start-workflow.js';
import { requireEnv } from '../shared/runtime/env.js';
import { defineLambdaHandler, logger } from '../shared/runtime/lambda-handler.js';
import { EnvName } from '../contract/env-names.js';
import type { AwsClientFactories } from '../shared/runtime/dependencies.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { sfn } from '../shared/runtime/aws-clients/sfn.js';

/** The AWS clients the starter's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { sfn, dynamo } satisfies Partial<AwsClientFactories>;

export type StarterDependenciesProvider = () => ExecutionStarterDependencies;

let awsCache: ExecutionStarterDependencies | undefined;

const starterLogger: StarterLogger = {
  info: (message, attributes) => logger.info(message, attributes ?? {}),
  warn: (message, attributes) => logger.warn(message, attributes ?? {}),
  error: (message, attributes) => logger.error(message, attributes ?? {}),
};

/** The real Step Functions and DynamoDB clients, the state machines the construct bound and the lock table, built once per container. */
export const awsStarterDependencies: StarterDependenciesProvider = () => {
  if (awsCache) return awsCache;
  const dependencies: ExecutionStarterDependencies = {
    sfn: awsClients.sfn(),
    stateMachines: {
      onboard: requireEnv(EnvName.ONBOARDING_STATE_MACHINE_ARN),
      offboard: process.env[EnvName.OFFBOARDING_STATE_MACHINE_ARN] || undefined,
      fleet: process.env[EnvName.FLEET_STATE_MACHINE_ARN] || undefined,
    },
    locks: { dynamo: awsClients.dynamo(), tableName: requireEnv(EnvName.ACCOUNT_LOCK_TABLE) },
    now: () => new Date(),
    sendCustomResourceResponse: (url, body) => putCustomResourceResponse(fetch, url, body),
    logger: starterLogger,
  };
  awsCache = dependencies;
  return dependencies;
};

/**
 * StartExecution for every trigger: EventBridge account events, the deploy-time custom resource
 * and manual invocations. The event itself is never logged: a CloudFormation request carries a
 * pre-signed response URL.
 */
export const createHandler = (dependencies: StarterDependenciesProvider = awsStarterDependencies) =>
  defineLambdaHandler({
    name: 'Starting the workflow',
    run: (event, context) => handleStartEvent(event, { ...dependencies(), requestId: context.awsRequestId }),
  });

export const handler = createHandler();
