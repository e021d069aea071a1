import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT_ID } from '../../local/sandbox/constants.js';
import { startSandbox, type Sandbox } from '../../local/sandbox/environment.js';
import type { LocalRunResult } from '../../local/sandbox/state-machine-runner.js';
import { eventsOf } from '../workflow/support.js';

/**
 * The sandbox's crash injection (`RunOptions.crashes`), which the fault battery relies on: a
 * crash before the handler leaves no trace of it, a crash after it keeps the handler's work and
 * loses only its answer, and either reaches Step Functions as Lambda reports it.
 */

const input = { accountId: SANDBOX_ACCOUNT_ID, trigger: 'crash-injection-test' };
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

const callsOf = (box: Sandbox, task: string): string[] =>
  box.awsCallRecords().flatMap((record) => (record.caller?.task === task ? [`${record.service}.${record.operation}`] : []));

const crashErrors = (result: LocalRunResult, state: string): string[] =>
  eventsOf(result, 'failed', state)
    .map((event) => event.error)
    .filter((error) => error === 'Sandbox.Timedout' || error === 'Runtime.ExitError');

describe('sandbox crash injection', () => {
  it('fails every attempt of a state crashing before its handler with Sandbox.Timedout, and the handler never runs', async () => {
    // Prepare
    sandbox = await startSandbox({ waitMs: 1, director: { orderDelayMs: 20 } });

    // Act
    const result = await sandbox.run(input, { crashes: [{ state: 'ProvisionReader', when: 'before', times: 10 }] });

    // Assess
    const failed = eventsOf(result, 'failed', 'ProvisionReader');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.every((event) => event.error === 'Sandbox.Timedout' && event.cause.includes('Task timed out after 60.00 seconds'))).toBe(true);
    expect(callsOf(sandbox, 'ProvisionReader')).toEqual([]);
    expect(sandbox.aws.fakes.iam.users()).toEqual([]);
    expect(result.status).toBe('FAILED');
  });

  it('keeps the work of a handler that crashes after it ran (Runtime.ExitError), losing only its answer', async () => {
    // Prepare
    sandbox = await startSandbox({ waitMs: 1, director: { orderDelayMs: 20 } });

    // Act
    const result = await sandbox.run(input, { crashes: [{ state: 'ProvisionReader', when: 'after', error: 'Runtime.ExitError', times: 10 }] });

    // Assess
    const failed = eventsOf(result, 'failed', 'ProvisionReader');
    expect(failed[0]).toMatchObject({ error: 'Runtime.ExitError', cause: expect.stringMatching(/Runtime exited with error: signal: killed/) });
    expect(callsOf(sandbox, 'ProvisionReader')).toEqual(expect.arrayContaining(['IAM.CreateUser', 'IAM.CreateAccessKey']));
    // The answer is lost: nothing reached the state, the state left only with the caught error.
    const outputs = eventsOf(result, 'exited', 'ProvisionReader').map((event) => event.output as Record<string, unknown>);
    expect(outputs.filter((output) => 'reader' in output)).toEqual([]);
  });

  it('crashes a state only as many times as asked, then runs it normally', async () => {
    // Prepare
    sandbox = await startSandbox({ waitMs: 1, director: { orderDelayMs: 20 } });

    // Act
    const result = await sandbox.run(input, { crashes: [{ state: 'CheckBucket', when: 'before', times: 1 }] });

    // Assess: one crash, whether the step's Retry or the compensation handled it.
    expect(crashErrors(result, 'CheckBucket')).toEqual(['Sandbox.Timedout']);
  });

  it('refuses to crash a state that is not a Lambda task of the workflow', async () => {
    // Prepare
    sandbox = await startSandbox({ waitMs: 1, director: { orderDelayMs: 20 } });

    // Act
    const run = (): Promise<LocalRunResult> => (sandbox as Sandbox).run(input, { crashes: [{ state: 'PublishSucceeded', when: 'before' }] });

    // Assess
    await expect(run()).rejects.toThrow('Cannot crash PublishSucceeded: it is not a Lambda task state of this workflow.');
  });
});
