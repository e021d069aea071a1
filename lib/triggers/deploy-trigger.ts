import { CustomResource, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { DeployTriggerProperties } from '../../lambda/contract/account-events.js';
import type { ExecutionStarter } from './execution-starter.js';

export interface DeployTriggerProps {
  starter: ExecutionStarter;
  /** What every deployment starts: one onboarding of an account (or the organization source), or a fleet run. */
  start: { accountId: string } | { fleet: true };
  /**
   * A value that differs on every synth, so that CloudFormation updates the resource (and the
   * starter starts one onboarding) on every `cdk deploy`. It also names the execution, so a
   * repeated request for the same deployment starts nothing new.
   */
  deployNonce: string;
  /**
   * How long CloudFormation waits for the starter's answer.
   * @default 5 minutes
   */
  timeout?: Duration;
}

/**
 * Starts one onboarding of the configured account (or a fleet run) on every deployment: a custom resource served
 * directly by the execution starter. Its `ExecutionArn` attribute is the execution this deployment
 * started (or the one already running for the account). Deleting it does nothing.
 */
export class DeployTrigger extends Construct {
  readonly resource: CustomResource;
  /** The onboarding execution of this deployment. */
  readonly executionArn: string;

  constructor(scope: Construct, id: string, props: DeployTriggerProps) {
    super(scope, id);
    const properties: DeployTriggerProperties =
      'fleet' in props.start ? { Fleet: 'true', DeployNonce: props.deployNonce } : { AccountId: props.start.accountId, DeployNonce: props.deployNonce };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: props.starter.function.functionArn,
      resourceType: 'Custom::LogpointCloudTrailOnboarding',
      properties,
      serviceTimeout: props.timeout ?? Duration.minutes(5),
    });
    // The starter needs its StartExecution grant before CloudFormation calls it.
    this.resource.node.addDependency(props.starter.function.role ?? props.starter.function);
    this.executionArn = this.resource.getAttString('ExecutionArn');
  }
}
