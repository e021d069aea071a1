import { Stack } from 'aws-cdk-lib';
import { CfnEventBusPolicy } from 'aws-cdk-lib/aws-events';
import { AccountPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface ForwardedEventsBusPolicyProps {
  /** The account the forwarders run in; its events are put on this stack's default bus. */
  managementAccountId: string;
  /** When set, the sender must also belong to this organization (`aws:PrincipalOrgID`). */
  organizationId?: string;
  /** The `source` of every forwarded event; no other source is admitted. */
  sources: readonly string[];
}

/**
 * The product side of organization-event forwarding: a statement on this stack's default event bus
 * that lets the management account, and only it, put the forwarded events there (the receiving
 * bus must allow the sending account: EventBridge User Guide, "Sending and receiving events between
 * AWS accounts"). `events:source` limits it to the forwarded sources, as in AWS's own example
 * policy; `aws:PrincipalOrgID` is the one condition key EventBridge documents for an organization.
 * One statement of the bus's policy: statements that others add to the default bus are left alone.
 */
export class ForwardedEventsBusPolicy extends Construct {
  readonly policy: CfnEventBusPolicy;

  constructor(scope: Construct, id: string, props: ForwardedEventsBusPolicyProps) {
    super(scope, id);
    if (props.sources.length === 0) throw new Error('A bus policy for forwarded events needs the sources it admits.');
    const stack = Stack.of(this);
    const statement = new PolicyStatement({
      principals: [new AccountPrincipal(props.managementAccountId)],
      actions: ['events:PutEvents'],
      resources: [stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      conditions: {
        'ForAllValues:StringEquals': { 'events:source': [...props.sources] },
        ...(props.organizationId === undefined ? {} : { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } }),
      },
    });
    this.policy = new CfnEventBusPolicy(this, 'Resource', {
      eventBusName: 'default',
      // 1-64 of [A-Za-z0-9_-]; the stack name keeps two product stacks on one bus apart.
      statementId: `${stack.stackName}-org-events`.slice(0, 64),
      statement: statement.toStatementJson() as Record<string, unknown>,
    });
  }
}
