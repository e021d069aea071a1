import { ExecutionAlreadyExists, ListExecutionsCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { createHash } from 'node:crypto';
import { OnboardingError } from '../shared/errors.js';
import type { WorkflowKind } from '../contract/account-events.js';
import { ErrorCode } from '../contract/error-codes.js';
import type { StartRequest } from './start-request.js';

/**
 * Starts one workflow execution under a name derived from the account and the request, which
 * makes a duplicate delivery of the same request collapse into the execution it already started,
 * and starts nothing while another run for the same account is in progress.
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
  /** State machine ARN per workflow; offboarding is absent until the stack wires it. */
  stateMachines: { onboard: string; offboard?: string | undefined };
  logger?: StarterLogger;
}

/** Maximum length Step Functions allows for an execution name. */
const MAX_EXECUTION_NAME = 80;

/**
 * `onboard-<account>-<16 hex of sha256(key)>`: the prefix lets a look-up find every run for the
 * account; the hash makes one logical request map to exactly one name.
 */
export function executionNameFor(kind: WorkflowKind, accountId: string, idempotencyKey: string): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16);
  const name = `${executionNamePrefix(kind, accountId)}${hash}`;
  if (name.length > MAX_EXECUTION_NAME) throw new OnboardingError(ErrorCode.INTERNAL, `Execution name ${name} is too long.`);
  return name;
}

function executionNamePrefix(kind: WorkflowKind, accountId: string): string {
  return `${kind}-${accountId}-`;
}

/** `arn:…:stateMachine:<machine>` → `arn:…:execution:<machine>:<name>` (the ARN StartExecution returns). */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[5] !== 'stateMachine') {
    throw new OnboardingError(ErrorCode.CONFIG_INVALID, `${stateMachineArn} is not a state machine ARN.`);
  }
  parts[5] = 'execution';
  return `${parts.join(':')}:${executionName}`;
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

  const running = await findRunningExecution(deps.sfn, stateMachineArn, executionNamePrefix(request.kind, request.accountId));
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

async function findRunningExecution(sfn: SFNClient, stateMachineArn: string, namePrefix: string): Promise<{ name: string; arn: string } | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1000, nextToken }));
    const match = (page.executions ?? []).find((execution) => execution.name?.startsWith(namePrefix) === true);
    if (match?.name !== undefined && match.executionArn !== undefined) return { name: match.name, arn: match.executionArn };
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return undefined;
}
