import * as z from 'zod';
import { logSourceDeletionSchema, offboardingInventorySchema, offboardingRequestSchema } from './workflow-contract.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { director } from '../shared/runtime/aws-clients/director.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { deleteAccountLogSource } from './log-source-deletion.js';
import { releaseOrderSlot, takeOrderSlot } from '../governance/order-slot-use.js';

/** DeleteLogSource: `DELETE .../LogSources/{id}` of the account's own log source, holding an order slot until CheckOrder sees it settle. */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { secretsManager, dynamo, director } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'DeleteLogSource',
    input: z.strictObject({ request: offboardingRequestSchema, inventory: offboardingInventorySchema }),
    output: logSourceDeletionSchema,
    run: async (input) => {
      const deps = dependencies();
      await takeOrderSlot(deps, input.request.accountId);
      const deletion = await deleteAccountLogSource({ director: deps.director(), polling: deps.settings.orderPolling, now: deps.now }, input);
      // Nothing was sent: there is no order to wait for.
      if (deletion.status === 'ALREADY_GONE') await releaseOrderSlot(deps, input.request.accountId);
      return deletion;
    },
  });

export const handler = createHandler();
