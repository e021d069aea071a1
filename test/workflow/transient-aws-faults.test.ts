import { IAMServiceException, ServiceFailureException } from '@aws-sdk/client-iam';
import { InternalServiceError, SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../local/sandbox/environment.js';
import { SANDBOX_ACCOUNT_ID } from '../../local/sandbox/constants.js';
import { eventsOf } from './support.js';
import type { ExecutionEvent } from '../../local/sandbox/state-machine-runner.js';

/**
 * Throttling and service faults of AWS pass by themselves: the synthesized workflow retries the
 * step (AWS_UNAVAILABLE, full jitter) instead of failing — and compensating — a run that works.
 */

const input = { accountId: SANDBOX_ACCOUNT_ID, trigger: 'workflow-test' };
const metadata = { httpStatusCode: 400 };
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

describe('onboarding workflow: transient AWS faults are retried', () => {
  it('finishes an onboarding whose FinalizeOnboarding was throttled by Secrets Manager once, without compensating', async () => {
    // Prepare: the throttle hits FinalizeOnboarding's TagResource (RegisterLogSource tags the secret too).
    const box = (sandbox = await startSandbox({ waitMs: 20 }));
    const throttled = new SecretsManagerServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: metadata });
    let armed = false;
    const onEvent = (event: ExecutionEvent): void => {
      if (armed || event.kind !== 'entered' || event.state !== 'FinalizeOnboarding') return;
      armed = true;
      box.aws.fakes.secretsManager.failNext('TagResource', throttled);
    };

    // Act
    const result = await box.run(input, { onEvent });

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(eventsOf(result, 'failed', 'FinalizeOnboarding').map((event) => event.error)).toEqual(['AWS_UNAVAILABLE']);
    expect(eventsOf(result, 'retried', 'FinalizeOnboarding')).toHaveLength(1);
    expect(eventsOf(result, 'caught')).toEqual([]);
  });

  it('retries ProvisionReader after an IAM ServiceFailure and a Secrets Manager InternalServiceError, and onboards with one key', async () => {
    // Prepare
    sandbox = await startSandbox({ waitMs: 20 });
    sandbox.aws.fakes.iam.failNext('CreateUser', new ServiceFailureException({ message: 'Service failure', $metadata: { httpStatusCode: 500 } }));
    sandbox.aws.fakes.secretsManager.failNext('CreateSecret', new InternalServiceError({ message: 'Internal error', $metadata: { httpStatusCode: 500 } }));

    // Act
    const result = await sandbox.run(input);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(eventsOf(result, 'failed', 'ProvisionReader').map((event) => event.error)).toEqual(['AWS_UNAVAILABLE', 'AWS_UNAVAILABLE']);
    expect(sandbox.aws.summary().accessKeys).toHaveLength(1);
  });

  it('still fails at once, compensated, on a fault that does not pass by itself (IAM AccessDenied)', async () => {
    // Prepare
    sandbox = await startSandbox({ waitMs: 20 });
    const denied = new IAMServiceException({ name: 'AccessDenied', $fault: 'client', message: 'not authorized', $metadata: { httpStatusCode: 403 } });
    sandbox.aws.fakes.iam.failNext('CreateUser', denied);

    // Act
    const result = await sandbox.run(input);

    // Assess
    expect(result.status).toBe('FAILED');
    expect(eventsOf(result, 'retried', 'ProvisionReader')).toEqual([]);
    expect(sandbox.aws.summary()).toMatchObject({ users: [], accessKeys: [] });
  });
});
