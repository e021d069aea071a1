import { Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ForwardingPlan } from './forwarding-plan.js';
import { OrgEventForwarderStack } from './org-event-forwarder-stack.js';

export interface OrgEventForwarderStacksProps {
  /** The product stack's name; each forwarder stack is named `<stackName>-OrgEvents-<region>`. */
  productStackName: string;
  /** The product stack's plan (`OnboardingStack.orgEventForwarding`); nothing is added without one. */
  plan: ForwardingPlan | undefined;
  /** Tags on every resource, as on the product stack. */
  tags?: Record<string, string>;
}

/**
 * One forwarder stack per region of the plan, each bound to the management account and its region
 * (`env`), so `cdk deploy` refuses credentials of another account. Synth needs no credentials.
 */
export function addOrgEventForwarderStacks(scope: Construct, props: OrgEventForwarderStacksProps): OrgEventForwarderStack[] {
  const { plan } = props;
  if (plan === undefined) return [];
  return plan.regions.map(({ region, events }) => {
    const stack = new OrgEventForwarderStack(scope, `${props.productStackName}-OrgEvents-${region}`, {
      env: { account: plan.managementAccountId, region },
      events,
      productEventBusArn: plan.targetEventBusArn,
      description: `Forwards the management account's ${region} account events to the Logpoint CloudTrail onboarding stack ${props.productStackName}.`,
    });
    for (const [key, value] of Object.entries(props.tags ?? {})) Tags.of(stack).add(key, value);
    return stack;
  });
}
