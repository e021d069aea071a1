import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RegistryAttribute } from '../../lambda/contract/account-registry.js';
import { EnvName } from '../../lambda/contract/env-names.js';

/**
 * The account registry (lambda/contract/account-registry.ts): one item per account saying how its
 * logs are collected and what the last run left. {@link grantRecording} gives a function the table's
 * name and the one call a write makes (UpdateItem); {@link grantReading} the calls that read it.
 *
 * - On-demand capacity: a write per run.
 * - Encrypted with the AWS managed key (aws/dynamodb), as Control Tower's CT.DYNAMODB.PR.2 requires,
 *   for the same reasons as the lock table (lib/shared/account-lock-table.ts).
 * - Point-in-time recovery on (AwsSolutions-DDB3, CT.DYNAMODB.PR.1).
 * - Retained when the stack is deleted: unlike a lock, the registry is the record of which accounts
 *   were onboarded, covered or offboarded, which an operator needs after a stack is replaced.
 */
export class AccountRegistryTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: RegistryAttribute.accountId, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Lets `fn` write registry items: the table's name in its environment and UpdateItem on this table, nothing else. */
  grantRecording(fn: LambdaFunction): void {
    fn.addEnvironment(EnvName.ACCOUNT_REGISTRY_TABLE, this.table.tableName);
    fn.addToRolePolicy(new PolicyStatement({ sid: 'RecordAccounts', actions: ['dynamodb:UpdateItem'], resources: [this.table.tableArn] }));
  }

  /** Lets `fn` read every registry item (Scan, paged): the table's name in its environment and Scan on this table. */
  grantReading(fn: LambdaFunction): void {
    fn.addEnvironment(EnvName.ACCOUNT_REGISTRY_TABLE, this.table.tableName);
    fn.addToRolePolicy(new PolicyStatement({ sid: 'ReadAccounts', actions: ['dynamodb:Scan'], resources: [this.table.tableArn] }));
  }
}
