#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, DEFAULT_CONFIG_PATH, loadAppConfig } from '../lib/product/app-config.js';
import { OnboardingStack } from '../lib/product/onboarding-stack.js';
import { addOrgEventForwarderStacks } from '../lib/org-events/org-event-forwarder-stacks.js';
import { ControlTowerGuard } from '../lib/shared/control-tower-guard.js';

const app = new App();
const configPath = (app.node.tryGetContext('config') as string | undefined) ?? DEFAULT_CONFIG_PATH;

try {
  const { config } = loadAppConfig(configPath);
  const product = new OnboardingStack(app, config.stackName, {
    config,
    ...(config.env ? { env: config.env } : {}),
    description: "Onboards AWS accounts' CloudTrail logs into Logpoint through the Director Console API.",
  });
  // With `triggers.forwardFrom`: `<stackName>-OrgEvents-<region>` for the management account, deployed with its credentials.
  addOrgEventForwarderStacks(app, { productStackName: config.stackName, plan: product.orgEventForwarding, tags: config.tags });
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
// cdk-nag and the AWS Control Tower proactive controls (cfn-guard, offline) run on every synth, over every stack: any
// finding that is not acknowledged with a reason fails it (the guard's reasons: lib/shared/guard-suppressions.ts).
// `Validations.addPlugins` is the current form of the deprecated `new App({ policyValidationBeta1 })`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ControlTowerGuard());
app.synth();
