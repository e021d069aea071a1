import { Annotations, CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { collectionNotices, deploySubjectOf } from './collection-config.js';
import { describeSubject } from '../../lambda/contract/collection.js';
import type { Construct } from 'constructs';
import { runtimeSettingsFromConfig, type AppConfig } from './app-config.js';
import { CloudTrailOnboarding } from './cloudtrail-onboarding.js';
import type { OnboardingWorkflow } from '../onboarding/onboarding-workflow.js';
import type { AccountEventName } from '../../lambda/contract/account-events.js';
import { ForwardedEventsBusPolicy } from '../org-events/forwarded-events-bus-policy.js';
import { planForwarding, type ForwardingPlan } from '../org-events/forwarding-plan.js';

/** CDK context key of the deploy nonce (`-c deployNonce=...`); tests set it for a stable template. */
const DEPLOY_NONCE_CONTEXT = 'deployNonce';

export interface OnboardingStackProps extends StackProps {
  config: AppConfig;
  /**
   * Makes each deployment start one onboarding of `config.onboardAccountId` (the organization source in organization mode).
   * @default context `deployNonce`, else the time of synthesis
   */
  deployNonce?: string;
}

/** The deployable stack: a thin wrapper that builds {@link CloudTrailOnboarding} from the typed config. */
export class OnboardingStack extends Stack {
  readonly onboarding: CloudTrailOnboarding;
  readonly workflow: OnboardingWorkflow;
  /**
   * Which of the product's account events the management account forwards, from where; present
   * when `triggers.forwardFrom` is set (the forwarder stacks: lib/org-events/org-event-forwarder-stacks.ts).
   */
  readonly orgEventForwarding?: ForwardingPlan;
  /** Lets the management account put the forwarded events on this stack's default bus; present when they cross accounts. */
  readonly forwardedEventsBusPolicy?: ForwardedEventsBusPolicy;

  constructor(scope: Construct, id: string, props: OnboardingStackProps) {
    super(scope, id, props);
    const { config } = props;
    const contextNonce = this.node.tryGetContext(DEPLOY_NONCE_CONTEXT) as unknown;
    const deployNonce = props.deployNonce ?? (typeof contextNonce === 'string' || typeof contextNonce === 'number' ? String(contextNonce) : undefined);
    const { caBundleFile } = config.director;
    const deploySubject = deploySubjectOf(config);
    for (const notice of collectionNotices(config)) Annotations.of(this).addWarningV2('logpoint:collection-mode', `collection.mode is ${notice}`);

    this.onboarding = new CloudTrailOnboarding(this, 'Onboarding', {
      settings: runtimeSettingsFromConfig(config),
      triggers: config.triggers,
      starterReservedConcurrency: config.triggers.starterReservedConcurrency,
      fleet: { maxConcurrency: config.fleet.maxConcurrency, schedule: config.fleet.schedule, onboardExisting: config.fleet.onboardExisting },
      ...(caBundleFile === undefined ? {} : { directorCaBundleFile: caBundleFile }),
      ...(deploySubject === undefined ? {} : { onboardAccountId: deploySubject }),
      ...(deployNonce === undefined ? {} : { deployNonce }),
      ...(config.notifications.email === undefined ? {} : { notificationEmail: config.notifications.email }),
      keyRotation: config.keyRotation.enabled ? { scheduleDays: config.keyRotation.scheduleDays } : false,
      offboarding: config.offboarding.enabled ? { secretRecoveryWindowDays: config.offboarding.secretRecoveryWindowDays } : false,
      reconcile: { schedule: config.reconcile.schedule },
    });
    this.workflow = this.onboarding.workflow;

    new CfnOutput(this, 'StateMachineArn', {
      description: 'The onboarding workflow; start an execution with {"accountId": "<12 digits>"} to onboard an account by hand.',
      value: this.onboarding.stateMachine.stateMachineArn,
    });
    if (this.onboarding.offboardingWorkflow) {
      new CfnOutput(this, 'OffboardingStateMachineArn', {
        description: 'The offboarding workflow; start an execution with {"accountId": "<12 digits>", "reason": "manual"} to offboard an account by hand.',
        value: this.onboarding.offboardingWorkflow.stateMachine.stateMachineArn,
      });
    }
    new CfnOutput(this, 'FleetStateMachineArn', {
      description: 'The fleet workflow; start an execution (input {} or {"accountIds": [...]}) to onboard the existing organization.',
      value: this.onboarding.fleet.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'ReconcileStateMachineArn', {
      description: 'The reconciliation workflow; start an execution (input {} or {"dryRun": true}) to find and repair drift now.',
      value: this.onboarding.reconcile.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'AccountRegistryTable', {
      description: 'The account registry: one item per account, with its state, source, reader, key id, last runs and drift.',
      value: this.onboarding.accountRegistry.table.tableName,
    });
    new CfnOutput(this, 'StarterFunctionName', {
      description: 'Invoke with {"accountId": "<12 digits>"} to onboard an account by hand (refuses while a run for it is in progress).',
      value: this.onboarding.starterFunction.functionName,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic of the failure alarms and failed-onboarding notifications.',
      value: this.onboarding.alarmTopic.topicArn,
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      description: 'Events that could not start an execution end up here.',
      value: this.onboarding.starter.deadLetterQueue.queueUrl,
    });
    if (this.onboarding.deployExecutionArn !== undefined) {
      new CfnOutput(this, 'OnboardingExecutionArn', {
        description: `The onboarding of ${describeSubject(deploySubject ?? '')} started by this deployment.`,
        value: this.onboarding.deployExecutionArn,
      });
    }
    const { forwardFrom } = config.triggers;
    if (forwardFrom !== undefined) {
      // The config loader insists on both when forwardFrom is set (org-events-config.ts).
      const { account, region } = config.env ?? {};
      if (account === undefined || region === undefined) throw new Error('triggers.forwardFrom needs env.account and env.region.');
      this.orgEventForwarding = planForwarding({
        events: Object.keys(this.onboarding.triggers.rules) as AccountEventName[],
        forwardFrom,
        product: { account, region },
      });
      const { crossAccount, regions, sources, managementAccountId, organizationId } = this.orgEventForwarding;
      if (crossAccount && regions.length > 0) {
        this.forwardedEventsBusPolicy = new ForwardedEventsBusPolicy(this, 'ForwardedEventsBusPolicy', {
          managementAccountId,
          sources,
          ...(organizationId === undefined ? {} : { organizationId }),
        });
      }
    }
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);
  }
}
