import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, paginateListExecutions, type SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { accountSecretName } from '../../lambda/contract/names.js';
import { readRegistry } from '../../lambda/registry/registry-items.js';
import { startedExecutionSchema, type AccountRun, type RunView, type Target } from './target.js';

/** The stack's parts the run commands use, from its outputs. */
export interface StackParts {
  starterFunctionName: string;
  onboardingStateMachineArn: string | undefined;
  offboardingStateMachineArn: string | undefined;
  accountRegistryTable: string | undefined;
}

export interface AwsOperationClients {
  lambda: LambdaClient;
  sfn: SFNClient;
  dynamo: DynamoDBClient;
  secretsManager: SecretsManagerClient;
}

/** How many executions of each workflow `runs()` reads (newest first): the history a status shows. */
const RUN_HISTORY_LIMIT = 1_000;
/** `onboard-<account>-<hash>` / `offboard-<account>-<hash>`: the names the starter and the fleet run give executions. */
const EXECUTION_NAME = /^(onboard|offboard)-(\d{12}|o-[a-z0-9]{10,32})-/;

/**
 * The run commands against a deployed stack, with the caller's credentials: starts go through the
 * stack's starter function (a synchronous invocation, so the operator gets the execution or the
 * starter's refusal), runs are read from Step Functions, the registry from its table, and a key
 * rotation is started with RotateSecret as the schedule would.
 */
export function awsOperations(
  clients: AwsOperationClients,
  stack: StackParts,
): Pick<Target, 'start' | 'describeRun' | 'runs' | 'registry' | 'rotate' | 'runsInProcess'> {
  return {
    runsInProcess: false,
    start: async (request) => {
      const answer = await clients.lambda.send(
        new InvokeCommand({
          FunctionName: stack.starterFunctionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(request)),
        }),
      );
      const payload: unknown = JSON.parse(new TextDecoder().decode(answer.Payload ?? new Uint8Array()) || 'null');
      if (answer.FunctionError !== undefined) {
        const { errorType, errorMessage } = z.looseObject({ errorType: z.string().optional(), errorMessage: z.string().optional() }).catch({}).parse(payload);
        throw new Error(`The starter function refused: ${errorType ?? answer.FunctionError}: ${errorMessage ?? 'no message'}`);
      }
      return startedExecutionSchema.parse(payload);
    },
    describeRun: async (executionArn) => {
      const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
      const history = await clients.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 25 }));
      const currentState = history.events?.find((event) => event.stateEnteredEventDetails?.name !== undefined)?.stateEnteredEventDetails?.name;
      const name = execution.name ?? executionArn.split(':').at(-1) ?? '';
      return {
        workflow: EXECUTION_NAME.exec(name)?.[1] ?? 'unknown',
        executionName: name,
        executionArn,
        status: execution.status ?? 'RUNNING',
        startDate: (execution.startDate ?? new Date()).toISOString(),
        ...(execution.stopDate === undefined ? {} : { stopDate: execution.stopDate.toISOString() }),
        ...(currentState === undefined ? {} : { currentState }),
        ...(execution.error === undefined ? {} : { error: execution.error }),
        ...(execution.cause === undefined ? {} : { cause: execution.cause }),
      } satisfies RunView;
    },
    runs: async () => {
      const runs: AccountRun[] = [];
      for (const stateMachineArn of [stack.onboardingStateMachineArn, stack.offboardingStateMachineArn]) {
        if (stateMachineArn === undefined) continue;
        let read = 0;
        for await (const page of paginateListExecutions({ client: clients.sfn, pageSize: 100 }, { stateMachineArn })) {
          for (const execution of page.executions ?? []) {
            const match = EXECUTION_NAME.exec(execution.name ?? '');
            if (match?.[1] === undefined || match[2] === undefined || execution.executionArn === undefined) continue;
            runs.push({
              accountId: match[2],
              workflow: match[1],
              executionName: execution.name ?? '',
              executionArn: execution.executionArn,
              status: execution.status ?? 'RUNNING',
              startDate: (execution.startDate ?? new Date(0)).toISOString(),
              ...(execution.stopDate === undefined ? {} : { stopDate: execution.stopDate.toISOString() }),
            });
          }
          read += page.executions?.length ?? 0;
          if (read >= RUN_HISTORY_LIMIT) break;
        }
      }
      return runs.sort((a, b) => a.startDate.localeCompare(b.startDate));
    },
    registry: () => {
      if (stack.accountRegistryTable === undefined)
        return Promise.reject(new Error('The stack has no AccountRegistryTable output: redeploy it with this version.'));
      return readRegistry(clients.dynamo, stack.accountRegistryTable);
    },
    rotate: async (accountId) => {
      const secretName = accountSecretName(accountId);
      const rotation = await clients.secretsManager.send(new RotateSecretCommand({ SecretId: secretName, RotateImmediately: true }));
      if (rotation.VersionId === undefined) throw new Error(`Secrets Manager started no rotation of ${secretName}.`);
      return { secretName, token: rotation.VersionId };
    },
  };
}
