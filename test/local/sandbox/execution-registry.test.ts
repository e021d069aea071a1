import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  type ExecutionStatus,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { ExecutionRegistry, executionRecordsSchema, type ExecutionRecord } from '../../../local/sandbox/execution-registry.js';
import { rejectionOf } from '../../support/rejections.js';

/**
 * The sandbox's Step Functions, through its real SFNClient: StartExecution runs a registered
 * launcher, DescribeExecution reports the run as the launcher tells the registry it goes (the way
 * local/sandbox/workflow-runner.ts does), and the records outlive the process as JSON.
 */

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const ONBOARD = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:onboard`;
const executionArnOf = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:execution:onboard:${name}`;

/** A clock the test moves: one second per reading, so every start and stop has its own instant. */
function steppingClock(from = Date.parse('2024-05-01T10:00:00.000Z')) {
  let next = from;
  return () => new Date((next += 1_000));
}

/** How a launched run ends: SUCCEEDED unless the test says otherwise. */
interface Outcome {
  status: ExecutionStatus;
  failure?: { error: string; cause: string };
}

/**
 * A launcher that behaves as the workflow runner does: it says the run started, which states it
 * entered, and how it ended, on the registry. Each run waits for the test to release it.
 */
function workflowLikeLauncher(registry: ExecutionRegistry, now: () => Date) {
  const calls: { input: Record<string, unknown>; name: string }[] = [];
  const gates = new Map<string, (outcome: Outcome) => void>();
  const launcher = async (input: Record<string, unknown>, name: string) => {
    calls.push({ input, name });
    const executionArn = executionArnOf(name);
    registry.started(executionArn, now(), input);
    registry.entered(executionArn, 'AcquireLock');
    const outcome = await new Promise<Outcome>((resolve) => gates.set(name, resolve));
    registry.entered(executionArn, outcome.status === 'SUCCEEDED' ? 'Succeeded' : 'Failed');
    registry.ended(executionArn, outcome.status, now(), outcome.failure);
    return { status: outcome.status };
  };
  const release = (name: string, outcome: Outcome = { status: 'SUCCEEDED' }) => {
    const resolve = gates.get(name);
    if (resolve === undefined) throw new Error(`no run ${name} is waiting`);
    resolve(outcome);
  };
  return { launcher, calls, release };
}

function registryWithOnboard() {
  const now = steppingClock();
  const registry = new ExecutionRegistry(REGION, { accountId: ACCOUNT, now });
  const runs = workflowLikeLauncher(registry, now);
  registry.launches('onboard', runs.launcher);
  const start = (name: string, input: Record<string, unknown> | string = { accountId: '111122223333' }) =>
    registry.client.send(new StartExecutionCommand({ stateMachineArn: ONBOARD, name, input: typeof input === 'string' ? input : JSON.stringify(input) }));
  const describeRun = (executionArn: string) => registry.client.send(new DescribeExecutionCommand({ executionArn }));
  return { registry, runs, start, describeRun };
}

