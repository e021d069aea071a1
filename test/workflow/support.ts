import { CreateSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { DEFAULT_ORDER_POLLING } from '../../lambda/contract/runtime-settings.js';
import { expect } from 'vitest';
import { DIRECTOR_SECRET_NAME, type Sandbox } from '../../local/sandbox/environment.js';
import type { ExecutionEvent, LocalRunResult } from '../../local/sandbox/state-machine-runner.js';

/**
 * Shared helpers of the workflow tests: reading a local execution's events, collecting every
 * secret value the run handed to Secrets Manager, and the "nothing left behind" checks.
 */

export const accountSecretNameOf = (accountId: string): string => `logpoint/cloudtrail/${accountId}`;
export const readerUserNameOf = (accountId: string): string => `cloudtrail-reader-${accountId}`;

type EventOfKind<Kind extends ExecutionEvent['kind']> = Extract<ExecutionEvent, { kind: Kind }>;

export function eventsOf<Kind extends ExecutionEvent['kind']>(result: LocalRunResult, kind: Kind, state?: string): EventOfKind<Kind>[] {
  return result.events.filter(
    (event): event is EventOfKind<Kind> => event.kind === kind && (state === undefined || ('state' in event && event.state === state)),
  );
}

/** The states the execution entered, in order. */
export function enteredStates(result: LocalRunResult): string[] {
  return eventsOf(result, 'entered').map((event) => event.state);
}

/** The output a state exited with (the whole state object after its ResultPath), last time it ran. */
export function exitOutputOf(result: LocalRunResult, state: string): Record<string, unknown> {
  const exits = eventsOf(result, 'exited', state);
  const output = exits.at(-1)?.output;
  expect(output, `${state} never exited`).toBeTypeOf('object');
  return output as Record<string, unknown>;
}

/** `nextWaitSeconds` each time the execution entered WaitForOrder: the order polling schedule. */
export function orderWaitSeconds(result: LocalRunResult): number[] {
  return eventsOf(result, 'entered', 'WaitForOrder').map((event) => {
    const seconds = (event.input as { order?: { nextWaitSeconds?: unknown } }).order?.nextWaitSeconds;
    expect(seconds).toBeTypeOf('number');
    return seconds as number;
  });
}

/** Doubling from 2 s to the 60 s cap, as long as `count` requires. */
export function expectedOrderWaits(count: number): number[] {
  return Array.from({ length: count }, (_, index) => Math.min(2 * 2 ** index, DEFAULT_ORDER_POLLING.maxWaitSeconds));
}

const SECRET_FIELDS = ['secretAccessKey', 'secretKey', 'token'];

/**
 * Every secret value that reached Secrets Manager during the sandbox's life: the reader keys'
 * secret parts (ProvisionReader writes each new key there in the same step), the Director
 * `secretKey` and every token the Director client saved back. Read from the fake's call history,
 * so it includes keys that compensation deleted again.
 */
export function secretValuesWritten(sandbox: Sandbox): string[] {
  const mock = sandbox.aws.fakes.secretsManager.mock;
  const strings = [
    ...mock.commandCalls(CreateSecretCommand).map((call) => call.args[0].input.SecretString),
    ...mock.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input.SecretString),
  ];
  const values = new Set<string>([sandbox.director.secretKey]);
  for (const secretString of strings) {
    if (secretString === undefined) continue;
    const document = JSON.parse(secretString) as Record<string, unknown>;
    for (const field of SECRET_FIELDS) {
      const value = document[field];
      if (typeof value === 'string' && value.length > 0) values.add(value);
    }
  }
  return [...values];
}

/** The reader key pair the account's secret holds now (AWSCURRENT), read through the fake. */
export function currentReaderKey(sandbox: Sandbox, accountId: string): { accessKeyId: string; secretAccessKey: string } {
  const value = sandbox.aws.fakes.secretsManager.revealSecretValueForTest(accountSecretNameOf(accountId));
  expect(value, `secret ${accountSecretNameOf(accountId)} has no current value`).toBeTypeOf('string');
  return JSON.parse(value as string) as { accessKeyId: string; secretAccessKey: string };
}

/** Fails when any of `secrets` occurs anywhere in `where` (serialized as JSON when not a string). */
export function expectNoSecretIn(where: unknown, secrets: readonly string[], label: string): void {
  const text = typeof where === 'string' ? where : JSON.stringify(where);
  secrets.forEach((secret, index) => {
    // The message names the secret by position only: a failing test must not print it either.
    expect(text.includes(secret), `${label} contains secret value #${index} (${secret.length} characters)`).toBe(false);
  });
}

/** No secret value in the execution's events, its output or error, nor in any published event. */
export function expectRunFreeOfSecrets(sandbox: Sandbox, result: LocalRunResult, secrets: readonly string[]): void {
  expectNoSecretIn(result.events, secrets, 'the state machine events');
  expectNoSecretIn(result.output, secrets, 'the execution output');
  expectNoSecretIn(result.error, secrets, 'the execution error');
  expectNoSecretIn(sandbox.events, secrets, 'the published EventBridge events');
}

/** After a failed first onboarding: no reader user, no access key and no account secret remain. */
export function expectNothingLeftBehind(sandbox: Sandbox): void {
  const aws = sandbox.aws.summary();
  expect(aws.users).toEqual([]);
  expect(aws.accessKeys).toEqual([]);
  expect(aws.secrets).toEqual([DIRECTOR_SECRET_NAME]);
  expect(aws.secretsScheduledForDeletion).toEqual([]);
}

/**
 * The execution ended in the typed code: the run result, the execution's last event, the Fail
 * state reached through Compensate and PublishFailed, and one `Onboarding Failed` event carrying
 * the code (`eventsBefore`: events published by earlier runs), with no secret anywhere.
 */
export function expectFailedWith(sandbox: Sandbox, result: LocalRunResult, code: string, eventsBefore = 0): void {
  expect(result.status).toBe('FAILED');
  expect(result.error?.code).toBe(code);
  const last = result.events.at(-1);
  expect(last).toMatchObject({ kind: 'execution-failed', error: code });
  const entered = enteredStates(result);
  // Compensate, then the account lock released (when the run took it), then the event and the Fail state.
  const afterCompensate = entered.slice(entered.lastIndexOf('Compensate'));
  const released = entered.includes('AcquireLock') && eventsOf(result, 'exited', 'AcquireLock').length > 0;
  expect(afterCompensate).toEqual(
    released
      ? ['Compensate', 'HoldsLock', 'ReleaseLock', 'AfterLockRelease', 'PublishFailed', 'OnboardingFailed']
      : ['Compensate', 'HoldsLock', 'PublishFailed', 'OnboardingFailed'],
  );

  const published = sandbox.events.slice(eventsBefore);
  expect(published.map((event) => event.detailType)).toEqual(['Onboarding Failed']);
  expect(published[0]?.source).toBe('logpoint.onboarding');
  expect(published[0]?.detail).toMatchObject({ errorCode: code });
  expectRunFreeOfSecrets(sandbox, result, secretValuesWritten(sandbox));
}
