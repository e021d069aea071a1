import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Why each accepted cdk-nag finding is acceptable, in one place so a reviewer sees every exception
 * the product makes. Each reason is applied to the narrowest construct that carries the finding.
 */
export const NagReason = {
  XRAY_WRITE: 'X-Ray has no resource-level permissions: xray:PutTraceSegments and PutTelemetryRecords require Resource "*".',
  STATE_MACHINE_XRAY_AND_LOG_DELIVERY:
    'Step Functions requires Resource "*" for X-Ray tracing and for the CloudWatch Logs delivery actions (logs:CreateLogDelivery etc.); neither supports resource-level permissions.',
  LAMBDA_INVOKE_VERSIONS:
    'The state machine may invoke exactly its own workflow functions; the ":*" suffix only covers versions and aliases of those functions.',
  ROTATION_FUNCTION_VERSIONS:
    'RotateSecret needs lambda:InvokeFunction on the rotation function; the ":*" suffix only covers versions and aliases of that one function.',
  READER_BOUNDARY_KMS:
    'The trail key is found at run time; the reader boundary caps kms:Decrypt to calls made through S3 (kms:ViaService), and each reader inline policy names the one key.',
  TRAIL_LOG_OBJECTS:
    'Reading the first CloudTrail log object under the trail prefix needs s3:GetObject on the AWSLogs/ keys of the configured bucket; the object keys are not known in advance.',
  NODE_22_RUNTIME:
    'The product is built, bundled (target node22) and tested for the nodejs22.x runtime, which AWS supports until 2027; moving to a newer runtime is a deliberate, tested upgrade, not a lint fix.',
  LOCK_HOLDER_EXECUTIONS:
    "Taking over an account lock whose run has ended needs states:DescribeExecution on that run; a lock's holder is any execution of the product's own state machines, not known in advance.",
  ORGANIZATIONS_LISTING:
    "A fleet run lists the organization's accounts: organizations:ListAccounts accepts no resource, and the OU and tag listings name resources found only while listing; all are read-only.",
  FLEET_CHILD_EXECUTIONS:
    'StartExecution.sync of the onboarding workflow needs DescribeExecution/StopExecution on its executions (names not known in advance) and the rule Step Functions manages to watch them.',
  DLQ_IS_A_DLQ:
    'This queue is itself a dead-letter queue (of the triggers and the start-execution function, or of the rules forwarding the management account events); a dead-letter queue of a dead-letter queue adds nothing.',
} as const;

/** Records that a cdk-nag finding (its exact id, e.g. `AwsSolutions-IAM5[Resource::*]`) is accepted, and why. */
export function acknowledgeFinding(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Accepts the AwsSolutions-IAM5 finding for one wildcard resource of a policy on `scope`. The
 * finding id embeds the resource as cdk-nag renders it (intrinsics flattened to `<AWS::Partition>`,
 * `<Logical.Arn>` …), so it is computed from the same value the grant used, never typed by hand.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  acknowledgeFinding(scope, `AwsSolutions-IAM5[Resource::${flattenForNag(Stack.of(scope).resolve(resource))}]`, reason);
}

/** cdk-nag's rendering of a resolved CloudFormation value (its utils/flatten-cfn-reference). */
function flattenForNag(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (Array.isArray(record['Fn::Join'])) {
      const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
      return items.map(flattenForNag).join(delimiter);
    }
    if ('Fn::Sub' in record) return flattenForNag(record['Fn::Sub']);
    if (Array.isArray(record['Fn::GetAtt'])) {
      const [logicalId, attribute] = record['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenForNag(logicalId)}.${flattenForNag(attribute)}>`;
    }
    if ('Fn::ImportValue' in record) return flattenForNag(record['Fn::ImportValue']);
    if ('Ref' in record) return `<${flattenForNag(record.Ref)}>`;
  }
  return JSON.stringify(node);
}
