import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { readAccountLock } from '../locking/account-lock.js';
import { awsUnavailable } from '../shared/aws-transient.js';
import { isAwsError } from '../shared/ownership.js';
import { OnboardingError } from '../shared/errors.js';
import type { WorkflowKind } from '../contract/account-events.js';
import { ErrorCode } from '../contract/error-codes.js';
import type { StartRequest } from './start-request.js';
import { executionArnFor, executionNameFor } from '../shared/execution-names.js';

/**
 * Starts one workflow execution under a name derived from the account and the request, which
 * makes a duplicate delivery of the same request collapse into the execution it already started,
 * and starts nothing while another run of the same workflow holds the account's lock. The check
 * costs one GetItem and, when the account is locked, one DescribeExecution, whatever the number of
 * executions: no listing of running executions (ListExecutions is throttled tightly, and a fleet
 * has thousands).
 */

type StartStatus = 'STARTED' | 'ALREADY_STARTED' | 'ALREADY_RUNNING';

export interface StartedExecution {
  status: StartStatus;
  kind: WorkflowKind;
  accountId: string;
  executionName: string;
  executionArn: string;
}

export interface StarterLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export interface WorkflowStarterDependencies {
  sfn: SFNClient;
  /** State machine ARN per workflow; offboarding and the fleet run are absent until the stack wires them. */
  stateMachines: { onboard: string; offboard?: string | undefined; fleet?: string | undefined };
  /** The per-account lock table every run takes (lambda/locking/): where a run in progress is found. */
  locks: { dynamo: DynamoDBClient; tableName: string };
  now: () => Date;
  logger?: StarterLogger;
}

/**
 * Starts the workflow unless a run for the same account is already in progress. A duplicate of a
 * request that already started (ExecutionAlreadyExists) is a success: the run it asked for exists.
 */
export async function startWorkflow(deps: WorkflowStarterDependencies, request: StartRequest): Promise<StartedExecution> {
  const stateMachineArn = deps.stateMachines[request.kind];
  if (stateMachineArn === undefined) {
    throw new OnboardingError(
      ErrorCode.CONFIG_INVALID,
      `No ${request.kind} workflow is deployed with this starter; cannot start it for account ${request.accountId}.`,
      { details: { kind: request.kind, accountId: request.accountId } },
    );
  }
  const executionName = executionNameFor(request.kind, request.accountId, request.idempotencyKey);
  const base = { kind: request.kind, accountId: request.accountId };

  const running = await runInProgress(deps, stateMachineArn, request.accountId);
  if (running !== undefined) {
    const outcome: StartedExecution = {
      ...base,
      status: running.name === executionName ? 'ALREADY_STARTED' : 'ALREADY_RUNNING',
      executionName: running.name,
      executionArn: running.arn,
    };
    deps.logger?.info('A run for this account is already in progress; not starting another', { ...outcome });
    return outcome;
  }

  try {
    const started = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(request.input) }));
    const outcome: StartedExecution = {
      ...base,
      status: 'STARTED',
      executionName,
      executionArn: started.executionArn ?? executionArnFor(stateMachineArn, executionName),
    };
    deps.logger?.info('Started the workflow', { ...outcome });
    return outcome;
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    const outcome: StartedExecution = { ...base, status: 'ALREADY_STARTED', executionName, executionArn: executionArnFor(stateMachineArn, executionName) };
    deps.logger?.info('This request already started its execution', { ...outcome });
    return outcome;
  }
}

/**
 * The run of this workflow that holds the account's lock and still runs, if any. A lock held by
 * another workflow (an offboarding, a rotation) does not stop the start: the new run meets the
 * lock itself and fails with ACCOUNT_BUSY, which says what holds the account, instead of the
 * request vanishing. A run that has just started and not yet taken the lock is not seen; a second
 * one started in that second fails the same way.
 */
async function runInProgress(
  deps: WorkflowStarterDependencies,
  stateMachineArn: string,
  accountId: string,
): Promise<{ name: string; arn: string } | undefined> {
  const holder = await readAccountLock(deps.locks.dynamo, { tableName: deps.locks.tableName, accountId, now: deps.now() });
  if (holder === null || !holder.owner.startsWith(`${executionArnFor(stateMachineArn, '')}`)) return undefined;
  try {
    const execution = await deps.sfn.send(new DescribeExecutionCommand({ executionArn: holder.owner }));
    if (execution.status !== 'RUNNING') return undefined;
  } catch (error) {
    if (isAwsError(error, 'ExecutionDoesNotExist')) return undefined;
    throw awsUnavailable(error, `Reading the run that holds account ${accountId}'s lock`) ?? error;
  }
  return { name: holder.owner.slice(holder.owner.lastIndexOf(':') + 1), arn: holder.owner };
}
