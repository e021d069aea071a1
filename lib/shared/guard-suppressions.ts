import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The name `CfnGuardValidator` reports under; an acknowledgement id is `<plugin>::<guard rule name>`. */
const GUARD_PLUGIN = 'cdk-validator-cfnguard';

interface GuardSuppression {
  /** The AWS Control Tower proactive control, as the synth report names it. */
  control: string;
  /** The cfn-guard rule name (what the report says to acknowledge). */
  rule: string;
  reason: string;
}

/**
 * Every AWS Control Tower proactive control (the cfn-guard rules bundled with
 * `@cdklabs/cdk-validator-cfnguard`, run on every synth by bin/app.ts) that the product does not
 * meet, and why, in one place so a reviewer sees every exception it makes. A product-wide decision
 * is acknowledged on the product construct, a false positive only on the resource that carries it
 * (the synth's cdk.out/validation-report.json lists them as suppressed, with the reason). A finding
 * with no entry here fails the synth; an entry that matches no finding fails test/bin/app.test.ts.
 */
export const GuardSuppressions = {
  LOG_GROUP_CUSTOMER_KEY: {
    control: 'CT.CLOUDWATCH.PR.3',
    rule: 'cloudwatch_log_group_encrypted_check',
    reason:
      'CloudWatch Logs encrypts every log group at rest with AWS-owned keys. These logs hold ids, account numbers, order states and error codes: ' +
      'secret keys are redacted before anything is logged and the state machines log without execution data. A customer managed key would add a key ' +
      'policy for the logs service, a monthly cost and a way to lose every log by scheduling the key for deletion, with no confidentiality gain.',
  },
  LAMBDA_OUTSIDE_VPC: {
    control: 'CT.LAMBDA.PR.3',
    rule: 'lambda_inside_vpc_check',
    reason:
      'The functions call only HTTPS APIs reachable without a VPC (the AWS APIs and the Director Console API at its configured URL) and reach no ' +
      'resource inside one; access is controlled by one least-privilege IAM role per function. In a VPC they would need a NAT gateway or an interface ' +
      'endpoint per AWS service, which the product would have to create or require of every installation, without protecting anything.',
  },
  SECRETS_MANAGER_INVOKE_PERMISSION: {
    control: 'CT.LAMBDA.PR.2',
    rule: 'lambda_function_public_access_prohibited_check',
    reason:
      'False positive: the permission lets only secretsmanager.amazonaws.com invoke the rotation function, with SourceAccount set to this account ' +
      '(Ref AWS::AccountId) and SourceArn to its account secrets, logpoint/cloudtrail/… (Fn::Join). The rule accepts only literal strings or a reference to a ' +
      'resource of the template, so it does not see that both conditions are set.',
  },
  DEAD_LETTER_QUEUE: {
    control: 'CT.SQS.PR.1',
    rule: 'sqs_dlq_check',
    reason:
      'False positive: this queue is itself a dead-letter queue, of the triggers and of the start-execution function, or of the rules that forward the ' +
      "management account's events, and a dead-letter queue of a dead-letter queue adds nothing. The rule recognises a dead-letter queue only by a " +
      'RedriveAllowPolicy of allowAll or byQueue, which would let SQS queues redrive into it; none does (EventBridge and Lambda send to it directly), ' +
      'so declaring one would only widen access.',
  },
} as const satisfies Record<string, GuardSuppression>;

/** Records that a Control Tower control does not apply to `scope` and everything below it, and why. */
function acknowledgeGuardFinding(scope: IConstruct, suppression: GuardSuppression): void {
  Validations.of(scope).acknowledge({ id: `${GUARD_PLUGIN}::${suppression.rule}`, reason: `${suppression.control}: ${suppression.reason}` });
}

interface GuardFindingScopes {
  /** The product construct: the product-wide decisions (log group keys, no VPC) apply to everything below it. */
  product: IConstruct;
  /** The starter's dead-letter queue. */
  deadLetterQueue: IConstruct;
  /** The rotation function's Secrets Manager invoke permission, when key rotation is on. */
  rotationInvokePermission?: IConstruct | undefined;
}

/** Applies {@link GuardSuppressions}: each on the scope it was written for, none wider. */
export function acknowledgeGuardFindings(scopes: GuardFindingScopes): void {
  acknowledgeGuardFinding(scopes.product, GuardSuppressions.LOG_GROUP_CUSTOMER_KEY);
  acknowledgeGuardFinding(scopes.product, GuardSuppressions.LAMBDA_OUTSIDE_VPC);
  acknowledgeDeadLetterQueue(scopes.deadLetterQueue);
  if (scopes.rotationInvokePermission) acknowledgeGuardFinding(scopes.rotationInvokePermission, GuardSuppressions.SECRETS_MANAGER_INVOKE_PERMISSION);
}

/** Accepts CT.SQS.PR.1 on a queue that is itself a dead-letter queue (the starter's, or an event forwarder's). */
export function acknowledgeDeadLetterQueue(queue: IConstruct): void {
  acknowledgeGuardFinding(queue, GuardSuppressions.DEAD_LETTER_QUEUE);
}
