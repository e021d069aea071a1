import { ExecutionAlreadyExists, ListExecutionsCommand, StartExecutionCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { handleStartEvent } from '../../../lambda/triggers/start-event.js';
import { executionArnFor, executionNameFor, type StartedExecution } from '../../../lambda/triggers/start-workflow.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import { ACCOUNT, ONBOARDING_ARN, OTHER_ACCOUNT, closeAccountResult, createAccountResult, dependencies, installStarterFakes, sfnMock } from './support.js';

installStarterFakes();

describe('execution names', () => {
  it('are onboard-<account>-<16 hex>, stable for a key and different for another key', () => {
    // Act
    const name = executionNameFor('onboard', ACCOUNT, 'event:abc');

    // Assess
    expect(name).toMatch(new RegExp(`^onboard-${ACCOUNT}-[0-9a-f]{16}$`));
    expect(executionNameFor('onboard', ACCOUNT, 'event:abc')).toBe(name);
    expect(executionNameFor('onboard', ACCOUNT, 'event:abd')).not.toBe(name);
    expect(name.length).toBeLessThanOrEqual(80);
  });

  it('map to the ARN StartExecution would return', () => {
    // Act
    const arn = executionArnFor(ONBOARDING_ARN, 'onboard-444455556666-0123456789abcdef');

    // Assess
    expect(arn).toBe('arn:aws:states:us-east-1:111122223333:execution:Onboarding:onboard-444455556666-0123456789abcdef');
  });
});

describe('one run per account at a time', () => {
  it('does not start a second onboarding while one for the same account is running, and reports the running one', async () => {
    // Prepare: the running execution sits on the second page of ListExecutions.
    const running = {
      name: `onboard-${ACCOUNT}-aaaaaaaaaaaaaaaa`,
      executionArn: `${ONBOARDING_ARN.replace(':stateMachine:', ':execution:')}:onboard-${ACCOUNT}-aaaaaaaaaaaaaaaa`,
    };
    sfnMock
      .on(ListExecutionsCommand, { stateMachineArn: ONBOARDING_ARN, statusFilter: 'RUNNING', nextToken: undefined })
      .resolves({
        executions: [
          {
            name: `onboard-${OTHER_ACCOUNT}-bbbbbbbbbbbbbbbb`,
            executionArn: 'arn:other',
            stateMachineArn: ONBOARDING_ARN,
            status: 'RUNNING',
            startDate: new Date(),
          },
        ],
        nextToken: 'page-2',
      })
      .on(ListExecutionsCommand, { nextToken: 'page-2' })
      .resolves({ executions: [{ ...running, stateMachineArn: ONBOARDING_ARN, status: 'RUNNING', startDate: new Date() }] });

    // Act
    const outcome = (await handleStartEvent(createAccountResult(), dependencies())) as StartedExecution;

    // Assess
    expect(outcome).toMatchObject({ status: 'ALREADY_RUNNING', executionName: running.name, executionArn: running.executionArn });
    expect(sfnMock).toHaveReceivedCommandTimes(ListExecutionsCommand, 2);
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('starts an onboarding when only other accounts have runs in progress', async () => {
    // Prepare
    sfnMock.on(ListExecutionsCommand).resolves({
      executions: [
        {
          name: `onboard-${OTHER_ACCOUNT}-bbbbbbbbbbbbbbbb`,
          executionArn: 'arn:other',
          stateMachineArn: ONBOARDING_ARN,
          status: 'RUNNING',
          startDate: new Date(),
        },
      ],
    });

    // Act
    const outcome = await handleStartEvent(createAccountResult(), dependencies());

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED' });
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
