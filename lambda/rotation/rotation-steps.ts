import { readAccessKeyId } from '../shared/account-secret.js';
import { removePendingLabel } from '../shared/account-secret-versions.js';
import { OnboardingError } from '../shared/errors.js';
import { describeAwsError } from '../shared/ownership.js';
import { createAccessKeyWithinLimit } from '../shared/reader-keys.js';
import { deleteReaderAccessKey, listReaderAccessKeyIds } from '../shared/reader-user.js';
import { ErrorCode } from '../contract/error-codes.js';
import { connectorAccessKey } from './director-log-source.js';
import { directorKeyRecordOf } from '../shared/director-key-record.js';
import type { LogSourceRecord } from '../director/index.js';
import { bucketFacts, verifyDuringPropagation } from './key-verification.js';
import { awaitFetchSinceSwitch, dataPlaneWithoutSource, ensureSwitchRecorded, lookBeforeRetiring, signalsAtSwitch } from './data-plane.js';
import { RotationAbandonedError } from './rotation-errors.js';
import { publishSucceeded } from './rotation-events.js';
import type { RotationRun } from './rotation-run.js';
import type { RotationTarget } from './rotation-target.js';
import { RotationStep } from './rotation-types.js';
import type { KeyRotationContext, RotationDataPlane, RotationRequest, RotationStepRequest, RotationStepResult } from './rotation-types.js';
import { executeStep } from './step-execution.js';

/**
 * Zero-downtime rotation of an account's reader access key through Secrets Manager rotation of
 * the account secret `logpoint/cloudtrail/<account>`, in the four standard steps:
 *
 * 1. createSecret — a second IAM key (making room by deleting only an idle key that is not the
 *    AWSCURRENT one, so the user never holds more than two) stored as the AWSPENDING version.
 * 2. setSecret — `PUT` of the account's log source in Director with the pending key (the same edit
 *    body the onboarding sends, keeping the source's name and filter date), waiting for its order.
 * 3. testSecret — with the pending key, list and read one CloudTrail log object, retrying for a
 *    bounded time while IAM propagates the new key; then wait, bounded, for Director to report a
 *    fetch with it since the switch (data-plane.ts): a failed fetch fails the step (FETCH_FAILED).
 * 4. finishSecret — only when Director uses the pending key and reports no failed fetch with it:
 *    AWSCURRENT moves to it (AWSPREVIOUS follows), then the old IAM key is deleted.
 *    `Key Rotation Succeeded` is published, with the data plane's outcome.
 *
 * Every step may be invoked again with the same token (Secrets Manager retries after a failure or
 * a timeout) and then finds its work done. A version that already carries AWSCURRENT makes
 * createSecret, setSecret and testSecret no-ops.
 *
 * On a failure in setSecret or testSecret the rotation is rolled back: Director is put back on
 * the AWSCURRENT key when it may have the new one, only then is the new key deleted and the
 * AWSPENDING label removed. When Director cannot be put back, the new key and the label stay (the
 * key may be in use; a retry of the rotation can finish forward or roll back again), and the
 * report says so. Every failure publishes `Key Rotation Failed` and is rethrown as
 * {@link KeyRotationError}: code ROTATION_FAILED, with the cause's code in `details.causeCode`, so
 * one alarm and one log query cover every rotation failure while the cause stays visible.
 *
 * No secret value leaves the rotation: messages, events and logs are redacted against every key the run read.
 */

/** Runs the step Secrets Manager asked for. */
export function runRotationStep(context: KeyRotationContext, request: RotationStepRequest): Promise<RotationStepResult> {
  switch (request.step) {
    case RotationStep.CreateSecret:
      return createSecretStep(context, request);
    case RotationStep.SetSecret:
      return setSecretStep(context, request);
    case RotationStep.TestSecret:
      return testSecretStep(context, request);
    case RotationStep.FinishSecret:
      return finishSecretStep(context, request);
  }
}

