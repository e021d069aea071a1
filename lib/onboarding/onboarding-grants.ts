import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { EnvName } from '../../lambda/contract/env-names.js';
import type { OnboardingTaskName } from '../../lambda/contract/onboarding-states.js';
import { OWNER_MARKER, TagKey } from '../../lambda/contract/names.js';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import { acknowledgeWildcardResource, NagReason } from '../shared/nag-acknowledgements.js';
import type { OnboardingFunction } from '../shared/onboarding-function.js';
import type { ReaderPermissionsBoundary } from '../shared/reader-boundary.js';
import {
  absentReaderUsersArn,
  accountSecretsArn,
  defaultPolicyOf,
  grantDirectorSecret,
  OWNED_ACCOUNT_SECRET,
  OWNED_READER_USER,
  readerUsersArn,
  trailBucketArn,
  trailLogObjectsArn,
} from '../shared/resource-scopes.js';

export interface OnboardingGrantsProps {
  settings: RuntimeSettings;
  directorSecret: ISecret;
  readerBoundary: ReaderPermissionsBoundary;
}

/** The steps that call Director: the only ones that read the Director secret or get the CA bundle. */
export const DIRECTOR_TASKS: readonly OnboardingTaskName[] = ['RegisterLogSource', 'CheckOrder', 'FinalizeOnboarding', 'CheckDataFlow', 'ConfirmCoverage'];

/** Reads a reader user, its tags, keys and inline policies: nothing that changes anything. */
const READ_READER_USER = ['iam:GetUser', 'iam:ListUserTags', 'iam:ListAccessKeys', 'iam:ListUserPolicies'];

/**
 * The onboarding functions' grants, each the calls that function makes and no more. Whatever
 * changes a reader user is limited to users tagged as this product's, and whatever could give a
 * reader more rights (creating it, writing its policy) requires the reader permissions boundary.
 */
