import type { ReviewedUnusedGrant } from '../../support/conformance-report.js';

/**
 * The reviewed list of grants that no sandbox scenario exercises, each with why it stays. The role
 * conformance test fails on an unused grant missing here, and on an entry here that a call uses
 * or that no role grants any more, so the list always says exactly what is unexercised.
 *
 * `function` is the label the call log gives the caller (`<workflow>/<task state>`); `*` covers
 * every function whose role has the statement. `statement` is the Sid, or `(no Sid) <actions>`
 * for a statement CDK wrote without one.
 */
export const REVIEWED_UNUSED_GRANTS: readonly ReviewedUnusedGrant[] = [
  // ---- the Lambda service's own use of every function's role ----
  {
    function: '*',
    statement: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    reason: 'The Lambda service writes the function log with the role; the handlers never call CloudWatch Logs.',
  },
  {
    function: '*',
    statement: '(no Sid) xray:PutTraceSegments, xray:PutTelemetryRecords',
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
    reason: "Lambda's active tracing sends the segments with the role (CDK adds the statement for Tracing.ACTIVE).",
  },
  {
    function: 'trigger/StartExecution',
    statement: '(no Sid) sqs:SendMessage, sqs:GetQueueAttributes, sqs:GetQueueUrl',
    actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    reason: "The on-failure destination of asynchronous invocations: the Lambda service sends to the DLQ with the function's role.",
  },

  // ---- functions or paths the sandbox scenarios do not reach ----
  {
    function: 'trigger/StartExecution',
    statement: 'StartOnboarding',
    actions: ['states:StartExecution'],
    reason: 'The sandbox starts executions itself and never invokes the starter (its calls are covered by test/lambda/triggers).',
  },
  {
    function: 'trigger/StartExecution',
    statement: 'StartOffboarding',
    actions: ['states:StartExecution'],
    reason: 'The sandbox starts executions itself and never invokes the starter (its calls are covered by test/lambda/triggers).',
  },
  {
    function: 'trigger/StartExecution',
    statement: 'StartFleet',
    actions: ['states:StartExecution'],
    reason: "The deploy trigger's fleet run (fleet.onboardExisting); the sandbox never invokes the starter (test/lambda/triggers covers the call).",
  },
  {
    function: 'trigger/StartExecution',
    statement: 'HoldAccountLocks',
    actions: ['dynamodb:GetItem'],
    reason: "The starter's look for a run in progress; the sandbox never invokes the starter (test/lambda/triggers covers the call).",
  },
  {
    function: '*',
    statement: 'DescribeLockHolders',
    actions: ['states:DescribeExecution'],
    reason: 'Asked only when another run holds the account lock; no scenario runs two at once (test/faults and test/lambda/locking do).',
  },
  {
    function: '*',
    statement: 'InspectReaderUsers',
    actions: ['iam:ListUserTags'],
    reason: 'reader-user.ts falls back to ListUserTags only when GetUser returns no tags (a same-named foreign user); no scenario seeds one.',
  },
  {
    function: '*',
    statement: 'InspectReaderUser',
    actions: ['iam:ListUserTags'],
    reason: 'reader-user.ts falls back to ListUserTags only when GetUser returns no tags (a same-named foreign user); no scenario seeds one.',
  },
  {
    function: 'onboard/ProvisionReader',
    statement: 'InspectReaderUsers',
    actions: ['iam:GetAccessKeyLastUsed', 'iam:ListUserPolicies'],
    reason: 'GetAccessKeyLastUsed only when the user already holds two keys (IAM limit); ListUserPolicies only to undo a half-finished provisioning.',
  },
  {
    function: 'rotate/KeyRotation',
    statement: 'InspectReaderUsers',
    actions: ['iam:GetAccessKeyLastUsed'],
    reason: 'Asked only when the reader already holds two keys (IAM limit) and one must make room; no scenario gets there.',
  },
  {
    function: 'onboard/ProvisionReader',
    statement: 'ManageOwnedReaderKeys',
    actions: ['iam:DeleteAccessKey', 'iam:DeleteUserPolicy', 'iam:DeleteUser'],
    reason: 'Undoes its own half-finished work when a later call of the step fails, or makes room at the two-key limit; no scenario injects that.',
  },
  {
    function: 'onboard/ProvisionReader',
    statement: 'CreateBoundedReaderUsers',
    actions: ['iam:PutUserPermissionsBoundary'],
    reason: 'Attaches the boundary to a reader created before boundaries existed (upgrade path); every scenario creates the reader with it.',
  },
  {
    function: 'onboard/ProvisionReader',
    statement: 'WriteAccountSecrets',
    actions: ['secretsmanager:RestoreSecret', 'secretsmanager:UpdateSecret'],
    reason: 'RestoreSecret for a secret still in its deletion window (offboarded, then onboarded again); UpdateSecret when the configured KMS key changed.',
  },
  {
    function: 'onboard/Compensate',
    statement: 'RollBackAccountSecret',
    actions: ['secretsmanager:UpdateSecretVersionStage'],
    reason: 'Rolls an existing secret back to its previous key when a re-run failed after writing a new one; no scenario fails a re-run.',
  },

  // ---- the Director secret ----
  {
    function: '*',
    statement: '(no Sid) secretsmanager:GetSecretValue, secretsmanager:DescribeSecret',
    actions: ['secretsmanager:DescribeSecret'],
    reason: "CDK's secret.grantRead() always adds DescribeSecret; the Director client only reads (GetSecretValue) and writes (PutSecretValue) the secret.",
  },
  ...[
    'onboard/CheckOrder',
    'onboard/FinalizeOnboarding',
    'onboard/CheckDataFlow',
    'onboard/ConfirmCoverage',
    'offboard/DeleteLogSource',
    'offboard/CheckOrder',
    'rotate/KeyRotation',
    'reconcile/FindDrift',
  ].map((fn) => ({
    function: fn,
    statement: 'StoreRefreshedDirectorToken',
    actions: ['secretsmanager:PutSecretValue'],
    reason: 'Stores a refreshed Director token; in the scenarios the first Director call of a run (RegisterLogSource, FindLogSource) refreshes it.',
  })),

  // ---- Director governance (director.maxRequestsPerSecond, director.maxConcurrentOrders): the fleet and reconcile-drift scenarios set both ----
  {
    function: 'rotate/KeyRotation',
    statement: 'DrawDirectorRequestBudget',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    reason:
      'The governed scenarios rotate no key; the rotation draws from the budget through the same Director client as every step (test/workflow/fleet-workflow.test.ts).',
  },
  {
    function: 'rotate/KeyRotation',
    statement: 'HoldDirectorOrderSlots',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
    reason: "The governed scenarios rotate no key; setSecret's slot is exercised in test/workflow/director-order-slots.test.ts.",
  },
  {
    function: 'onboard/ConfirmCoverage',
    statement: 'DrawDirectorRequestBudget',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
    reason: 'The governed scenarios collect per account; a coverage run calls Director through the same budgeted client.',
  },
  ...['onboard/Compensate', 'offboard/DescribeOffboardingFailure'].map((fn) => ({
    function: fn,
    statement: 'HoldDirectorOrderSlots',
    actions: ['dynamodb:GetItem', 'dynamodb:DeleteItem'],
    reason: "Gives a failed run's order slot back; no governed scenario fails (test/workflow/director-order-slots.test.ts fails one).",
  })),
  {
    function: 'offboard/DeleteLogSource',
    statement: 'HoldDirectorOrderSlots',
    actions: ['dynamodb:DeleteItem'],
    reason: 'Gives the slot back at once when the source is already gone (nothing sent); the governed scenario offboards an account whose source exists.',
  },
];
