import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AccountLockAttribute } from '../../lambda/contract/account-lock.js';
import { EnvName } from '../../lambda/contract/env-names.js';

type LockUse = 'acquire' | 'release';

/** The one DynamoDB call each use makes (lambda/locking/account-lock.ts), in a fixed order. */
const LOCK_USE_ACTIONS: ReadonlyArray<readonly [LockUse, string]> = [
  ['acquire', 'dynamodb:PutItem'],
  ['release', 'dynamodb:DeleteItem'],
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
}
