import { ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { AccountEvent, startRequestFromAccountEvent } from '../../../lambda/triggers/account-events.js';
import { handleStartEvent } from '../../../lambda/triggers/start-event.js';
import type { StartedExecution } from '../../../lambda/triggers/start-workflow.js';
import { onboardingInputSchema } from '../../../lambda/onboarding/workflow-contract.js';
import { onboardingErrorOf } from '../../support/rejections.js';
import { ErrorCode } from '../../../lambda/contract/error-codes.js';
import {
  ACCOUNT,
  EVENT_ID,
  OFFBOARDING_ARN,
  ONBOARDING_ARN,
  closeAccountResult,
  createAccountResult,
  createManagedAccount,
  dependencies,
  installStarterFakes,
  removeAccountFromOrganization,
  sfnMock,
  startInput,
  updateManagedAccount,
} from './support.js';

installStarterFakes();

describe('account events become start requests', () => {
  it('starts an onboarding for an Organizations CreateAccountResult, passing only the account and the trigger', async () => {
    // Act
    const outcome = (await handleStartEvent(createAccountResult(), dependencies())) as StartedExecution;

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED', kind: 'onboard', accountId: ACCOUNT });
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: ONBOARDING_ARN, name: outcome.executionName });
    // Organization prefix and bucket come from the stack's settings inside ValidateInput, not from here.
    expect(startInput()).toEqual({ accountId: ACCOUNT, trigger: `aws.organizations:CreateAccountResult:${EVENT_ID}` });
    expect(onboardingInputSchema.safeParse(startInput()).success).toBe(true);
  });

  it('starts an onboarding for a Control Tower CreateManagedAccount, reading account.accountId', async () => {
    // Act
    const outcome = (await handleStartEvent(createManagedAccount(), dependencies())) as StartedExecution;

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED', kind: 'onboard', accountId: ACCOUNT });
    expect(startInput()).toMatchObject({ accountId: ACCOUNT, trigger: expect.stringMatching(/^aws\.controltower:CreateManagedAccount:/) as unknown });
  });

  it('starts an onboarding for a Control Tower UpdateManagedAccount exactly as for CreateManagedAccount (a retried enrolment ends with it)', async () => {
    // Act
    const outcome = (await handleStartEvent(updateManagedAccount(), dependencies())) as StartedExecution;

    // Assess
    expect(outcome).toMatchObject({ status: 'STARTED', kind: 'onboard', accountId: ACCOUNT });
    expect(outcome.executionName).toMatch(new RegExp(`^onboard-${ACCOUNT}-[0-9a-f]{16}$`));
    expect(sfnMock).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: ONBOARDING_ARN, name: outcome.executionName });
    expect(startInput()).toEqual({ accountId: ACCOUNT, trigger: 'aws.controltower:UpdateManagedAccount:bbbbcccc-1111-2222-3333-444455556666' });
    expect(onboardingInputSchema.safeParse(startInput()).success).toBe(true);
  });

  it('starts the offboarding workflow for CloseAccountResult and for a successful RemoveAccountFromOrganization', async () => {
    // Act
    const closed = (await handleStartEvent(closeAccountResult(), dependencies())) as StartedExecution;
    const removed = (await handleStartEvent(removeAccountFromOrganization(), dependencies())) as StartedExecution;

    // Assess
    expect(closed).toMatchObject({ status: 'STARTED', kind: 'offboard', accountId: ACCOUNT });
    expect(removed).toMatchObject({ status: 'STARTED', kind: 'offboard', accountId: ACCOUNT });
    expect(closed.executionName).toMatch(new RegExp(`^offboard-${ACCOUNT}-[0-9a-f]{16}$`));
    const calls = sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(calls.map((call) => call.stateMachineArn)).toEqual([OFFBOARDING_ARN, OFFBOARDING_ARN]);
    expect(calls.map((call) => (JSON.parse(call.input ?? '{}') as { reason?: string }).reason)).toEqual(['account-closed', 'removed-from-organization']);
  });

  it('ignores an event whose operation did not succeed, starting nothing', async () => {
    // Act
    const failedCreate = await handleStartEvent(createAccountResult('FAILED'), dependencies());
    const failedManaged = await handleStartEvent(createManagedAccount('FAILED'), dependencies());
    const failedUpdate = await handleStartEvent(updateManagedAccount('FAILED'), dependencies());
    const refusedRemoval = await handleStartEvent(removeAccountFromOrganization('AccessDeniedException'), dependencies());

    // Assess
    for (const outcome of [failedCreate, failedManaged, failedUpdate, refusedRemoval]) expect(outcome).toMatchObject({ status: 'IGNORED' });
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(sfnMock).not.toHaveReceivedCommand(ListExecutionsCommand);
  });

  it('rejects an event it does not handle, or one that names no valid account, with INVALID_INPUT', async () => {
    // Prepare
    const unknown = { ...createAccountResult(), detail: { eventName: 'InviteAccountToOrganization' } };
    const badAccount = createAccountResult('SUCCEEDED', '12345');
    const noAccount = createAccountResult('SUCCEEDED', null);

    // Act
    const errors = await Promise.all([unknown, badAccount, noAccount].map((event) => onboardingErrorOf(handleStartEvent(event, dependencies()))));

    // Assess
    for (const error of errors) expect(error.code).toBe(ErrorCode.INVALID_INPUT);
    expect(errors[1]?.message).toContain('12-digit');
    expect(sfnMock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('names the execution from the event id, so a redelivered event maps to the same name', () => {
    // Act
    const first = startRequestFromAccountEvent(createAccountResult());
    const again = startRequestFromAccountEvent(createAccountResult());
    const other = startRequestFromAccountEvent({ ...createAccountResult(), id: 'another-event-id' });

    // Assess
    expect(first).toEqual(again);
    expect('idempotencyKey' in first && 'idempotencyKey' in other && first.idempotencyKey !== other.idempotencyKey).toBe(true);
  });

  it('accepts exactly the events its own EventBridge patterns describe', () => {
    // Assess: every pattern's source and eventName route back to the same definition.
    const fixtures = {
      CreateAccountResult: createAccountResult(),
      CreateManagedAccount: createManagedAccount(),
      UpdateManagedAccount: updateManagedAccount(),
      CloseAccountResult: closeAccountResult(),
      RemoveAccountFromOrganization: removeAccountFromOrganization(),
    } satisfies Record<keyof typeof AccountEvent, Record<string, unknown>>;
    for (const [name, event] of Object.entries(fixtures)) {
      const pattern = AccountEvent[name as keyof typeof AccountEvent].pattern;
      expect(pattern.source).toContain(event.source);
      expect(pattern.detailType).toContain(event['detail-type']);
      expect((pattern.detail as { eventName: string[] }).eventName).toEqual([name]);
      expect(startRequestFromAccountEvent(event)).toMatchObject({ accountId: ACCOUNT, kind: AccountEvent[name as keyof typeof AccountEvent].kind });
    }
  });
});
