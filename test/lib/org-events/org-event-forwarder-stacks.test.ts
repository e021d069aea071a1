import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addOrgEventForwarderStacks } from '../../../lib/org-events/org-event-forwarder-stacks.js';
import { loadAppConfig, type AppConfig } from '../../../lib/product/app-config.js';
import { OnboardingStack } from '../../../lib/product/onboarding-stack.js';
import { exampleConfig, testApp } from '../stack-fixture.js';
import { CONTROL_TOWER_HOME, forwardingConfig, MANAGEMENT_ACCOUNT, PRODUCT_BUS_ARN, renderedPattern } from './support.js';

const FIXTURE_CONFIG = path.join(import.meta.dirname, '..', '..', 'fixtures', 'org-events-config.json');

/** What bin/app.ts builds from a config: the product stack, then the forwarder stacks its plan asks for. */
function appFor(config: AppConfig) {
  const app = testApp();
  // Synthesized only once every stack is in the app, as bin/app.ts does.
  const product = new OnboardingStack(app, config.stackName, { config, ...(config.env ? { env: config.env } : {}) });
  const forwarders = addOrgEventForwarderStacks(app, { productStackName: config.stackName, plan: product.orgEventForwarding, tags: config.tags });
  const stacks = app.node.children.filter((child): child is Stack => child instanceof Stack);
  return { app, product, forwarders, stacks };
}

describe('addOrgEventForwarderStacks', () => {
  it('synthesizes nothing for the management account when triggers.forwardFrom is not set', () => {
    // Act
    const { forwarders, stacks } = appFor(exampleConfig());

    // Assess
    expect(forwarders).toEqual([]);
    expect(stacks.map((stack) => stack.stackName)).toEqual(['LogpointCloudTrailOnboarding']);
  });

  it('adds <stackName>-OrgEvents-<region> for us-east-1 and the Control Tower home region, bound to the management account and tagged like the product', () => {
    // Act
    const { forwarders } = appFor(forwardingConfig());

    // Assess
    expect(forwarders.map((stack) => [stack.stackName, stack.account, stack.region])).toEqual([
      ['LogpointCloudTrailOnboarding-OrgEvents-us-east-1', MANAGEMENT_ACCOUNT, 'us-east-1'],
      [`LogpointCloudTrailOnboarding-OrgEvents-${CONTROL_TOWER_HOME}`, MANAGEMENT_ACCOUNT, CONTROL_TOWER_HOME],
    ]);
    for (const stack of forwarders) {
      Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { Tags: [{ Key: 'project', Value: 'logpoint-cloudtrail-onboarding' }] });
    }
  });

  it("forwards exactly the events the product stack has rules for, each from where AWS emits it, to the product's bus", () => {
    // Act: without offboarding the product has no Close/Remove rules, so nothing forwards them.
    const { product, forwarders } = appFor(forwardingConfig({}, { offboarding: { enabled: false } }));

    // Assess
    const forwarded = forwarders.map((stack) => ({
      region: stack.region,
      patterns: Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule')).map(
        (rule) => (rule as { Properties: { EventPattern: unknown } }).Properties.EventPattern,
      ),
      target: stack.productEventBusArn.default as unknown,
    }));
    expect(Object.keys(product.onboarding.triggers.rules).sort()).toEqual(['CreateAccountResult', 'CreateManagedAccount', 'UpdateManagedAccount']);
    expect(forwarded).toEqual([
      { region: 'us-east-1', patterns: [renderedPattern('CreateAccountResult')], target: PRODUCT_BUS_ARN },
      { region: CONTROL_TOWER_HOME, patterns: [renderedPattern('CreateManagedAccount'), renderedPattern('UpdateManagedAccount')], target: PRODUCT_BUS_ARN },
    ]);
  });

  it('builds the forwarders of the fixture config that `cdk synth -c config=test/fixtures/org-events-config.json` uses', () => {
    // Act
    const { stacks } = appFor(loadAppConfig(FIXTURE_CONFIG).config);

    // Assess
    expect(stacks.map((stack) => stack.stackName)).toEqual([
      'LogpointCloudTrailOnboarding',
      'LogpointCloudTrailOnboarding-OrgEvents-us-east-1',
      'LogpointCloudTrailOnboarding-OrgEvents-eu-central-1',
    ]);
  });
});