/** createSecret: a new IAM key, stored as the AWSPENDING version; nothing else changes. */
export function createSecretStep(context: KeyRotationContext, request: RotationRequest): Promise<RotationStepResult> {
  return executeStep(context, request, RotationStep.CreateSecret, 'report-only', async (run, target) => {
    if (target.isCurrent) return { action: 'already-current' };
    const existing = await run.readVersion(target.versionId);
    if (existing !== null) {
      if (!target.isPending) throw new RotationAbandonedError(target.secretName, target.versionId);
      return { action: 'already-created', accessKeyId: existing.accessKeyId };
    }
    const { iam } = context;
    const current = await run.currentKey();
    const key = run.remember(
      await createAccessKeyWithinLimit(iam, {
        userName: target.userName,
        protectedAccessKeyIds: [current.accessKeyId],
        secretName: target.secretName,
      }),
    );
    try {
      await run.storePendingKey(target, key);
    } catch (error) {
      // A key nobody can read is only a liability (and takes one of the user's two slots).
      try {
        await deleteReaderAccessKey(iam, target.userName, key.accessKeyId);
      } catch (cleanup) {
        run.log('warn', 'Could not delete the new access key after storing it failed', {
          accessKeyId: key.accessKeyId,
          awsError: describeAwsError(cleanup),
        });
      }
      throw error;
    }
    return { action: 'created', accessKeyId: key.accessKeyId };
  });
}

/** setSecret: Director's log source switches to the pending key; the step returns after its order succeeded. */
export function setSecretStep(context: KeyRotationContext, request: RotationRequest): Promise<RotationStepResult> {
  return executeStep(context, request, RotationStep.SetSecret, 'roll-back', async (run, target) => {
    if (target.isCurrent) return { action: 'already-current' };
    const pending = await run.requirePendingKey(target);
    await run.requireKeyOnUser(target, pending.accessKeyId);
    const source = await run.logSource.require(target);
    if (directorHolds(target, source, pending.accessKeyId)) {
      await ensureSwitchRecorded(run, target, source, pending.accessKeyId);
      return { action: 'director-already-updated', accessKeyId: pending.accessKeyId, logSourceId: source.id };
    }
    const order = await run.logSource.edit(target, source, pending, 'switch');
    await run.logSource.recordOrder(target, order, pending.accessKeyId, await signalsAtSwitch(run, source, pending.accessKeyId));
    return { action: 'director-updated', accessKeyId: pending.accessKeyId, logSourceId: source.id, orderRequestId: order.requestId };
  });
}

/**
 * testSecret: the pending key lists and reads one log object, then Director is given a bounded
 * time to report a fetch with it. Without a pending value (Secrets Manager testing the
 * configuration after RotateSecret with RotateImmediately=false) the current key is tested
 * instead, which proves the same set-up; nothing was switched, so there is no data plane to watch.
 */
export function testSecretStep(context: KeyRotationContext, request: RotationRequest): Promise<RotationStepResult> {
  return executeStep(context, request, RotationStep.TestSecret, 'roll-back', async (run, target) => {
    if (target.isCurrent) return { action: 'already-current' };
    const pending = await run.readVersion(target.versionId);
    if (pending !== null && !target.isPending) throw new RotationAbandonedError(target.secretName, target.versionId);
    const key = pending ?? (await run.currentKey());
    const facts = await bucketFacts(run, target);
    const access = await verifyDuringPropagation(run, key, facts);
    const dataPlane = pending === null ? undefined : await dataPlaneAfterSwitch(run, target, pending.accessKeyId);
    return {
      action: 'verified',
      accessKeyId: key.accessKeyId,
      objectKey: access.objectKey,
      testedCurrentKey: pending === null,
      ...(dataPlane === undefined ? {} : { dataPlane }),
    };
  });
}

/**
 * finishSecret: once Director is proven to use the pending key, and reports no failed fetch with it
 * since the switch, AWSCURRENT moves to it, the old key is deleted and the AWSPENDING label is
 * taken off. Called again after that, it only makes sure the old (AWSPREVIOUS) key is gone, after
 * the same look at the data plane.
 */
