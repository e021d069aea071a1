import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  type DescribeExecutionCommandInput,
  type ExecutionStatus,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import * as z from 'zod';
import { rejectUnemulatedCommands } from '../aws/strict-mock.js';

/** One execution as the sandbox keeps it: what DescribeExecution reports, and what `status` shows of a run. */
const executionRecordSchema = z.strictObject({
  executionArn: z.string(),
  name: z.string(),
  /** The workflow: the state machine's name in the ARN (`onboard`, `offboard`, `fleet`, `reconcile`). */
  workflow: z.string(),
  /** The account (or organization) of the input, if it named one. */
  accountId: z.string().optional(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']),
  startDate: z.iso.datetime(),
  stopDate: z.iso.datetime().optional(),
  /** The state the run entered last. */
  currentState: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  /** StartExecution's input as sent: a repeated start with the same name and input is the same start. */
  input: z.string().optional(),
});
export type ExecutionRecord = z.infer<typeof executionRecordSchema>;
export const executionRecordsSchema = z.array(executionRecordSchema);

/** Starts an execution of one workflow under the name StartExecution gave it; the registry is told how it goes. */
export type ExecutionLauncher = (input: Record<string, unknown>, executionName: string) => Promise<unknown>;

/**
 * The executions the sandbox ran, as Step Functions reports them: StartExecution (of a workflow a
 * launcher was registered for) and DescribeExecution, RUNNING while the local run goes on, then
 * how it ended. An ARN it never saw raises the SDK's real ExecutionDoesNotExist; a name used
 * before raises ExecutionAlreadyExists, unless the same input is started again while the first
 * run still runs (Step Functions answers that idempotently). The lock step reads it to tell a
 * live lock from one a finished run left; the starter starts through it.
 */
export class ExecutionRegistry {
  readonly client: SFNClient;
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly launchers = new Map<string, ExecutionLauncher>();
  private readonly inFlight = new Set<Promise<unknown>>();

  private readonly accountId: string;
  private readonly now: () => Date;

  /** `accountId` and `now`: the account of the state machines StartExecution knows, and the time it starts runs at. */
  constructor(
    private readonly region: string,
    options: { accountId?: string; now?: () => Date } = {},
  ) {
    this.accountId = options.accountId ?? '000000000000';
    this.now = options.now ?? (() => new Date());
    this.client = new SFNClient({ region, credentials: { accessKeyId: 'AKIASANDBOXSFN000000', secretAccessKey: 'sandbox-only' } });
    const mock = mockClient(this.client);
    rejectUnemulatedCommands(mock, 'ExecutionRegistry', 'local/sandbox/execution-registry.ts');
    mock.on(DescribeExecutionCommand).callsFake((input: DescribeExecutionCommandInput) => this.describe(input));
    mock.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => this.start(input));
  }

  /** The ARN of a workflow's state machine here: its name is the workflow's prefix. */
  stateMachineArn(workflow: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${workflow}`;
  }

  /** Lets StartExecution start runs of `workflow`. */
  launches(workflow: string, launcher: ExecutionLauncher): void {
    this.launchers.set(workflow, launcher);
  }

  started(executionArn: string, at: Date, input: Record<string, unknown> = {}): void {
    const known = this.records.get(executionArn);
    const name = executionArn.split(':').at(-1) ?? '';
    const accountId = typeof input.accountId === 'string' ? input.accountId : undefined;
    this.records.set(executionArn, {
      ...(known ?? { executionArn, name, workflow: executionArn.split(':').at(-2) ?? '' }),
      ...(accountId === undefined ? {} : { accountId }),
      status: 'RUNNING',
      startDate: (known?.startDate === undefined ? at : new Date(known.startDate)).toISOString(),
    });
  }

  entered(executionArn: string, state: string): void {
    const known = this.records.get(executionArn);
    if (known !== undefined) known.currentState = state;
  }

  ended(executionArn: string, status: ExecutionStatus, at: Date, failure?: { error: string; cause: string }): void {
    const known = this.records.get(executionArn);
    const name = executionArn.split(':').at(-1) ?? '';
    this.records.set(executionArn, {
      ...(known ?? { executionArn, name, workflow: executionArn.split(':').at(-2) ?? '', startDate: at.toISOString() }),
      status: status,
      stopDate: at.toISOString(),
      ...(failure === undefined ? {} : failure),
    });
  }

  /** Every execution, oldest first. */
  executions(): ExecutionRecord[] {
    return [...this.records.values()].map((record) => ({ ...record })).sort((a, b) => a.startDate.localeCompare(b.startDate));
  }

  /** Takes back what executions() reported in an earlier sandbox (a run still RUNNING then ended with its process: ABORTED). */
  importExecutions(records: readonly ExecutionRecord[]): void {
    for (const record of records) {
      const abandoned = record.status === 'RUNNING';
      this.records.set(record.executionArn, {
        ...record,
        ...(abandoned ? { status: 'ABORTED', stopDate: record.startDate, error: 'Sandbox.Abandoned', cause: 'The command that ran it ended first.' } : {}),
      });
    }
  }

  /** Resolves once every execution StartExecution started has ended. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private start(input: StartExecutionCommandInput) {
    const workflow = (input.stateMachineArn ?? '').split(':').at(-1) ?? '';
    const launcher = this.launchers.get(workflow);
    if (launcher === undefined || input.stateMachineArn !== this.stateMachineArn(workflow)) {
      return Promise.reject(
        new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${input.stateMachineArn ?? ''}'`, $metadata: { httpStatusCode: 400 } }),
      );
    }
    const name = input.name ?? crypto.randomUUID();
    const executionArn = `arn:aws:states:${this.region}:${this.accountId}:execution:${workflow}:${name}`;
    const known = this.records.get(executionArn);
    if (known !== undefined) {
      if (known.status === 'RUNNING' && known.input === input.input) return Promise.resolve(this.startAnswer(executionArn, known.startDate));
      return Promise.reject(new ExecutionAlreadyExists({ message: `Execution Already Exists: '${executionArn}'`, $metadata: { httpStatusCode: 400 } }));
    }
    const parsed: unknown = JSON.parse(input.input ?? '{}');
    const executionInput = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    const startDate = this.now();
    this.started(executionArn, startDate, executionInput);
    const record = this.records.get(executionArn);
    if (record !== undefined && input.input !== undefined) record.input = input.input;
    // Through a promise first: a launcher that throws at once must end the record too, not leave it RUNNING.
    const run = Promise.resolve()
      .then(() => launcher(executionInput, name))
      .catch((error: unknown) => {
        // The runner reports its own failures; an error here is the sandbox's (a bad definition), kept on the record.
        const failure = { error: 'Sandbox.Error', cause: error instanceof Error ? error.message : String(error) };
        this.ended(executionArn, 'FAILED', this.now(), failure);
      })
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
    return Promise.resolve(this.startAnswer(executionArn, startDate.toISOString()));
  }

  private startAnswer(executionArn: string, startDate: string) {
    return { executionArn, startDate: new Date(startDate), $metadata: { httpStatusCode: 200 } };
  }

  private describe(input: DescribeExecutionCommandInput) {
    const executionArn = input.executionArn ?? '';
    const known = this.records.get(executionArn);
    if (known === undefined) {
      return Promise.reject(new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${executionArn}'`, $metadata: { httpStatusCode: 400 } }));
    }
    return Promise.resolve({
      executionArn,
      stateMachineArn: executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
      name: known.name,
      status: known.status,
      startDate: new Date(known.startDate),
      ...(known.stopDate === undefined ? {} : { stopDate: new Date(known.stopDate) }),
      ...(known.error === undefined ? {} : { error: known.error }),
      ...(known.cause === undefined ? {} : { cause: known.cause }),
      // The execution's input and output are not emulated: the lock step and the CLI read neither.
      $metadata: { httpStatusCode: 200 },
    });
  }
}
