import { describe, expect, it } from 'vitest';
import type { AccountEventName } from '../../../lambda/contract/account-events.js';
import { planForwarding } from '../../../lib/org-events/forwarding-plan.js';
import { CONTROL_TOWER_HOME, MANAGEMENT_ACCOUNT, ORGANIZATION_ID, PRODUCT_ACCOUNT, PRODUCT_BUS_ARN, PRODUCT_REGION } from './support.js';

/** Every event the default product has a rule for. */
const ALL_EVENTS: AccountEventName[] = [
  'RemoveAccountFromOrganization',
  'UpdateManagedAccount',
  'CloseAccountResult',
  'CreateManagedAccount',
  'CreateAccountResult',
];
const product = { account: PRODUCT_ACCOUNT, region: PRODUCT_REGION };

describe('planForwarding', () => {
  it('forwards the Organizations events from us-east-1 and the Control Tower events from their home region, in the contract order', () => {
    // Act
    const plan = planForwarding({
      events: ALL_EVENTS,
      forwardFrom: { managementAccountId: MANAGEMENT_ACCOUNT, controlTowerHomeRegion: CONTROL_TOWER_HOME, organizationId: ORGANIZATION_ID },
      product,
    });

    // Assess
    expect(plan).toEqual({
      managementAccountId: MANAGEMENT_ACCOUNT,
      organizationId: ORGANIZATION_ID,
      regions: [
        { region: 'us-east-1', events: ['CreateAccountResult', 'CloseAccountResult', 'RemoveAccountFromOrganization'] },
        { region: CONTROL_TOWER_HOME, events: ['CreateManagedAccount', 'UpdateManagedAccount'] },
      ],
      targetEventBusArn: PRODUCT_BUS_ARN,
      sources: ['aws.organizations', 'aws.controltower'],
      crossAccount: true,
    });
  });

  it('forwards only the events the product has rules for', () => {
    // Act: offboarding and the Control Tower trigger off.
    const plan = planForwarding({
      events: ['CreateAccountResult'],
      forwardFrom: { managementAccountId: MANAGEMENT_ACCOUNT, controlTowerHomeRegion: CONTROL_TOWER_HOME },
      product,
    });

    // Assess
    expect(plan.regions).toEqual([{ region: 'us-east-1', events: ['CreateAccountResult'] }]);
    expect(plan.sources).toEqual(['aws.organizations']);
  });

  it('puts every event in one forwarder when the Control Tower home region is us-east-1', () => {
    // Act
    const plan = planForwarding({ events: ALL_EVENTS, forwardFrom: { managementAccountId: MANAGEMENT_ACCOUNT, controlTowerHomeRegion: 'us-east-1' }, product });

    // Assess
    expect(plan.regions).toEqual([
      {
        region: 'us-east-1',
        events: ['CreateAccountResult', 'CreateManagedAccount', 'UpdateManagedAccount', 'CloseAccountResult', 'RemoveAccountFromOrganization'],
      },
    ]);
  });

  it('forwards no Control Tower event when no home region is configured', () => {
    // Act
    const plan = planForwarding({ events: ALL_EVENTS, forwardFrom: { managementAccountId: MANAGEMENT_ACCOUNT }, product });

    // Assess
    expect(plan.regions.map((forwarding) => forwarding.region)).toEqual(['us-east-1']);
    expect(plan.sources).toEqual(['aws.organizations']);
  });

  it('leaves out the region where the product itself runs in the management account: the events already reach its bus there', () => {
    // Act: the product in the management account, in the Control Tower home region.
    const plan = planForwarding({
      events: ALL_EVENTS,
      forwardFrom: { managementAccountId: MANAGEMENT_ACCOUNT, controlTowerHomeRegion: CONTROL_TOWER_HOME },
      product: { account: MANAGEMENT_ACCOUNT, region: CONTROL_TOWER_HOME },
    });

    // Assess: only us-east-1 forwards, across regions of one account.
    expect(plan.regions.map((forwarding) => forwarding.region)).toEqual(['us-east-1']);
    expect(plan.crossAccount).toBe(false);
    expect(plan.targetEventBusArn).toBe(`arn:aws:events:${CONTROL_TOWER_HOME}:${MANAGEMENT_ACCOUNT}:event-bus/default`);
  });

  it('refuses a product outside the commercial partition, where Organizations does not report in us-east-1', () => {
    // Act + Assess
    expect(() =>
      planForwarding({
        events: ['CreateAccountResult'],
        forwardFrom: { managementAccountId: MANAGEMENT_ACCOUNT },
        product: { account: PRODUCT_ACCOUNT, region: 'cn-north-1' },
      }),
    ).toThrow(/supports the aws partition.*cn-north-1 is in aws-cn/);
  });
});