/** Lets the launcher's code after `await` run (it waits on a promise the test resolves). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ExecutionRegistry StartExecution', () => {
  it('refuses a workflow no launcher was registered for, and an ARN of another account or region, with the SDK’s StateMachineDoesNotExist', async () => {
    // Protects: the starter sees Step Functions' own error for a state machine that is not deployed, not a start of some other machine.
    // Prepare
    const { registry, runs } = registryWithOnboard();
    const startOf = (stateMachineArn: string) => registry.client.send(new StartExecutionCommand({ stateMachineArn, name: 'onboard-x', input: '{}' }));

    // Act
    const refusals = await Promise.all(
      [
        `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:offboard`,
        `arn:aws:states:${REGION}:999999999999:stateMachine:onboard`,
        `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:onboard`,
      ].map((arn) => rejectionOf(startOf(arn))),
    );

    // Assess
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(StateMachineDoesNotExist);
      expect((refusal as StateMachineDoesNotExist).name).toBe('StateMachineDoesNotExist');
    }
    expect(runs.calls).toEqual([]);
    expect(registry.executions()).toEqual([]);
  });

  it('runs the launcher with the parsed input and the given name; DescribeExecution says RUNNING, then how the run ended', async () => {
    // Protects: the lock step tells a live lock from a finished run's by DescribeExecution's status.
    // Prepare
    const { registry, runs, start, describeRun } = registryWithOnboard();

    // Act
    const started = await start('onboard-111122223333-a', { accountId: '111122223333', trigger: 'manual' });
    const running = await describeRun(started.executionArn ?? '');
    runs.release('onboard-111122223333-a');
    await registry.settled();
    const ended = await describeRun(started.executionArn ?? '');

    // Assess
    expect(started.executionArn).toBe(executionArnOf('onboard-111122223333-a'));
    expect(started.startDate).toBeInstanceOf(Date);
    expect(runs.calls).toEqual([{ input: { accountId: '111122223333', trigger: 'manual' }, name: 'onboard-111122223333-a' }]);
    expect(running).toMatchObject({
      executionArn: executionArnOf('onboard-111122223333-a'),
      stateMachineArn: ONBOARD,
      name: 'onboard-111122223333-a',
      status: 'RUNNING',
      startDate: started.startDate,
    });
    expect(running.stopDate).toBeUndefined();
    expect(ended.status).toBe('SUCCEEDED');
    expect(ended.startDate).toEqual(started.startDate);
    expect(ended.stopDate?.getTime()).toBeGreaterThan(started.startDate?.getTime() ?? Infinity);
    expect(ended.error).toBeUndefined();
  });

  it('reports a run the launcher ended FAILED with its error and cause', async () => {
    // Protects: `status` shows why a run failed, from what the runner told the registry.
    // Prepare
    const { registry, runs, start, describeRun } = registryWithOnboard();
    const { executionArn } = await start('onboard-111122223333-f');

    // Act
    runs.release('onboard-111122223333-f', { status: 'FAILED', failure: { error: 'DIRECTOR_UNAVAILABLE', cause: 'Director answered 503' } });
    await registry.settled();

    // Assess
    expect(await describeRun(executionArn ?? '')).toMatchObject({ status: 'FAILED', error: 'DIRECTOR_UNAVAILABLE', cause: 'Director answered 503' });
  });

  it('answers the same name with the same input, while the run still runs, with the same execution (idempotent, as Step Functions does)', async () => {
    // Protects: a starter retried after a lost answer gets the run it started, not a second run nor an error.
    // Prepare
    const { registry, runs, start } = registryWithOnboard();
    const first = await start('onboard-111122223333-i', { accountId: '111122223333' });

    // Act
    const again = await start('onboard-111122223333-i', { accountId: '111122223333' });

    // Assess
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    expect(runs.calls).toHaveLength(1);
    runs.release('onboard-111122223333-i');
    await registry.settled();
  });

  it('refuses the same name with another input, or once the run has ended, with ExecutionAlreadyExists', async () => {
    // Protects: an execution name is used once; only a repeat of a running start is the same start.
    // Prepare
    const { registry, runs, start } = registryWithOnboard();
    await start('onboard-111122223333-d', { accountId: '111122223333' });

    // Act
    const otherInput = await rejectionOf(start('onboard-111122223333-d', { accountId: '444455556666' }));
    runs.release('onboard-111122223333-d');
    await registry.settled();
    const afterEnd = await rejectionOf(start('onboard-111122223333-d', { accountId: '111122223333' }));

    // Assess
    expect(otherInput).toBeInstanceOf(ExecutionAlreadyExists);
    expect(afterEnd).toBeInstanceOf(ExecutionAlreadyExists);
    expect(runs.calls).toHaveLength(1);
    expect(registry.executions().map((record) => record.status)).toEqual(['SUCCEEDED']);
  });

  it('settles only once every launched run has ended', async () => {
    // Protects: a command that started runs in process waits for all of them before it exits.
    // Prepare
    const { registry, runs, start } = registryWithOnboard();
    await start('onboard-111122223333-s1');
    await start('onboard-444455556666-s2', { accountId: '444455556666' });
    let settled = false;
    const settling = registry.settled().then(() => (settled = true));

    // Act
    runs.release('onboard-111122223333-s1');
    await turn();
    const settledAfterOne = settled;
    runs.release('onboard-444455556666-s2');
    await settling;

    // Assess
    expect(settledAfterOne).toBe(false);
    expect(settled).toBe(true);
    expect(registry.executions().map((record) => record.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });

  it('keeps a FAILED record with error Sandbox.Error when the launcher itself rejects', async () => {
    // Protects: a run the sandbox could not run (a bad definition) shows as failed, not RUNNING forever.
    // Prepare
    const now = steppingClock();
    const registry = new ExecutionRegistry(REGION, { accountId: ACCOUNT, now });
    registry.launches('onboard', () => Promise.reject(new Error('The synthesized stack has no onboard workflow')));

    // Act
    const { executionArn } = await registry.client.send(
      new StartExecutionCommand({ stateMachineArn: ONBOARD, name: 'onboard-111122223333-e', input: '{"accountId":"111122223333"}' }),
    );
    await registry.settled();
    const described = await registry.client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(described).toMatchObject({ status: 'FAILED', error: 'Sandbox.Error', cause: 'The synthesized stack has no onboard workflow' });
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(registry.executions()).toMatchObject([{ status: 'FAILED', error: 'Sandbox.Error', accountId: '111122223333' }]);
  });
});

describe('ExecutionRegistry DescribeExecution', () => {
  it('refuses an ARN it never started with the SDK’s ExecutionDoesNotExist', async () => {
    // Protects: the lock step treats a lock whose run is unknown as Step Functions would answer it.
    // Prepare
    const { describeRun } = registryWithOnboard();

    // Act
    const refusal = await rejectionOf(describeRun(executionArnOf('onboard-111122223333-never')));

    // Assess
    expect(refusal).toBeInstanceOf(ExecutionDoesNotExist);
    expect((refusal as ExecutionDoesNotExist).name).toBe('ExecutionDoesNotExist');
  });
});

describe('ExecutionRegistry records', () => {
  it('lists executions oldest first, with the state each entered last and how each failed', async () => {
    // Protects: `status` shows runs in the order they started, and where each one is or stopped.
    // Prepare
    const { registry, runs, start } = registryWithOnboard();
    await start('onboard-111122223333-r1');
    await start('onboard-444455556666-r2', { accountId: '444455556666' });
    runs.release('onboard-444455556666-r2', { status: 'FAILED', failure: { error: 'ACCESS_DENIED', cause: 'no trail bucket access' } });
    await turn();
    registry.importExecutions([
      {
        executionArn: executionArnOf('onboard-777788889999-old'),
        name: 'onboard-777788889999-old',
        workflow: 'onboard',
        accountId: '777788889999',
        status: 'SUCCEEDED',
        startDate: '2024-04-30T10:00:00.000Z',
        stopDate: '2024-04-30T10:05:00.000Z',
        currentState: 'Succeeded',
      },
    ]);

    // Act
    const records = registry.executions();

    // Assess
    expect(records.map((record) => record.name)).toEqual(['onboard-777788889999-old', 'onboard-111122223333-r1', 'onboard-444455556666-r2']);
    expect(records[1]).toMatchObject({ workflow: 'onboard', accountId: '111122223333', status: 'RUNNING', currentState: 'AcquireLock' });
    expect(records[1]?.error).toBeUndefined();
    expect(records[2]).toMatchObject({
      workflow: 'onboard',
      accountId: '444455556666',
      status: 'FAILED',
      currentState: 'Failed',
      error: 'ACCESS_DENIED',
      cause: 'no trail bucket access',
    });
    runs.release('onboard-111122223333-r1');
    await registry.settled();
  });

  it('hands out copies: changing a listed record changes nothing the registry reports', async () => {
    // Protects: the status command and the state file cannot corrupt what DescribeExecution answers.
    // Prepare
    const { registry, runs, start, describeRun } = registryWithOnboard();
    const { executionArn } = await start('onboard-111122223333-c');
    runs.release('onboard-111122223333-c');
    await registry.settled();

    // Act
    const [record] = registry.executions();
    if (record === undefined) throw new Error('no record');
    record.status = 'ABORTED';

    // Assess
    expect((await describeRun(executionArn ?? '')).status).toBe('SUCCEEDED');
  });

  it('survives JSON and validates against executionRecordsSchema, then another registry takes it back as it was', async () => {
    // Protects: the sandbox's state file (sandbox-state.ts) writes the records out and reads them back with this schema.
    // Prepare
    const { registry, runs, start } = registryWithOnboard();
    await start('onboard-111122223333-j1');
    await start('onboard-444455556666-j2', { accountId: '444455556666' });
    runs.release('onboard-111122223333-j1');
    runs.release('onboard-444455556666-j2', { status: 'FAILED', failure: { error: 'E', cause: 'why' } });
    await registry.settled();

    // Act
    const parsed = executionRecordsSchema.parse(JSON.parse(JSON.stringify(registry.executions())));
    const later = new ExecutionRegistry(REGION, { accountId: ACCOUNT });
    later.importExecutions(parsed);

    // Assess
    expect(parsed).toEqual(registry.executions());
    expect(later.executions()).toEqual(registry.executions());
    expect(parsed[0]?.input).toBe(JSON.stringify({ accountId: '111122223333' }));
  });

  it('turns a record still RUNNING when it was written out into ABORTED with Sandbox.Abandoned, and keeps its name used', async () => {
    // Protects: a run that ended with the process that ran it is not shown (nor locked on) as still running.
    // Prepare
    const { registry, runs, start } = registryWithOnboard();
    await start('onboard-111122223333-a');
    const written: ExecutionRecord[] = executionRecordsSchema.parse(JSON.parse(JSON.stringify(registry.executions())));
    runs.release('onboard-111122223333-a');
    await registry.settled();
    const later = new ExecutionRegistry(REGION, { accountId: ACCOUNT, now: steppingClock() });
    later.launches('onboard', () => Promise.resolve());

    // Act
    later.importExecutions(written);
    const described = await later.client.send(new DescribeExecutionCommand({ executionArn: executionArnOf('onboard-111122223333-a') }));
    const restart = await rejectionOf(
      later.client.send(new StartExecutionCommand({ stateMachineArn: ONBOARD, name: 'onboard-111122223333-a', input: written[0]?.input })),
    );

    // Assess
    expect(written[0]?.status).toBe('RUNNING');
    expect(later.executions()).toEqual([
      expect.objectContaining({
        status: 'ABORTED',
        error: 'Sandbox.Abandoned',
        stopDate: written[0]?.startDate,
        startDate: written[0]?.startDate,
        currentState: 'AcquireLock',
      }),
    ]);
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Sandbox.Abandoned' });
    expect(restart).toBeInstanceOf(ExecutionAlreadyExists);
    expect(executionRecordsSchema.safeParse(JSON.parse(JSON.stringify(later.executions()))).success).toBe(true);
  });
});
