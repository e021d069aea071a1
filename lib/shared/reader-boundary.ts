import { Stack } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { READER_USER_PATH } from '../../lambda/contract/names.js';
import type { TrailSettings } from '../../lambda/contract/runtime-settings.js';
import { acknowledgeWildcardResource, NagReason } from './nag-acknowledgements.js';
import { trailBucketArn, trailLogObjectsArn } from './resource-scopes.js';

export interface ReaderPermissionsBoundaryProps {
  trail: TrailSettings;
}

/**
 * The permissions boundary every reader user is created with: whatever inline policy a reader
 * ends up with, it can at most list the trail bucket, read its CloudTrail logs and decrypt them
 * through S3. The roles that create or change readers may do so only with this boundary attached,
 * so even a role that is abused cannot turn a reader into anything more than a log reader.
 */
export class ReaderPermissionsBoundary extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: ReaderPermissionsBoundaryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const bucketArn = trailBucketArn(stack, props.trail.bucketName);
    this.policy = new ManagedPolicy(this, 'Policy', {
      managedPolicyName: readerBoundaryPolicyName(stack.stackName),
      path: READER_USER_PATH,
      description: 'Caps the Logpoint CloudTrail reader users at reading the trail bucket.',
      statements: [
        new PolicyStatement({ sid: 'ListTrailBucket', actions: ['s3:ListBucket'], resources: [bucketArn] }),
        new PolicyStatement({ sid: 'ReadTrailLogs', actions: ['s3:GetObject'], resources: [trailLogObjectsArn(stack, props.trail)] }),
        new PolicyStatement({
          sid: 'DecryptTrailLogsThroughS3',
          actions: ['kms:Decrypt'],
          // The trail's key is found at run time (CheckBucket); the boundary caps it to S3's use.
          resources: ['*'],
          conditions: { StringLike: { 'kms:ViaService': `s3.${props.trail.bucketRegion ?? '*'}.amazonaws.com*` } },
        }),
      ],
    });
    acknowledgeWildcardResource(this.policy, trailLogObjectsArn(stack, props.trail), NagReason.TRAIL_LOG_OBJECTS);
    acknowledgeWildcardResource(this.policy, '*', NagReason.READER_BOUNDARY_KMS);
  }

  get arn(): string {
    return this.policy.managedPolicyArn;
  }
}

/** The boundary's name: one per stack, so two stacks in one account never share (or fight over) it. */
export function readerBoundaryPolicyName(stackName: string): string {
  return `${stackName}-cloudtrail-reader-boundary`;
}
