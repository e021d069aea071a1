import { Template } from 'aws-cdk-lib/assertions';
import { AccountEventRoutes, type AccountEventName } from '../../../lambda/contract/account-events.js';
import type { AppConfig } from '../../../lib/product/app-config.js';
import { OnboardingStack } from '../../../lib/product/onboarding-stack.js';
import { exampleConfig, testApp, type SynthesizedStack } from '../stack-fixture.js';

/** Fixtures shared by the tests of lib/org-events/. */

export const MANAGEMENT_ACCOUNT = '999988887777';
export const PRODUCT_ACCOUNT = '111122223333';
export const PRODUCT_REGION = 'eu-west-1';
export const CONTROL_TOWER_HOME = 'eu-central-1';
export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const PRODUCT_BUS_ARN = `arn:aws:events:${PRODUCT_REGION}:${PRODUCT_ACCOUNT}:event-bus/default`;

/** The example config deployed to the product account, with `triggers.forwardFrom` (overridable) set. */
export function forwardingConfig(forwardFrom: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): AppConfig {
  return exampleConfig({
    env: { account: PRODUCT_ACCOUNT, region: PRODUCT_REGION },
    triggers: { forwardFrom: { managementAccountId: MANAGEMENT_ACCOUNT, controlTowerHomeRegion: CONTROL_TOWER_HOME, ...forwardFrom } },
    ...overrides,
  });
}

/** An event's pattern as CloudFormation receives it: the contract's, with `detailType` spelled `detail-type`. */
export function renderedPattern(name: AccountEventName): Record<string, unknown> {
  const { source, detailType, detail } = AccountEventRoutes[name].pattern;
  return { source, 'detail-type': detailType, detail };
}

/** The product stack as bin/app.ts builds it: in the config's environment, when it names one. */
export function productStack(config: AppConfig): SynthesizedStack {
  const app = testApp();
  const stack = new OnboardingStack(app, config.stackName, { config, ...(config.env ? { env: config.env } : {}) });
  return { app, stack, template: Template.fromStack(stack) };
}
