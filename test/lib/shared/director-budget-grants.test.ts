import { describe, expect, it } from 'vitest';
import { exampleConfig, pathBelowOnboarding, resourcesOf, synthStack } from '../stack-fixture.js';

/** With director.maxRequestsPerSecond, exactly the Director-calling functions may draw from the budget item of the lock table. */

function budgetGrants(overrides: Record<string, unknown>) {
  const resources = resourcesOf(synthStack(exampleConfig(overrides)).template);
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .flatMap((policy) => {
      const roles = (policy.Properties?.Roles as { Ref: string }[] | undefined) ?? [];
      const statements = (policy.Properties?.PolicyDocument as { Statement: { Sid?: string; Action: string[]; Condition?: unknown }[] }).Statement;
      return statements
        .filter((statement) => statement.Sid === 'DrawDirectorRequestBudget')
        .map((statement) => ({
          roles: roles.map((role) => pathBelowOnboarding(resources[role.Ref]!)),
          actions: statement.Action,
          condition: statement.Condition,
        }));
    });
}

describe('the Director request budget grants', () => {
  it('go to every Director-calling function, GetItem and PutItem on the budget item only, when a budget is configured', () => {
    const grants = budgetGrants({ director: { maxRequestsPerSecond: 8 } });

    expect(grants.map((grant) => grant.roles[0]?.replace(/FunctionRole\/Resource$/, '')).sort()).toEqual(
      [
        'KeyRotation/RotateAccessKey',
        'Offboarding/CheckOrder',
        'Offboarding/DeleteLogSource',
        'Offboarding/FindLogSource',
        'Reconcile/FindDrift',
        'Workflow/CheckDataFlow',
        'Workflow/CheckOrder',
        'Workflow/ConfirmCoverage',
        'Workflow/FinalizeOnboarding',
        'Workflow/RegisterLogSource',
      ].sort(),
    );
    for (const grant of grants) {
      expect(grant.actions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
      expect(grant.condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['director-budget'] } });
    }
  });

  it('are absent without a budget', () => {
    expect(budgetGrants({})).toEqual([]);
  });
});
