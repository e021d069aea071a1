import { KeyRotationEventType } from '../contract/events.js';
import { KeyRotationError, RotationAbandonedError } from './rotation-errors.js';
import { publishRotationEvent } from './rotation-events.js';
import { rollBack } from './rotation-rollback.js';
import { RotationRun } from './rotation-run.js';
import { accountIdOfSecretId, type RotationTarget } from './rotation-target.js';
import type { KeyRotationContext, RotationRequest, RotationStep, RotationStepResult } from './rotation-types.js';

/** What a step's body decides; the step, account, secret and version are added around it. */
export type StepOutcome = Omit<RotationStepResult, 'step' | 'accountId' | 'secretName' | 'versionId'>;

/** 'roll-back': a failure undoes what the rotation changed; 'report-only': it is reported and rethrown. */
export type FailureHandling = 'roll-back' | 'report-only';

/**
 * Runs one step invocation: resolves its target, runs `body`, logs the outcome. A failure is
 * rolled back (per `onFailure`), published as `Key Rotation Failed` and rethrown as
 * {@link KeyRotationError}; a step of an abandoned rotation is only rethrown.
 */
export async function executeStep(
  context: KeyRotationContext,
  request: RotationRequest,
  step: RotationStep,
  onFailure: FailureHandling,
  body: (run: RotationRun, target: RotationTarget) => Promise<StepOutcome>,
): Promise<RotationStepResult> {
  const run = new RotationRun(context, request, step);
  try {
    const target = await run.resolveTarget();
    const outcome = await body(run, target);
    const result: RotationStepResult = { step, accountId: target.accountId, secretName: target.secretName, versionId: target.versionId, ...outcome };
    run.log('info', `Rotation step ${step}: ${outcome.action}`, { ...result });
    return result;
  } catch (caught) {
    const cause = run.describeCause(caught);
    const accountId = run.target?.accountId ?? accountIdOfSecretId(request.secretId);
    if (caught instanceof RotationAbandonedError) {
      throw new KeyRotationError({ step, secretId: request.secretId, accountId, ...cause });
    }
    const rollback = onFailure === 'roll-back' && run.target !== undefined ? await rollBack(run, run.target) : undefined;
    const error = new KeyRotationError({ step, secretId: request.secretId, accountId, ...cause, ...(rollback === undefined ? {} : { rollback }) });
    await publishRotationEvent(run, KeyRotationEventType.Failed, {
      accountId,
      secretName: run.target?.secretName ?? request.secretId,
      step,
      versionId: request.clientRequestToken,
      errorCode: cause.causeCode,
      errorMessage: cause.causeMessage,
      ...(rollback === undefined ? {} : { rollback }),
    });
    throw error;
  }
}
