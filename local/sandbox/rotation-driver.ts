import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { describeError } from '../../lambda/shared/errors.js';
import { ROTATION_STEPS } from '../../lambda/rotation/rotation-types.js';
import type { RotationDependencies } from '../../lambda/rotation/rotate-access-key.handler.js';
import { accountSecretName } from '../../lambda/contract/names.js';
import type { AwsSandbox } from '../aws/index.js';
import { invokeLikeLambda, type LambdaHandler } from './lambda-invocation.js';
import { withListedClients } from './listed-clients.js';
import type { ExecutionEvent, LocalRunResult, LocalTaskHandler } from './state-machine-runner.js';
import type { RunOptions } from './workflow-runner.js';

/** Who the rotation function's calls are recorded as: Secrets Manager invokes it outside any workflow. */
const ROTATION_CALLER = { workflow: 'rotate', task: 'KeyRotation' } as const;

/** The real rotation function, invoked as Lambda would invoke it. */
export async function loadRotationHandler(provider: () => RotationDependencies): Promise<LocalTaskHandler> {
  const rotationModule = (await import('../../lambda/rotation/rotate-access-key.handler.js')) as {
    createHandler: (deps: () => RotationDependencies) => LambdaHandler;
    awsClients: object;
  };
  return invokeLikeLambda(rotationModule.createHandler(withListedClients(provider, rotationModule.awsClients, ROTATION_CALLER.task)), ROTATION_CALLER);
}

/** Plays Secrets Manager's part in a rotation: RotateSecret, then each step of the function. */
export async function rotateNow(aws: AwsSandbox, accountId: string, rotationHandler: LocalTaskHandler, options: RunOptions): Promise<LocalRunResult> {
  const emit = (event: ExecutionEvent): void => {
    events.push(event);
    options.onEvent?.(event);
  };
  const events: ExecutionEvent[] = [];
  const secretName = accountSecretName(accountId);
  emit({ kind: 'started', at: Date.now() });
  const rotation = await aws.secretsManager.send(new RotateSecretCommand({ SecretId: secretName, RotateImmediately: true }));
  const request = aws.fakes.secretsManager.rotationRequests().at(-1);
  if (!request || !rotation.VersionId) throw new Error(`Secrets Manager did not record a rotation of ${secretName}.`);
  for (const step of ROTATION_STEPS) {
    emit({ kind: 'entered', at: Date.now(), state: step, stateType: 'RotationStep', input: { SecretId: request.secretArn, Step: step } });
    try {
      const output = await rotationHandler({ SecretId: request.secretArn, ClientRequestToken: request.clientRequestToken, Step: step });
      emit({ kind: 'exited', at: Date.now(), state: step, stateType: 'RotationStep', output });
    } catch (caught) {
      const { message } = describeError(caught);
      const code = caught instanceof Error ? caught.name : 'Error';
      emit({ kind: 'failed', at: Date.now(), state: step, error: code, cause: message });
      emit({ kind: 'execution-failed', at: Date.now(), error: code, cause: message });
      return { status: 'FAILED', output: null, error: { code, message }, events, transitions: countEntered(events) };
    }
  }
  const output = { secretName, versionId: request.clientRequestToken };
  emit({ kind: 'succeeded', at: Date.now(), output });
  return { status: 'SUCCEEDED', output, error: null, events, transitions: countEntered(events) };
}

const countEntered = (events: ExecutionEvent[]): number => events.filter((event) => event.kind === 'entered').length;
