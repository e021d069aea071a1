import { WorkflowKind } from '../contract/account-events.js';
import { ErrorCode } from '../contract/error-codes.js';
import { requireRegistryTable } from '../registry/account-registry.js';
import { OnboardingError } from '../shared/errors.js';
import { executionNameFor } from '../shared/execution-names.js';
import { awsDependencies, type AwsClientFactories, type DependenciesProvider } from '../shared/runtime/dependencies.js';
import { director } from '../shared/runtime/aws-clients/director.js';
import { dynamo } from '../shared/runtime/aws-clients/dynamodb.js';
import { organizations } from '../shared/runtime/aws-clients/organizations.js';
import { secretsManager } from '../shared/runtime/aws-clients/secrets-manager.js';
import { defineStep } from '../shared/runtime/workflow-step.js';
import { findDrift } from './drift.js';
import { recordDrift } from './drift-registry.js';
import { takeInventory } from './inventory.js';
import { driftReportSchema, findDriftInputSchema, reconcileInputSchema } from './workflow-contract.js';

/**
 * FindDrift: the organization's accounts × the account registry × the product's sources in
 * Director × their last log. Records what it finds on each account's registry item and returns
 * the safe repairs, each with the name its run starts under.
 */
/** The AWS clients this function's code uses: its bundle loads these SDK packages and no others. */
export const awsClients = { organizations, secretsManager, dynamo, director } satisfies Partial<AwsClientFactories>;

export const createHandler = (dependencies: DependenciesProvider = awsDependencies(awsClients)) =>
  defineStep({
    step: 'FindDrift',
    input: findDriftInputSchema,
    output: driftReportSchema,
    run: async ({ input, reconcileExecutionId, canOffboard }) => {
      const parsed = reconcileInputSchema.safeParse(input ?? {});
      if (!parsed.success) throw new OnboardingError(ErrorCode.INVALID_INPUT, `The reconciliation's input is invalid: ${parsed.error.message}`);
      const deps = dependencies();
      const registryTable = requireRegistryTable(deps.accountRegistryTable, 'FindDrift');
      const { settings } = deps;
      const inventory = await takeInventory({
        organizations: deps.organizations,
        dynamo: deps.dynamo,
        registryTable,
        director: deps.director(),
        filters: settings.fleet,
      });
      const now = deps.now();
      const report = findDrift({
        ...inventory,
        mode: settings.collection.mode,
        organizationId: settings.trail.organizationId ?? null,
        now,
        staleAfterHours: settings.reconcile.staleAfterHours,
      });
      await recordDrift({ dynamo: deps.dynamo, tableName: registryTable, now }, report, reconcileExecutionId);
      const repairing = settings.reconcile.repair && parsed.data.dryRun !== true;
      const named = (kind: WorkflowKind, accountIds: string[]) =>
        accountIds.map((accountId) => ({ accountId, executionName: executionNameFor(kind, accountId, `reconcile:${reconcileExecutionId}`) }));
      const onboard = repairing ? named(WorkflowKind.Onboard, report.repairs.onboard) : [];
      const offboard = repairing && canOffboard ? named(WorkflowKind.Offboard, report.repairs.offboard) : [];
      return {
        findings: report.findings,
        repairs: { onboard, offboard },
        repairsSkipped: onboard.length + offboard.length < report.repairs.onboard.length + report.repairs.offboard.length,
        counts: {
          accounts: inventory.accounts.length,
          sources: inventory.sources.length,
          registryItems: inventory.registry.length,
          findings: report.findings.length,
        },
        trigger: parsed.data.trigger ?? null,
      };
    },
  });

export const handler = createHandler();
