import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient, type DescribeExecutionCommandInput, type ExecutionStatus } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { rejectUnemulatedCommands } from '../aws/strict-mock.js';

/**
 * The executions the sandbox ran, as Step Functions' DescribeExecution reports them: RUNNING while
 * the local run goes on, then how it ended. An ARN it never saw raises the SDK's real
 * ExecutionDoesNotExist. The lock step reads it to tell a live lock from one a finished run left.
 */
export class ExecutionRegistry {
  readonly client: SFNClient;
  private readonly statuses = new Map<string, { status: ExecutionStatus; startDate: Date; stopDate?: Date }>();

  constructor(region: string) {
    this.client = new SFNClient({ region, credentials: { accessKeyId: 'AKIASANDBOXSFN000000', secretAccessKey: 'sandbox-only' } });
    const mock = mockClient(this.client);
    rejectUnemulatedCommands(mock, 'ExecutionRegistry', 'local/sandbox/execution-registry.ts');
    mock.on(DescribeExecutionCommand).callsFake((input: DescribeExecutionCommandInput) => this.describe(input));
  }

  started(executionArn: string, at: Date): void {
    this.statuses.set(executionArn, { status: 'RUNNING', startDate: at });
  }

  ended(executionArn: string, status: ExecutionStatus, at: Date): void {
    const known = this.statuses.get(executionArn);
    this.statuses.set(executionArn, { status, startDate: known?.startDate ?? at, stopDate: at });
  }

  private describe(input: DescribeExecutionCommandInput) {
    const executionArn = input.executionArn ?? '';
    const known = this.statuses.get(executionArn);
    if (known === undefined) {
      return Promise.reject(new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${executionArn}'`, $metadata: { httpStatusCode: 400 } }));
    }
    const name = executionArn.split(':').at(-1) ?? '';
    return Promise.resolve({
      executionArn,
      stateMachineArn: executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
      name,
      status: known.status,
      startDate: known.startDate,
      ...(known.stopDate === undefined ? {} : { stopDate: known.stopDate }),
      // Only what the lock step reads: the execution's input and output are not emulated.
      $metadata: { httpStatusCode: 200 },
    });
  }
}
