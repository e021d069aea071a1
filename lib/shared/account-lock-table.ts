import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { acknowledgeWildcardResource, NagReason } from './nag-acknowledgements.js';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AccountLockAttribute } from '../../lambda/contract/account-lock.js';
import { EnvName } from '../../lambda/contract/env-names.js';
import { DirectorGovernanceKey } from '../../lambda/contract/director-governance.js';

type LockUse = 'acquire' | 'release' | 'inspect';

/** The one DynamoDB call each use makes (lambda/locking/account-lock.ts), in a fixed order. */
const LOCK_USE_ACTIONS: ReadonlyArray<readonly [LockUse, string]> = [
  ['acquire', 'dynamodb:PutItem'],
  ['release', 'dynamodb:DeleteItem'],
  // The starter's look at who holds an account (readAccountLock).
  ['inspect', 'dynamodb:GetItem'],
];

/**
 * The per-account lock table (lambda/locking/): one item per account while a workflow run holds
 * it. {@link grantLocking} gives a function the table's name and exactly the calls a lock
 * needs (PutItem, DeleteItem).
 *
 * - On-demand capacity: a handful of writes per run, none most of the time.
 * - TTL on `expiresAt` only clears out expired locks; the functions' conditions decide expiry.
 * - Encrypted with the AWS managed key (aws/dynamodb): Control Tower's CT.DYNAMODB.PR.2 requires
 *   KMS encryption, which the default AWS-owned key does not count as; a customer managed key would
 *   add a key policy and a monthly cost for items that hold account ids and execution ARNs only.
 * - Point-in-time recovery on, as cdk-nag (AwsSolutions-DDB3) and Control Tower (CT.DYNAMODB.PR.1)
 *   require; for a table of a few items it costs next to nothing.
 * - Destroyed with the stack: a lock matters only while the stack's workflows run, and they go
 *   with it. A retained table would be an orphan nobody reads; a new stack gets a new, empty one.
 */
export class AccountLockTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: AccountLockAttribute.accountId, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: AccountLockAttribute.expiresAt,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  /**
   * Lets `fn` take and/or release account locks: the table's name in its environment, and for
   * each use its one call on this table (PutItem to take, DeleteItem to release; no GetItem: a
   * refused PutItem returns the holder). A step that only takes, or only releases, gets only its
   * own call, so no grant goes unused. The AWS managed key needs no KMS grant.
   */
  grantLocking(fn: LambdaFunction, uses: readonly LockUse[] = ['acquire', 'release']): void {
    if (uses.length === 0) throw new Error(`AccountLockTable.grantLocking(${fn.node.path}): name at least one use, 'acquire' or 'release'.`);
    fn.addEnvironment(EnvName.ACCOUNT_LOCK_TABLE, this.table.tableName);
    const actions = LOCK_USE_ACTIONS.filter(([use]) => uses.includes(use)).map(([, action]) => action);
    fn.addToRolePolicy(new PolicyStatement({ sid: 'HoldAccountLocks', actions, resources: [this.table.tableArn] }));
  }

  /**
   * Lets `fn` draw from the Director request budget (lambda/governance/, `director.maxRequestsPerSecond`)
   * kept in this table: the table's name, and GetItem and PutItem on the budget's one item only.
   */
  grantDirectorBudget(fn: LambdaFunction): void {
    fn.addEnvironment(EnvName.ACCOUNT_LOCK_TABLE, this.table.tableName);
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'DrawDirectorRequestBudget',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [DirectorGovernanceKey.requestBudget] } },
      }),
    );
  }

  /**
   * Lets `fn` take (GetItem every slot, PutItem a free one) and give back (GetItem every slot, DeleteItem its own)
   * Director order slots (director.maxConcurrentOrders), on the slot items only (`director-order-slot-<i>`).
   */
  grantOrderSlots(fn: LambdaFunction, uses: readonly ('take' | 'give-back')[]): void {
    fn.addEnvironment(EnvName.ACCOUNT_LOCK_TABLE, this.table.tableName);
    const actions = [
      'dynamodb:GetItem',
      ...(uses.includes('take') ? ['dynamodb:PutItem'] : []),
      ...(uses.includes('give-back') ? ['dynamodb:DeleteItem'] : []),
    ];
    fn.addToRolePolicy(
      new PolicyStatement({
        sid: 'HoldDirectorOrderSlots',
        actions,
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${DirectorGovernanceKey.orderSlotPrefix}*`] } },
      }),
    );
  }

  /**
   * Lets the functions that take locks ask Step Functions whether the run holding one still runs
   * (lambda/locking/execution-status.ts): DescribeExecution on the executions of `stateMachines`.
   * A separate policy, not the functions' own: those state machines invoke these functions, and a
   * function's default policy is a dependency of the function itself.
   */
  grantHolderLookup(fns: readonly LambdaFunction[], stateMachines: readonly StateMachine[]): void {
    const stack = Stack.of(this);
    const executions = stateMachines.map((machine) =>
      stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${machine.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
    fns.forEach((fn, index) => {
      if (fn.role === undefined) throw new Error(`AccountLockTable.grantHolderLookup(${fn.node.path}): the function has no role.`);
      const policy = new Policy(this, `HolderLookup${index}`, {
        statements: [new PolicyStatement({ sid: 'DescribeLockHolders', actions: ['states:DescribeExecution'], resources: executions })],
        roles: [fn.role],
      });
      for (const execution of executions) acknowledgeWildcardResource(policy, execution, NagReason.LOCK_HOLDER_EXECUTIONS);
    });
  }
}
