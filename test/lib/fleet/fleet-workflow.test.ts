import { describe, expect, it } from 'vitest';
import { extractDefinitions, FLEET_START_STATE } from '../../../local/sandbox/definition.js';
import { exampleConfig, resourcesOf, synthStack, type Resource } from '../stack-fixture.js';

/** The fleet workflow as synthesized: its states, its Organizations grant (only what the filters use), schedule and deploy start. */

function fleetOf(overrides: Record<string, unknown> = {}) {
  const { template } = synthStack(exampleConfig(overrides));
  const resources = resourcesOf(template);
  const definition = extractDefinitions(template.toJSON()).find((candidate) => candidate.StartAt === FLEET_START_STATE);
  if (!definition) throw new Error('no fleet state machine');
  // The fleet's own listing function: reconciliation lists the organization too, with its own grant.
  const statements = Object.entries(resources)
    .filter(([logicalId, resource]) => resource.Type === 'AWS::IAM::Policy' && logicalId.includes('ListFleetAccounts'))
    .map(([, resource]) => resource)
    .flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: { Sid?: string; Action: string | string[] }[] }).Statement ?? [])
    .filter((statement) => statement.Sid === 'ListOrganizationAccounts');
  return { resources, states: definition.States as Record<string, Record<string, unknown>>, statements };
}

const ofType = (resources: Record<string, Resource>, type: string) => Object.values(resources).filter((resource) => resource.Type === type);

describe('the fleet workflow', () => {
  it('lists, then runs the onboarding workflow per account in an inline Map of bounded concurrency, and sums up', () => {
    const { states } = fleetOf({ fleet: { maxConcurrency: 7 } });

    expect(states.ListFleetAccounts?.Next).toBe('OnboardAccounts');
    const map = states.OnboardAccounts as { MaxConcurrency: number; ItemProcessor: { StartAt: string; States: Record<string, { Resource?: string }> } };
    expect(map.MaxConcurrency).toBe(7);
    expect(map.ItemProcessor.StartAt).toBe('OnboardAccount');
    expect(map.ItemProcessor.States.OnboardAccount?.Resource).toMatch(/states:startExecution\.sync:2$/);
    expect(states.OnboardOrganization).toBeUndefined();
  });

  it('grants organizations:ListAccounts only, and the OU and tag listings only when the filters use them', () => {
    const plain = fleetOf().statements.flatMap((statement) => statement.Action);
    const filtered = fleetOf({ fleet: { include: { organizationalUnits: ['ou-ab12-prod0001'] }, exclude: { tags: { siem: 'skip' } } } }).statements.flatMap(
      (statement) => statement.Action,
    );

    expect(plain).toEqual(['organizations:ListAccounts']);
    expect(filtered).toEqual([
      'organizations:ListAccounts',
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
      'organizations:ListTagsForResource',
    ]);
  });

  it('in organization mode onboards the organization source before the Map', () => {
    const { states } = fleetOf({ trail: { organizationId: 'o-a1b2c3d4e5' } });

    expect(states.ListFleetAccounts?.Next).toBe('OnboardOrganization');
    expect(states.OnboardOrganization?.Next).toBe('OnboardAccounts');
  });

  it('runs on the configured schedule, and on every deploy instead of onboardAccountId when onboardExisting is set', () => {
    const { resources } = fleetOf({ fleet: { schedule: 'rate(1 day)', onboardExisting: true } });

    const schedules = ofType(resources, 'AWS::Events::Rule').filter((rule) =>
      ((rule.Properties?.Description as string | undefined) ?? '').includes('fleet run'),
    );
    expect(schedules.map((rule) => rule.Properties?.ScheduleExpression)).toEqual(['rate(1 day)']);
    const [trigger] = ofType(resources, 'Custom::LogpointCloudTrailOnboarding');
    expect(trigger?.Properties).toMatchObject({ Fleet: 'true' });
    expect(trigger?.Properties?.AccountId).toBeUndefined();
  });
});
