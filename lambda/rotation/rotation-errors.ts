import { OnboardingError } from '../shared/errors.js';
import { ErrorCode } from '../contract/error-codes.js';
import type { RotationRollback, RotationStep } from './rotation-types.js';

/** Every rotation failure: code ROTATION_FAILED, the cause's code and the rollback in `details`. */
export class KeyRotationError extends OnboardingError {
  readonly step: RotationStep;
  readonly causeCode: string;

  constructor(facts: { step: RotationStep; secretId: string; accountId: string | null; causeCode: string; causeMessage: string; rollback?: RotationRollback }) {
    const rollback = facts.rollback;
    const rollbackNote =
      rollback === undefined
        ? ''
        : rollback.complete
          ? ' The rotation was rolled back: Director and the secret keep the current key.'
          : ` The rollback is incomplete (${rollback.problems.join('; ')}); the new key and the AWSPENDING label were kept.`;
    super(ErrorCode.ROTATION_FAILED, `Key rotation of ${facts.secretId} failed in ${facts.step}: [${facts.causeCode}] ${facts.causeMessage}${rollbackNote}`, {
      details: {
        step: facts.step,
        secretId: facts.secretId,
        accountId: facts.accountId,
        causeCode: facts.causeCode,
        ...(rollback === undefined ? {} : { rollback }),
      },
    });
    this.step = facts.step;
    this.causeCode = facts.causeCode;
  }
}

/** A step called again for a version whose rotation was already rolled back: nothing to undo or report again. */
export class RotationAbandonedError extends OnboardingError {
  constructor(secretName: string, versionId: string) {
    super(
      ErrorCode.ROTATION_FAILED,
      `Version ${versionId} of ${secretName} belongs to a rotation that was rolled back; rotate the secret again to start a new one.`,
      { details: { secretName, versionId } },
    );
  }
}
