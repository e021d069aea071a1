import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountLockTable } from '../../../lib/shared/account-lock-table.js';
import { ControlTowerGuard } from '../../../lib/shared/control-tower-guard.js';
import { OnboardingFunction } from '../../../lib/shared/onboarding-function.js';
import { expectResourceCount, logicalIdOf, resourceById, resourcesOf, testApp } from '../stack-fixture.js';

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
}

/** A stack with the lock table and two functions, the first granted the lock (both uses unless `uses` narrows it). */
function lockStack(uses?: Parameters<AccountLockTable['grantLocking']>[1]): { stack: Stack; template: Template } {
  const stack = new Stack(testApp(), 'LockTest');
  const locks = new AccountLockTable(stack, 'AccountLocks');
  const holder = new OnboardingFunction(stack, 'AcquireLockFunction', { handlerFile: 'locking/acquire-lock', description: 'test' });
  new OnboardingFunction(stack, 'OtherFunction', { handlerFile: 'locking/release-lock', description: 'test' });
  locks.grantLocking(holder, uses);
  return { stack, template: Template.fromStack(stack) };
}

/** The holder's statements that name a DynamoDB action. */
function lockStatementsOf(template: Template): Statement[] {
  return statementsOf(template, 'AcquireLockFunctionRole/DefaultPolicy/Resource').filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));
}

function statementsOf(template: Template, policyPath: string): Statement[] {
  const policy = resourceById(resourcesOf(template), logicalIdOf(template, 'AWS::IAM::Policy', policyPath));
  return (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
}

describe('AccountLockTable', () => {
  it('is an on-demand table keyed by accountId that expires items on expiresAt, with PITR, KMS encryption and deletion with the stack', () => {
    // Act
    const { template } = lockStack();

    // Assess
    expectResourceCount(template, 'AWS::DynamoDB::Table', 1);
    const table = resourceById(resourcesOf(template), logicalIdOf(template, 'AWS::DynamoDB::Table', 'AccountLocks/Table/Resource'));
    expect(table).toMatchObject({
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: {
        KeySchema: [{ AttributeName: 'accountId', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'accountId', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
    // The AWS managed key: SSE on, no key of our own to manage; CloudFormation names the table.
    expect(table.Properties?.SSESpecification).toEqual({ SSEEnabled: true });
    expect(table.Properties).not.toHaveProperty('TableName');
    expectResourceCount(template, 'AWS::KMS::Key', 0);
  });

  it('grants a function exactly PutItem and DeleteItem on this table, and names the table in its environment', () => {
    // Act
    const { template } = lockStack();

    // Assess
    const tableId = logicalIdOf(template, 'AWS::DynamoDB::Table', 'AccountLocks/Table/Resource');
    expect(lockStatementsOf(template)).toEqual([
      { Sid: 'HoldAccountLocks', Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } },
    ]);
    const holder = resourceById(resourcesOf(template), logicalIdOf(template, 'AWS::Lambda::Function', 'AcquireLockFunction/Resource'));
    expect(holder.Properties?.Environment).toMatchObject({ Variables: { ACCOUNT_LOCK_TABLE: { Ref: tableId } } });
  });

  it.each([
    [['acquire'] as const, 'dynamodb:PutItem'],
    [['release'] as const, 'dynamodb:DeleteItem'],
  ])('grants a step that only does %j its one call, so no grant goes unused', (uses, action) => {
    // Act
    const { template } = lockStack(uses);

    // Assess
    expect(lockStatementsOf(template)).toEqual([expect.objectContaining({ Sid: 'HoldAccountLocks', Action: action })]);
  });

  it('refuses a grant for no use at all', () => {
    // Act + Assess
    expect(() => lockStack([])).toThrow(/name at least one use/);
  });

  it('gives nothing to a function it was not asked to grant: no DynamoDB action and no table name', () => {
    // Act
    const { template } = lockStack();

    // Assess
    expect(JSON.stringify(statementsOf(template, 'OtherFunctionRole/DefaultPolicy/Resource'))).not.toContain('dynamodb:');
    const other = resourceById(resourcesOf(template), logicalIdOf(template, 'AWS::Lambda::Function', 'OtherFunction/Resource'));
    expect(other.Properties?.Environment).toMatchObject({
      Variables: expect.not.objectContaining({ ACCOUNT_LOCK_TABLE: expect.anything() as unknown }) as unknown,
    });
  });

  describe('the validators the synth runs', () => {
    let outdir: string;

    beforeEach(() => {
      outdir = mkdtempSync(path.join(tmpdir(), 'lock-table-'));
    });

    afterEach(() => {
      rmSync(outdir, { recursive: true, force: true });
    });

    it('meets cdk-nag AwsSolutions and the Control Tower proactive controls without any acknowledgement', () => {
      // Prepare: the table alone, so every finding would be the table's.
      const app = new App({ outdir, builtinCloudFormationValidation: false });
      Validations.of(app).addPlugins(new ControlTowerGuard());
      const stack = new Stack(app, 'LockTableOnly');
      new AccountLockTable(stack, 'AccountLocks');

      // Act
      const nag = new AwsSolutionsChecks(app).validateScope(stack);

      // Assess
      expect(nag.violations).toEqual([]);
      expect(() => app.synth()).not.toThrow();
    });
  });
});
