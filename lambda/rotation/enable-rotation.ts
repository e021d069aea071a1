import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { RotationRulesType, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '../contract/error-codes.js';
import { DEFAULT_ROTATION_SCHEDULE_DAYS, accountSecretName } from '../contract/names.js';
import { describeAccountSecret, secretNotOwned, type AccountSecretDescription } from '../shared/account-secret.js';
import { OnboardingError } from '../shared/errors.js';
import type { EnableRotationOptions } from './rotation-settings.js';
import { describeAwsError, isAwsError } from '../shared/ownership.js';

/**
 * Switching on scheduled rotation of an account secret, which FinalizeOnboarding does once the
 * account's log source works (a half-onboarded account is never rotated).
 */

/**
 * `unchanged`: rotation was already on with this function and schedule. `rotation-in-progress`: a
 * rotation has not finished (Secrets Manager refuses a new configuration then); nothing changed.
 */
export type EnableRotationOutcome = { status: 'enabled' | 'updated' | 'unchanged' | 'rotation-in-progress'; secretName: string };

/**
 * Turns on scheduled rotation of the account's secret with the given function (RotateSecret with
 * RotateImmediately=false: Secrets Manager then only runs testSecret to check the set-up).
 * Idempotent: an identical configuration is left alone. A secret that is not ours fails NOT_OWNED.
 */
export async function enableAccountSecretRotation(
  sm: SecretsManagerClient,
  accountId: string,
  options: EnableRotationOptions,
  /** What this invocation already read of the secret; described again when omitted. */
  known?: AccountSecretDescription | null,
): Promise<EnableRotationOutcome> {
  const secretName = accountSecretName(accountId);
  const rules = rotationRules(options);
  const description = known === undefined ? await describeAccountSecret(sm, accountId) : known;
  if (description === null || description.scheduledForDeletion) {
    throw new OnboardingError(
      ErrorCode.SECRET_NOT_FOUND,
      `Secret ${secretName} does not exist or is scheduled for deletion; onboard account ${accountId} first.`,
      {
        details: { secretName },
      },
    );
  }
  if (!description.owned) throw secretNotOwned(description.secretName, accountId);
  const { rotation } = description;
  const sameSchedule =
    rules.ScheduleExpression === undefined
      ? rotation.automaticallyAfterDays === rules.AutomaticallyAfterDays
      : rotation.scheduleExpression === rules.ScheduleExpression;
  if (rotation.enabled && rotation.lambdaArn === options.rotationLambdaArn && sameSchedule) return { status: 'unchanged', secretName };
  if (description.pendingVersionId !== null && description.pendingVersionId !== description.currentVersionId) {
    return { status: 'rotation-in-progress', secretName };
  }
  try {
    await sm.send(
      new RotateSecretCommand({
        SecretId: description.secretArn,
        RotationLambdaARN: options.rotationLambdaArn,
        RotationRules: rules,
        RotateImmediately: false,
      }),
    );
  } catch (error) {
    if (isAwsError(error, 'InvalidRequestException') && /previous rotation/i.test(error instanceof Error ? error.message : '')) {
      return { status: 'rotation-in-progress', secretName };
    }
    throw new OnboardingError(ErrorCode.ROTATION_FAILED, `Could not turn on rotation of secret ${secretName}: ${describeAwsError(error)}.`, {
      details: { secretName, awsError: describeAwsError(error) },
    });
  }
  return { status: rotation.enabled ? 'updated' : 'enabled', secretName };
}

function rotationRules(options: EnableRotationOptions): RotationRulesType {
  if (options.scheduleExpression !== undefined) {
    if (!/^(rate|cron)\(.+\)$/.test(options.scheduleExpression)) {
      throw new OnboardingError(
        ErrorCode.CONFIG_INVALID,
        `Rotation schedule "${options.scheduleExpression}" is neither a rate(...) nor a cron(...) expression.`,
      );
    }
    return { ScheduleExpression: options.scheduleExpression };
  }
  const days = options.scheduleDays ?? DEFAULT_ROTATION_SCHEDULE_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 1000) {
    throw new OnboardingError(ErrorCode.CONFIG_INVALID, `Rotation schedule must be a whole number of days from 1 to 1000, not ${days}.`);
  }
  return { AutomaticallyAfterDays: days };
}
