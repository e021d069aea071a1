import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError, DEFAULT_CONFIG_PATH, parseAppConfig } from '../../../lib/product/app-config.js';
import { exampleConfig, expectResourceCount, synthStack } from '../stack-fixture.js';
import { CONTROL_TOWER_HOME, forwardingConfig, MANAGEMENT_ACCOUNT, ORGANIZATION_ID, PRODUCT_ACCOUNT, PRODUCT_REGION, productStack } from './support.js';

const POLICY = 'AWS::Events::EventBusPolicy';
const DEFAULT_BUS = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:${PRODUCT_REGION}:${PRODUCT_ACCOUNT}:event-bus/default`]] };

function busPolicyProperties(overrides: Record<string, unknown> = {}): Record<string, unknown>[] {
  const { template } = productStack(forwardingConfig(overrides));
  return Object.values(template.findResources(POLICY)).map((resource) => (resource as { Properties: Record<string, unknown> }).Properties);
}

describe("the product's bus policy for forwarded events", () => {
  it('lets only the management account put events on the default bus, and only events of the forwarded sources', () => {
    // Act
    const policies = busPolicyProperties();

    // Assess
    expect(policies).toEqual([
      {
        EventBusName: 'default',
        StatementId: 'LogpointCloudTrailOnboarding-org-events',
        Statement: {
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${MANAGEMENT_ACCOUNT}:root`]] } },
          Action: 'events:PutEvents',
          Resource: DEFAULT_BUS,
          Condition: { 'ForAllValues:StringEquals': { 'events:source': ['aws.organizations', 'aws.controltower'] } },
        },
      },
    ]);
  });

  it('also requires the sender to belong to the organization when organizationId is set', () => {
    // Act
    const [policy] = busPolicyProperties({ organizationId: ORGANIZATION_ID });

    // Assess
    expect((policy?.Statement as { Condition: unknown }).Condition).toEqual({
      'ForAllValues:StringEquals': { 'events:source': ['aws.organizations', 'aws.controltower'] },
      StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID },
    });
  });

  it('admits only the Organizations source when no Control Tower event is forwarded', () => {
    // Act
    const [policy] = busPolicyProperties({ controlTowerHomeRegion: undefined });

    // Assess
    expect((policy?.Statement as { Condition: unknown }).Condition).toEqual({ 'ForAllValues:StringEquals': { 'events:source': ['aws.organizations'] } });
  });

  it('is left out without triggers.forwardFrom, and so is the forwarding plan', () => {
    // Act
    const { stack, template } = synthStack(exampleConfig());

    // Assess
    expectResourceCount(template, POLICY, 0);
    expect(stack.orgEventForwarding).toBeUndefined();
  });

  it("is left out when the product runs in the management account: its own account's events need no policy", () => {
    // Act
    const { stack, template } = productStack(forwardingConfig({ managementAccountId: PRODUCT_ACCOUNT }));

    // Assess: us-east-1 and the Control Tower home region still forward, within the account.
    expectResourceCount(template, POLICY, 0);
    expect(stack.orgEventForwarding?.regions.map((forwarding) => forwarding.region)).toEqual(['us-east-1', CONTROL_TOWER_HOME]);
  });

  it('leaves cdk-nag AwsSolutions nothing unacknowledged', () => {
    // Prepare
    const { app, stack } = productStack(forwardingConfig({ organizationId: ORGANIZATION_ID }));

    // Act
    const report = new AwsSolutionsChecks(app).validateScope(stack);

    // Assess
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});

describe('triggers.forwardFrom in the config', () => {
  const example = (): Record<string, unknown> => JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
  const configError = (raw: Record<string, unknown>): ConfigError => {
    try {
      parseAppConfig(raw, 'test.json');
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('The config was accepted.');
  };

  it('needs env.account and env.region, naming both: the forwarders send to the default bus of that account and region', () => {
    // Act
    const error = configError({ ...example(), triggers: { forwardFrom: { managementAccountId: MANAGEMENT_ACCOUNT } } });

    // Assess
    expect(error.message).toContain('env.account: is required with triggers.forwardFrom');
    expect(error.message).toContain('env.region: is required with triggers.forwardFrom');
  });

  it.each([
    ['managementAccountId', { managementAccountId: '9999' }, 'triggers.forwardFrom.managementAccountId: must be a 12-digit AWS account id'],
    ['organizationId', { managementAccountId: MANAGEMENT_ACCOUNT, organizationId: 'org-1' }, 'triggers.forwardFrom.organizationId: must be an organization id'],
    [
      'controlTowerHomeRegion',
      { managementAccountId: MANAGEMENT_ACCOUNT, controlTowerHomeRegion: 'Frankfurt' },
      'triggers.forwardFrom.controlTowerHomeRegion: must be an AWS region code',
    ],
    ['an unknown key', { managementAccountId: MANAGEMENT_ACCOUNT, regions: ['us-east-1'] }, 'triggers.forwardFrom: Unrecognized key: "regions"'],
  ])('rejects a bad %s, naming the field', (_field, forwardFrom, expected) => {
    // Act
    const error = configError({ ...example(), env: { account: PRODUCT_ACCOUNT, region: PRODUCT_REGION }, triggers: { forwardFrom } });

    // Assess
    expect(error.message).toContain(expected);
  });
});
