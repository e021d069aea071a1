import { IAMServiceException } from '@aws-sdk/client-iam';
import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_ACCOUNT_ID } from '../../local/sandbox/constants.js';
import { startSandbox, type Sandbox } from '../../local/sandbox/environment.js';
import { eventsOf, exitOutputOf } from './support.js';

/**
 * Once Director accepted the log source, a problem in FinalizeOnboarding is a warning: the run
 * SUCCEEDS, says what is left to do in its output and its event, and compensates nothing.
 */

const input = { accountId: SANDBOX_ACCOUNT_ID, trigger: 'workflow-test' };
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

describe('onboarding workflow: problems after Director accepted the source', () => {
  it('succeeds with a warning when scheduled rotation cannot be switched on, keeping the key Director uses', async () => {
    // Prepare
    sandbox = await startSandbox({ waitMs: 20 });
    const denied = new SecretsManagerServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      message: 'not authorized',
      $metadata: { httpStatusCode: 400 },
    });
    sandbox.aws.fakes.secretsManager.failNext('RotateSecret', denied);

    // Act
    const result = await sandbox.run(input);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    const output = exitOutputOf(result, 'FinalizeOnboarding').result;
    expect(output).toMatchObject({ keyRotation: 'failed', warnings: [expect.stringContaining('Scheduled key rotation was not switched on')] });
    expect(eventsOf(result, 'entered', 'Compensate')).toEqual([]);
    const succeeded = sandbox.events.find((event) => event.detailType === 'Onboarding Succeeded');
    expect(succeeded?.detail).toMatchObject({ keyRotation: 'failed', warnings: [expect.stringContaining('ROTATION_FAILED')] });
    expect(sandbox.aws.summary().accessKeys).toHaveLength(1);
  });

  it('succeeds with a warning when a superseded key cannot be retired, keeping both keys and saying what to do', async () => {
    // Prepare: a first onboarding, then a re-run whose DeleteAccessKey is refused once.
    sandbox = await startSandbox({ waitMs: 20 });
    expect((await sandbox.run(input)).status).toBe('SUCCEEDED');
    const denied = new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'not authorized', $metadata: { httpStatusCode: 403 } });
    sandbox.aws.fakes.iam.failNext('DeleteAccessKey', denied);

    // Act
    const rerun = await sandbox.run(input);

    // Assess
    expect(rerun.error).toBeNull();
    expect(rerun.status).toBe('SUCCEEDED');
    expect(exitOutputOf(rerun, 'FinalizeOnboarding').result).toMatchObject({
      retiredAccessKeys: [],
      warnings: [expect.stringContaining('delete them by hand')],
    });
    expect(eventsOf(rerun, 'entered', 'Compensate')).toEqual([]);
    expect(sandbox.aws.summary().accessKeys).toHaveLength(2);
  });
});
