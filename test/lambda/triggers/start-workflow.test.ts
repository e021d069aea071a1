import { ThrottlingException } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ListExecutionsCommand, StartExecutionCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { handleStartEvent } from '../../../lambda/triggers/start-event.js';
import type { StartedExecution } from '../../../lambda/triggers/start-workflow.js';
import { executionArnFor } from '../../../lambda/shared/execution-names.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import {
  ACCOUNT,
  OFFBOARDING_ARN,
  ONBOARDING_ARN,
  OTHER_ACCOUNT,
  closeAccountResult,
  createAccountResult,
  dependencies,
  holdLock,
  installStarterFakes,
  lockTable,
  sfnMock,
} from './support.js';

installStarterFakes();

describe('one run per account at a time', () => {
  it('does not start a second onboarding while a running one holds the account lock, and reports the running one', async () => {
    // Prepare
    const running = executionArnFor(ONBOARDING_ARN, `onboard-${ACCOUNT}-aaaaaaaaaaaaaaaa`);
    await holdLock(ACCOUNT, running);
    sfnMock
      .on(DescribeExecutionCommand, { executionArn: running })
      .resolves({ executionArn: running, status: 'RUNNING', stateMachineArn: ONBOARDING_ARN, startDate: new Date() });

    // Act
    const outcome = (await handleStartEvent(createAccountResult(), dependencies())) as StartedExecution;

    // Assess: one look at the lock and one at its holder, never a listing of executions.
    expect(outcome).toMatchObject({ status: 'ALREADY_RUNNING', executionName: `onboard-${ACCOUNT}-aaaaaaaaaaaaaaaa`, executionArn: running });
    expect(sfnMock).toHaveReceivedCommandTimes(DescribeExecutionCommand, 1);
    expect(sfnMock).not.toHaveReceivedCommand(ListExecutionsCommand);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('starts an onboarding when only other accounts are locked, without asking Step Functions anything else', async () => {
    // Prepare
    await holdLock(OTHER_ACCOUNT, executionArnFor(ONBOARDING_ARN, `onboard-${OTHER_ACCOUNT}-bbbbbbbbbbbbbbbb`));

    // Act
    const outcome = await handleStartEvent(createAccountResult(), dependencies());

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED' });
    expect(sfnMock).not.toHaveReceivedCommand(DescribeExecutionCommand);
  });

  it('starts an onboarding when the lock holder has ended without releasing it (its run then takes the lock over)', async () => {
    // Prepare
    const ended = executionArnFor(ONBOARDING_ARN, `onboard-${ACCOUNT}-cccccccccccccccc`);
    await holdLock(ACCOUNT, ended);
    sfnMock.on(DescribeExecutionCommand).resolves({ executionArn: ended, status: 'FAILED', stateMachineArn: ONBOARDING_ARN, startDate: new Date() });

    // Act
    const outcome = await handleStartEvent(createAccountResult(), dependencies());

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED' });
  });

  it('starts an onboarding while another workflow holds the lock: the run then reports ACCOUNT_BUSY instead of the request vanishing', async () => {
    // Prepare
    await holdLock(ACCOUNT, `${OFFBOARDING_ARN.replace(':stateMachine:', ':execution:')}:offboard-${ACCOUNT}-dddddddddddddddd`, 'offboard');

    // Act
    const outcome = await handleStartEvent(createAccountResult(), dependencies());

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED' });
    expect(sfnMock).not.toHaveReceivedCommand(DescribeExecutionCommand);
  });

  it('lets a failing lock read through as AWS_UNAVAILABLE when DynamoDB throttles, so the Lambda service retries', async () => {
    // Prepare
    lockTable.failNext('GetItem', new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    // Act
    const error = await onboardingErrorOf(handleStartEvent(createAccountResult(), dependencies()));

    // Assess
    expect(error.code).toBe(ErrorCode.AWS_UNAVAILABLE);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('treats ExecutionAlreadyExists (a duplicate delivery after the first run ended) as success', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    // Act
    const outcome = (await handleStartEvent(createAccountResult(), dependencies())) as StartedExecution;

    // Assess
    expect(outcome.status).toBe('ALREADY_STARTED');
    expect(outcome.executionArn).toBe(executionArnFor(ONBOARDING_ARN, outcome.executionName));
  });

  it('lets any other Step Functions error through, so the Lambda service retries and then dead-letters the event', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', $metadata: {} }));

    // Act
    const attempt = handleStartEvent(createAccountResult(), dependencies());

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('refuses an offboarding event when no offboarding workflow is deployed', async () => {
    // Act
    const error = await onboardingErrorOf(handleStartEvent(closeAccountResult(), dependencies({ stateMachines: { onboard: ONBOARDING_ARN } })));

    // Assess
    expect(error.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