export function grantOnboardingPermissions(fns: Record<OnboardingTaskName, OnboardingFunction>, props: OnboardingGrantsProps): void {
  const stack = Stack.of(fns.CheckBucket);
  const { trail } = props.settings;
  const bucketArn = trailBucketArn(stack, trail.bucketName);
  const readerUsers = readerUsersArn(stack, trail.organizationId);
  const accountSecrets = accountSecretsArn(stack, trail.organizationId);
  const logObjects = trailLogObjectsArn(stack, trail);

  fns.CheckBucket.addToRolePolicy(
    new PolicyStatement({
      sid: 'InspectTrailBucket',
      actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:GetEncryptionConfiguration'],
      resources: [bucketArn],
    }),
  );
  // HeadObject of one log file tells which KMS key the trail really uses.
  fns.CheckBucket.addToRolePolicy(new PolicyStatement({ sid: 'InspectTrailLogObjects', actions: ['s3:GetObject'], resources: [logObjects] }));

  const boundary = { StringEquals: { 'iam:PermissionsBoundary': props.readerBoundary.arn } };
  fns.ProvisionReader.addEnvironment(EnvName.READER_PERMISSIONS_BOUNDARY_ARN, props.readerBoundary.arn);
  fns.ProvisionReader.addToRolePolicy(
    new PolicyStatement({ sid: 'InspectReaderUsers', actions: [...READ_READER_USER, 'iam:GetAccessKeyLastUsed'], resources: readerUsers }),
  );
  fns.ProvisionReader.addToRolePolicy(
    new PolicyStatement({ sid: 'LookUpAbsentReaderUsers', actions: ['iam:GetUser'], resources: absentReaderUsersArn(stack, trail.organizationId) }),
  );
  fns.ProvisionReader.addToRolePolicy(
    new PolicyStatement({
      sid: 'CreateBoundedReaderUsers',
      // Only with the reader boundary: a reader can never be more than a log reader, whatever its inline policy says.
      actions: ['iam:CreateUser', 'iam:PutUserPolicy', 'iam:PutUserPermissionsBoundary'],
      resources: readerUsers,
      conditions: boundary,
    }),
  );
  fns.ProvisionReader.addToRolePolicy(
    new PolicyStatement({
      sid: 'TagNewReaderUsers',
      // CreateUser with tags needs iam:TagUser; the ownership tag must be among them.
      actions: ['iam:TagUser'],
      resources: readerUsers,
      conditions: { StringEquals: { [`aws:RequestTag/${TagKey.managedBy}`]: OWNER_MARKER } },
    }),
  );
  fns.ProvisionReader.addToRolePolicy(
    new PolicyStatement({
      sid: 'ManageOwnedReaderKeys',
      // Undoing its own half-finished work too (policy and user), when a later call of the step fails.
      actions: ['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:DeleteUserPolicy', 'iam:DeleteUser'],
      resources: readerUsers,
      conditions: OWNED_READER_USER,
    }),
  );
  fns.ProvisionReader.addToRolePolicy(
    new PolicyStatement({
      sid: 'WriteAccountSecrets',
      actions: [
        'secretsmanager:CreateSecret',
        'secretsmanager:PutSecretValue',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'secretsmanager:TagResource',
        'secretsmanager:RestoreSecret',
        'secretsmanager:UpdateSecret',
      ],
      resources: accountSecrets,
    }),
  );
  fns.VerifyAccess.addToRolePolicy(new PolicyStatement({ sid: 'ReadAccountSecrets', actions: ['secretsmanager:GetSecretValue'], resources: accountSecrets }));
  // DescribeSecret: the log source id and the write record on the secret's tags; TagResource: the write record, before each write.
  fns.RegisterLogSource.addToRolePolicy(
    new PolicyStatement({
      sid: 'ReadAccountSecretsAndRecordWrites',
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:TagResource'],
      resources: accountSecrets,
    }),
  );
  fns.FinalizeOnboarding.addToRolePolicy(
    new PolicyStatement({ sid: 'InspectReaderUsers', actions: ['iam:GetUser', 'iam:ListUserTags', 'iam:ListAccessKeys'], resources: readerUsers }),
  );
  fns.FinalizeOnboarding.addToRolePolicy(
    new PolicyStatement({ sid: 'RetireSupersededKeys', actions: ['iam:DeleteAccessKey'], resources: readerUsers, conditions: OWNED_READER_USER }),
  );
  fns.FinalizeOnboarding.addToRolePolicy(
    new PolicyStatement({
      sid: 'RecordLogSourceOnSecret',
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:TagResource'],
      resources: accountSecrets,
    }),
  );
  // The organization source's id is recorded on the organization's secret.
  fns.ConfirmCoverage.addToRolePolicy(
    new PolicyStatement({ sid: 'ReadOrganizationSourceRecord', actions: ['secretsmanager:DescribeSecret'], resources: accountSecrets }),
  );
  // CheckAccountLogs runs the CheckBucket function: its grants above cover it.
  fns.Compensate.addToRolePolicy(new PolicyStatement({ sid: 'InspectReaderUsers', actions: READ_READER_USER, resources: readerUsers }));
  // Compensation reads what the account holds, whatever the run got to: often there is no reader yet.
  fns.Compensate.addToRolePolicy(
    new PolicyStatement({ sid: 'LookUpAbsentReaderUsers', actions: ['iam:GetUser'], resources: absentReaderUsersArn(stack, trail.organizationId) }),
  );
  fns.Compensate.addToRolePolicy(
    new PolicyStatement({
      sid: 'RemoveCreatedReader',
      actions: ['iam:DeleteAccessKey', 'iam:DeleteUserPolicy', 'iam:DeleteUser'],
      resources: readerUsers,
      conditions: OWNED_READER_USER,
    }),
  );
  fns.Compensate.addToRolePolicy(
    new PolicyStatement({
      sid: 'RollBackAccountSecret',
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
      resources: accountSecrets,
    }),
  );
  fns.Compensate.addToRolePolicy(
    new PolicyStatement({
      sid: 'RemoveCreatedSecret',
      actions: ['secretsmanager:DeleteSecret'],
      resources: accountSecrets,
      conditions: OWNED_ACCOUNT_SECRET,
    }),
  );
  grantDirectorSecret(
    props.directorSecret,
    DIRECTOR_TASKS.map((name) => fns[name]),
  );

  acknowledgeWildcardResource(defaultPolicyOf(fns.CheckBucket), logObjects, NagReason.TRAIL_LOG_OBJECTS);
}
