import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { handleStartEvent } from '../../../lambda/triggers/start-event.js';
import type { StartedExecution } from '../../../lambda/triggers/start-workflow.js';
import { executionNameFor } from '../../../lambda/shared/execution-names.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { ACCOUNT, OFFBOARDING_ARN, dependencies, installStarterFakes, sfnMock, startInput } from './support.js';

installStarterFakes();

describe('manual starts', () => {
  it('passes the operator input through and names the run from the idempotency key', async () => {
    // Act
    const outcome = (await handleStartEvent(
      { accountId: ACCOUNT, bucketName: 'other-trail-bucket', idempotencyKey: 'ticket-42' },
      dependencies(),
    )) as StartedExecution;

    // Assess
    expect(outcome.executionName).toBe(executionNameFor('onboard', ACCOUNT, 'manual:ticket-42'));
    expect(startInput()).toEqual({ accountId: ACCOUNT, bucketName: 'other-trail-bucket', trigger: 'manual' });
  });

  it('without a key, names the run from the Lambda request id, which the service keeps across its own retries', async () => {
    // Act
    const outcome = (await handleStartEvent({ accountId: ACCOUNT }, dependencies({}))) as StartedExecution;

    // Assess
    expect(outcome.executionName).toBe(executionNameFor('onboard', ACCOUNT, 'manual:lambda-request-1'));
  });

  it('starts an offboarding on request', async () => {
    // Act
    const outcome = await handleStartEvent({ action: 'offboard', accountId: ACCOUNT, reason: 'manual' }, dependencies());

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED', kind: 'offboard' });
    expect(startInput()).toEqual({ accountId: ACCOUNT, reason: 'manual', trigger: 'manual' });
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: OFFBOARDING_ARN });
  });

  it('rejects an input the workflow would refuse, before starting anything', async () => {
    // Act
    const error = await onboardingErrorOf(handleStartEvent({ accountId: ACCOUNT, bucketName: 'Not_A_Bucket' }, dependencies()));

    // Assess
    expect(error.code).toBe(ErrorCode.INVALID_INPUT);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
