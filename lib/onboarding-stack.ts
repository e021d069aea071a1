import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { runtimeSettingsFromConfig, type AppConfig } from './app-config.js';
import { OnboardingWorkflow } from './onboarding-workflow.js';

export interface OnboardingStackProps extends StackProps {
  config: AppConfig;
}

/** The deployable stack: a thin wrapper that wires the product's constructs from the typed config. */
export class OnboardingStack extends Stack {
  readonly workflow: OnboardingWorkflow;

  constructor(scope: Construct, id: string, props: OnboardingStackProps) {
    super(scope, id, props);
    const { config } = props;
    const settings = runtimeSettingsFromConfig(config);
    const secretId = settings.director.credentialSecretId;
    const directorSecret = secretId.startsWith('arn:')
      ? Secret.fromSecretCompleteArn(this, 'DirectorSecret', secretId)
      : Secret.fromSecretNameV2(this, 'DirectorSecret', secretId);

    this.workflow = new OnboardingWorkflow(this, 'Onboarding', { settings, directorSecret });
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);
  }
}
