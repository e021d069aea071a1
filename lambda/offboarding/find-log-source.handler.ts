import { offboardingInventorySchema, offboardingRequestSchema } from './workflow-contract.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { director } from '../shared/runtime/aws-clients/director.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { iam } from '../shared/runtime/aws-clients/iam.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { takeInventory } from './inventory.js';

/** FindLogSource: the account's own log source, reader user and secret; anything foreign fails with NOT_OWNED. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { iam, secretsManager, dynamo, director } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'FindLogSource',
    input: offboardingRequestSchema,
    output: offboardingInventorySchema,
    run: (request) => {
      const deps = dependencies();
      return takeInventory({ iam: deps.iam, secretsManager: deps.secretsManager, director: deps.director() }, request);
    },
  });

export const handler = createHandler();