export function finishSecretStep(context: KeyRotationContext, request: RotationRequest): Promise<RotationStepResult> {
  return executeStep(context, request, RotationStep.FinishSecret, 'report-only', async (run, target) => {
    const { iam, secretsManager } = context;
    if (target.isCurrent) {
      const current = await run.currentKey();
      const found = await run.logSource.find(target);
      const dataPlane = found === null ? dataPlaneWithoutSource() : await lookBeforeRetiring(run, target, found, current.accessKeyId, 'The AWSPREVIOUS key');
      const retired = await retirePreviousKey(run, target, current.accessKeyId);
      await removePendingLabel(secretsManager, target.accountId, target.versionId, { evenIfCurrent: true }, target.description);
      await publishSucceeded(run, target, { accessKeyId: current.accessKeyId, retiredAccessKeyIds: retired, logSourceId: found?.id ?? null, dataPlane });
      return { action: 'already-current', accessKeyId: current.accessKeyId, retiredAccessKeyIds: retired, dataPlane };
    }
    const pending = await run.requirePendingKey(target);
    const current = await run.currentKey();
    await run.requireKeyOnUser(target, pending.accessKeyId);
    const source = await run.logSource.require(target);
    const directorKey = connectorAccessKey(source);
    // setSecret records the key once its order succeeded; a Director that reads access_key back may show it too.
    if (!directorHolds(target, source, pending.accessKeyId)) {
      // Promoting now would make the secret disagree with Director; deleting the old key would stop it.
      throw new OnboardingError(
        ErrorCode.ROTATION_FAILED,
        `Director's log source ${source.id} uses access key ${directorKey ?? '(none)'}, not the pending key ${pending.accessKeyId}: ` +
          'setSecret has not completed. The rotation stays pending; Secrets Manager retries it.',
        { details: { logSourceId: source.id, directorAccessKeyId: directorKey ?? null, pendingAccessKeyId: pending.accessKeyId } },
      );
    }
    // Before anything moves: a failed fetch with the new key keeps the old one current and in place.
    const dataPlane = await lookBeforeRetiring(run, target, source, pending.accessKeyId, `The old key ${current.accessKeyId}`);
    await run.promotePendingKey(target, pending);
    const retired: string[] = [];
    if (current.accessKeyId !== pending.accessKeyId) {
      await deleteReaderAccessKey(iam, target.userName, current.accessKeyId);
      retired.push(current.accessKeyId);
    }
    // The description predates the promotion, but the AWSPENDING label it shows on the version has
    // not moved, and with evenIfCurrent the version's new AWSCURRENT label does not matter.
    await removePendingLabel(secretsManager, target.accountId, target.versionId, { evenIfCurrent: true }, target.description);
    await publishSucceeded(run, target, { accessKeyId: pending.accessKeyId, retiredAccessKeyIds: retired, logSourceId: source.id, dataPlane });
    return { action: 'promoted', accessKeyId: pending.accessKeyId, logSourceId: source.id, retiredAccessKeyIds: retired, dataPlane };
  });
}

/** testSecret's look at the data plane, once Director holds the pending key (setSecret completed); undefined before. */
async function dataPlaneAfterSwitch(run: RotationRun, target: RotationTarget, accessKeyId: string): Promise<RotationDataPlane | undefined> {
  const source = await run.logSource.find(target);
  if (source === null || !directorHolds(target, source, accessKeyId)) return undefined;
  return awaitFetchSinceSwitch(run, target, source, accessKeyId);
}

/** Deletes the key of the AWSPREVIOUS version, unless it is the current key or already gone. */
async function retirePreviousKey(run: RotationRun, target: RotationTarget, currentAccessKeyId: string): Promise<string[]> {
  const { iam, secretsManager } = run.context;
  const { previousVersionId } = target.description;
  if (previousVersionId === null) return [];
  const previousKeyId = await readAccessKeyId(secretsManager, target.accountId, { versionId: previousVersionId });
  if (previousKeyId === null || previousKeyId === currentAccessKeyId) return [];
  if (!(await listReaderAccessKeyIds(iam, target.userName)).includes(previousKeyId)) return [];
  await deleteReaderAccessKey(iam, target.userName, previousKeyId);
  return [previousKeyId];
}

/**
 * Whether Director is known to use `accessKeyId`: the secret's record says an order that carried
 * it succeeded (setSecret writes it), or Director's read-back shows it. Director may mask
 * `access_key` or leave it out of read-backs, and a list may lag behind the last write, so the
 * read-back alone is never required.
 */
function directorHolds(target: RotationTarget, source: LogSourceRecord, accessKeyId: string): boolean {
  return directorKeyRecordOf(target.description.tags).confirmedKeyId === accessKeyId || connectorAccessKey(source) === accessKeyId;
}
