import { WorkflowKind } from '../contract/account-events.js';
import { ErrorCode } from '../contract/error-codes.js';
import { OnboardingError } from '../shared/errors.js';
import { executionNameFor } from '../shared/execution-names.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { organizations } from '../shared/runtime/aws-clients/organizations.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { listFleetAccounts } from './fleet-accounts.js';
import { recordExcluded } from './fleet-registry.js';
import { requireRegistryTable } from '../registry/account-registry.js';
import { fleetInputSchema, fleetListingSchema, listFleetAccountsInputSchema } from './workflow-contract.js';

/**
 * ListFleetAccounts: the organization's ACTIVE accounts the filters admit, each with the name its
 * onboarding runs under; those they leave out are recorded as EXCLUDED in the account registry.
 */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { dynamo, organizations } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'ListFleetAccounts',
    input: listFleetAccountsInputSchema,
    output: fleetListingSchema,
    run: async ({ input, fleetExecutionId }) => {
      const parsed = fleetInputSchema.safeParse(input ?? {});
      if (!parsed.success) throw new OnboardingError(ErrorCode.INVALID_INPUT, `The fleet run's input is invalid: ${parsed.error.message}`);
      const deps = dependencies();
      const { fleet } = deps.settings;
      const filters = parsed.data.accountIds ? { ...fleet, include: { ...fleet.include, accountIds: parsed.data.accountIds } } : fleet;
      const listing = await listFleetAccounts(deps.organizations, filters);
      // A run over a chosen list leaves the rest out by choice, not by the filters: nothing to record for them.
      if (!parsed.data.accountIds) {
        const registry = {
          dynamo: deps.dynamo,
          tableName: requireRegistryTable(deps.accountRegistryTable, 'ListFleetAccounts'),
          mode: deps.settings.collection.mode,
        };
        await recordExcluded({ ...registry, now: deps.now() }, listing.excluded, fleetExecutionId);
      }
      return {
        accounts: listing.accountIds.map((accountId) => ({
          accountId,
          executionName: executionNameFor(WorkflowKind.Onboard, accountId, `fleet:${fleetExecutionId}`),
        })),
        excluded: listing.excluded,
        trigger: parsed.data.trigger ?? null,
      };
    },
  });

export const handler = createHandler();
