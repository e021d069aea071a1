import { CloudFormationClient, DescribeStacksCommand, paginateListStackResources, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CollectionMode } from '../../lambda/contract/collection.js';
import { EnvName } from '../../lambda/contract/env-names.js';
import { runtimeSettingsSchema } from '../../lambda/contract/runtime-settings.js';
import { fail, pass, type PreflightCheck } from '../../lambda/preflight/report.js';
import { createDirectorClient } from '../../lambda/shared/runtime/aws-clients/director.js';
import { awsOperations, type AwsOperationClients } from './aws-operations.js';
import type { Target } from './target.js';

export interface AwsTargetOptions {
  stack: string;
  region?: string | undefined;
  /** A profile of the shared AWS config; the default credential chain otherwise. */
  profile?: string | undefined;
}

/** The clients the AWS target talks through (tests hand in their own). */
export interface AwsTargetClients extends AwsOperationClients {
  cloudFormation: CloudFormationClient;
}

/** Raised when the stack cannot be used as a target: exit 1, with what to do. */
export class StackNotUsableError extends Error {
  override readonly name = 'StackNotUsableError';
}

/**
 * A deployed stack as the target: found by name through CloudFormation, its settings read from
 * the starter function's environment (the same settings every function runs with), everything
 * else reached with the caller's own AWS credentials: Director through the Director credential
 * secret the stack names, the trail bucket through S3.
 */
export async function openAwsTarget(options: AwsTargetOptions, clients: Partial<AwsTargetClients> = {}): Promise<Target> {
  // The default provider chain reads the profile from the environment; set it before any client exists.
  if (options.profile !== undefined) process.env.AWS_PROFILE = options.profile;
  const region = options.region === undefined ? {} : { region: options.region };
  const cloudFormation = clients.cloudFormation ?? new CloudFormationClient(region);
  const lambda = clients.lambda ?? new LambdaClient(region);
  const { Stacks: stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: options.stack })).catch((error: unknown) => {
    throw new StackNotUsableError(
      `Stack ${options.stack} was not found${options.region ? ` in ${options.region}` : ''}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  const stack = stacks?.[0];
  const outputs = Object.fromEntries((stack?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  const starter = outputs.StarterFunctionName;
  if (stack === undefined || starter === undefined || starter === '') {
    throw new StackNotUsableError(`Stack ${options.stack} has no StarterFunctionName output: is it a logpoint-cloudtrail-onboarding stack?`);
  }
  const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: starter }));
  const rawSettings = configuration.Environment?.Variables?.[EnvName.SETTINGS];
  if (rawSettings === undefined) throw new StackNotUsableError(`The starter function ${starter} carries no ${EnvName.SETTINGS}: redeploy the stack.`);
  const settings = runtimeSettingsSchema.parse(JSON.parse(rawSettings));
  const secretsManager = clients.secretsManager ?? new SecretsManagerClient(region);
  const operations = awsOperations(
    { lambda, secretsManager, sfn: clients.sfn ?? new SFNClient(region), dynamo: clients.dynamo ?? new DynamoDBClient(region) },
    {
      starterFunctionName: starter,
      onboardingStateMachineArn: outputs.StateMachineArn,
      offboardingStateMachineArn: outputs.OffboardingStateMachineArn,
      accountRegistryTable: outputs.AccountRegistryTable,
    },
  );
  const stackAccount = (stack.StackId ?? '').split(':')[4] ?? '';
  const organizationId = settings.collection.mode === CollectionMode.Organization ? settings.trail.organizationId : undefined;
  return {
    name: 'aws',
    settings,
    director: createDirectorClient(settings.director, secretsManager),
    s3: new S3Client({ ...region, followRegionRedirects: true }),
    iam: new IAMClient({ region: 'us-east-1' }),
    secretsManager,
    organizations: new OrganizationsClient({ region: 'us-east-1' }),
    kms: (keyRegion) => new KMSClient({ region: keyRegion }),
    accountId: stackAccount,
    defaultSubject: organizationId ?? stackAccount,
    targetChecks: () => stackChecks(cloudFormation, options.stack, stack.StackStatus ?? 'UNKNOWN'),
    ...operations,
    close: () => Promise.resolve(),
  };
}

const SETTLED = /_COMPLETE$/;

/** The stack is deployed and settled, and every role and alarm in it exists. */
async function stackChecks(cloudFormation: CloudFormationClient, stackName: string, status: string): Promise<PreflightCheck[]> {
  const checks = [
    SETTLED.test(status) && !status.includes('ROLLBACK')
      ? pass('stack.status', 'Stack', `${stackName} is ${status}`)
      : fail('stack.status', 'Stack', `${stackName} is ${status}`, 'Finish or fix the deployment (cdk deploy) before onboarding.'),
  ];
  const resources: StackResourceSummary[] = [];
  for await (const page of paginateListStackResources({ client: cloudFormation }, { StackName: stackName }))
    resources.push(...(page.StackResourceSummaries ?? []));
  for (const [id, title, type] of [
    ['stack.roles', 'IAM roles', 'AWS::IAM::Role'],
    ['stack.alarms', 'Alarms', 'AWS::CloudWatch::Alarm'],
  ] as const) {
    const ofType = resources.filter((resource) => resource.ResourceType === type);
    const unsettled = ofType.filter((resource) => !SETTLED.test(resource.ResourceStatus ?? '') || (resource.ResourceStatus ?? '').startsWith('DELETE'));
    checks.push(
      ofType.length > 0 && unsettled.length === 0
        ? pass(id, title, `${ofType.length} in place`)
        : fail(
            id,
            title,
            ofType.length === 0
              ? `the stack has no ${type}`
              : `${unsettled.map((resource) => `${resource.LogicalResourceId} (${resource.ResourceStatus})`).join(', ')}`,
            'Redeploy the stack (cdk deploy): the product needs every one of them.',
          ),
    );
  }
  return checks;
}
