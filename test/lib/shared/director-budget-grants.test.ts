import { describe, expect, it } from 'vitest';
import { exampleConfig, pathBelowOnboarding, resourcesOf, synthStack } from '../stack-fixture.js';

/**
 * With director.maxRequestsPerSecond, exactly the Director-calling functions may draw from the
 * budget item of the lock table; with director.maxConcurrentOrders, exactly the functions that
 * write log sources or see their orders settle may hold the order slot items.
 */

function budgetGrants(overrides: Record<string, unknown>, sid = 'DrawDirectorRequestBudget') {
  const resources = resourcesOf(synthStack(exampleConfig(overrides)).template);
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .flatMap((policy) => {
      const roles = (policy.Properties?.Roles as { Ref: string }[] | undefined) ?? [];
      const statements = (policy.Properties?.PolicyDocument as { Statement: { Sid?: string; Action: string[]; Condition?: unknown }[] }).Statement;
      return statements
        .filter((statement) => statement.Sid === sid)
        .map((statement) => ({
          roles: roles.map((role) => pathBelowOnboarding(resources[role.Ref]!)),
          actions: [statement.Action].flat(),
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

  it('for order slots go to the writers and settlers of orders only, on the slot items only, when maxConcurrentOrders is set', () => {
    const grants = budgetGrants({ director: { maxConcurrentOrders: 4 } }, 'HoldDirectorOrderSlots');

    expect(grants.map((grant) => grant.roles[0]?.replace(/FunctionRole\/Resource$/, '')).sort()).toEqual(
      [
        'KeyRotation/RotateAccessKey',
        'Offboarding/CheckOrder',
        'Offboarding/DeleteLogSource',
        'Offboarding/DescribeOffboardingFailure',
        'Workflow/CheckOrder',
        'Workflow/Compensate',
        'Workflow/RegisterLogSource',
      ].sort(),
    );
    const takers = [
      'KeyRotation/RotateAccessKeyFunctionRole/Resource',
      'Offboarding/DeleteLogSourceFunctionRole/Resource',
      'Workflow/RegisterLogSourceFunctionRole/Resource',
    ];
    for (const grant of grants) {
      const takes = takers.includes(grant.roles[0] ?? '');
      const givesBack = grant.roles[0] !== 'Workflow/RegisterLogSourceFunctionRole/Resource';
      expect(grant.actions).toEqual(['dynamodb:GetItem', ...(takes ? ['dynamodb:PutItem'] : []), ...(givesBack ? ['dynamodb:DeleteItem'] : [])]);
      expect(grant.condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['director-order-slot-*'] } });
    }
    expect(budgetGrants({}, 'HoldDirectorOrderSlots')).toEqual([]);
  });
});
