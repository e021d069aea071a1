import { ErrorCode } from '../contract/error-codes.js';
import { doublingDelay } from '../shared/backoff.js';
import { lastDirectorSwitchOf, type DirectorSwitch } from '../shared/director-key-record.js';
import { OnboardingError } from '../shared/errors.js';
import { baselineOf, fetchSignalsOf, fetchVerdictSince, type FetchSignals } from '../shared/fetch-signals.js';
import type { OwnedLogSource } from '../shared/owned-log-source.js';
import type { RotationRun } from './rotation-run.js';
import type { RotationTarget } from './rotation-target.js';
import type { RotationDataPlane } from './rotation-types.js';

/**
 * The rotation's proof that Logpoint fetches with the new key after the switch, read from the
 * same Director signals, the same way, as the onboarding's data-plane watch
 * (lambda/shared/fetch-signals.ts):
 *
 * - setSecret, once the switch's order succeeded, records Director's signals of that moment on the
 *   secret (`logpoint:director-switch`, director-key-record.ts). Only a fetch later than them counts.
 *   They are Director's own instants, so clock skew does not matter, the previous key's fetches do
 *   not count, and every step and every retry of one counts from the same point.
 * - testSecret, after the new key has read a log object itself, looks until Director reports a
 *   fetch since the switch, backing off, for at most `dataFlow.rotationWaitSeconds` (less when the
 *   invocation has less left). A failed fetch throws FETCH_FAILED, which rolls the rotation back.
 *   Logs received, or a successful attempt while logs have been received, are ONBOARDED. Neither is
 *   REGISTERED_NO_DATA_YET: the rotation proceeds, since the key itself was proven.
 * - finishSecret looks once more before it deletes the old key, and refuses on a failed fetch.
 */

/** setSecret: the switch to `accessKeyId` with Director's signals now; null when they cannot be read (testSecret then records its first look). */
export async function signalsAtSwitch(run: RotationRun, source: OwnedLogSource, accessKeyId: string): Promise<DirectorSwitch | null> {
  try {
    return { accessKeyId, baseline: baselineOf(fetchSignalsOf(await run.logSource.readBack(source))) };
  } catch (error) {
    run.log('warn', "Could not read Director's fetch signals at the switch; testSecret counts from its first look", {
      logSourceId: source.id,
      cause: run.describeCause(error).causeMessage,
    });
    return null;
  }
}

/** setSecret, called again after Director took the key: records the switch unless an earlier invocation did. */
export async function ensureSwitchRecorded(run: RotationRun, target: RotationTarget, source: OwnedLogSource, accessKeyId: string): Promise<void> {
  if (recordedSwitch(target, accessKeyId) !== null) return;
  const switched = await signalsAtSwitch(run, source, accessKeyId);
  if (switched !== null) await run.logSource.recordSwitch(target, switched);
}

/** testSecret: looks until Director reports a fetch since the switch to `accessKeyId`, or the bounded wait ends. */
export async function awaitFetchSinceSwitch(run: RotationRun, target: RotationTarget, source: OwnedLogSource, accessKeyId: string): Promise<RotationDataPlane> {
  const { dataPlaneBudgetMs, dataPlaneInitialDelayMs, dataPlaneMaxDelayMs } = run.timeouts;
  const waitMs = Math.min(run.context.settings.dataFlow.rotationWaitSeconds * 1000, dataPlaneBudgetMs);
  let switched = recordedSwitch(target, accessKeyId);
  let waitedMs = 0;
  for (let look = 0; ; look += 1) {
    const signals = fetchSignalsOf(await run.logSource.readBack(source));
    if (switched === null) {
      // setSecret could not record the switch: this look is the baseline, recorded so that a retry counts from it too.
      switched = { accessKeyId, baseline: baselineOf(signals) };
      await run.logSource.recordSwitch(target, switched);
      run.log('warn', 'No fetch signals were recorded at the switch; only fetches after this look count', { logSourceId: source.id, accessKeyId });
    }
    const verdict = fetchVerdictSince(signals, switched.baseline);
    if (verdict.kind === 'fetch-failed') {
      // The rollback that follows says itself where it left Director and the keys.
      throw fetchFailed(source, accessKeyId, signals);
    }
    if (verdict.kind === 'fetched') {
      run.log('info', `Director fetches with the new key: ${verdict.note}`, { logSourceId: source.id, accessKeyId, waitedMs });
      return dataPlaneOf('ONBOARDED', signals);
    }
    const pauseMs = Math.min(doublingDelay(dataPlaneInitialDelayMs, look, dataPlaneMaxDelayMs), waitMs - waitedMs);
    if (pauseMs <= 0) {
      run.log('warn', `Director reported no fetch with the new key within ${waitedMs} ms of waiting; the rotation proceeds, the key itself was verified`, {
        logSourceId: source.id,
        accessKeyId,
        lastFetchAttempt: signals.lastFetchAttempt,
        fetchStatus: signals.fetchStatus,
      });
      return dataPlaneOf('REGISTERED_NO_DATA_YET', signals);
    }
    await run.sleep(pauseMs);
    waitedMs += pauseMs;
  }
}

/**
 * finishSecret: one more look before the old key goes; a failed fetch since the switch refuses,
 * keeping it. `oldKey` names that key in the refusal ("The old key AKIA…").
 */
export async function lookBeforeRetiring(
  run: RotationRun,
  target: RotationTarget,
  source: OwnedLogSource,
  accessKeyId: string,
  oldKey: string,
): Promise<RotationDataPlane> {
  const signals = fetchSignalsOf(await run.logSource.readBack(source));
  // Without a record of the switch nothing is known to be later than it, so nothing counts.
  const verdict = fetchVerdictSince(signals, recordedSwitch(target, accessKeyId)?.baseline ?? baselineOf(signals));
  if (verdict.kind === 'fetch-failed') {
    throw fetchFailed(
      source,
      accessKeyId,
      signals,
      `${oldKey} is not deleted and the rotation stays pending; Secrets Manager retries finishSecret, which completes once a fetch succeeds.`,
    );
  }
  if (verdict.kind === 'fetched') return dataPlaneOf('ONBOARDED', signals);
  run.log('warn', 'The rotation finishes before Director reported a fetch with the new key', { logSourceId: source.id, accessKeyId });
  return dataPlaneOf('REGISTERED_NO_DATA_YET', signals);
}

/** What the rotation reports when there is no log source to look at. */
export function dataPlaneWithoutSource(): RotationDataPlane {
  return { outcome: 'REGISTERED_NO_DATA_YET', lastLogReceived: null, fetchStatus: null };
}

/** The switch to `accessKeyId` the secret records, or null when it records none for that key. */
function recordedSwitch(target: RotationTarget, accessKeyId: string): DirectorSwitch | null {
  const recorded = lastDirectorSwitchOf(target.description.tags);
  return recorded?.accessKeyId === accessKeyId ? recorded : null;
}

function dataPlaneOf(outcome: RotationDataPlane['outcome'], signals: FetchSignals): RotationDataPlane {
  return { outcome, lastLogReceived: signals.lastLogReceived, fetchStatus: signals.fetchStatus };
}

function fetchFailed(source: OwnedLogSource, accessKeyId: string, signals: FetchSignals, consequence?: string): OnboardingError {
  return new OnboardingError(
    ErrorCode.FETCH_FAILED,
    `Director's log source ${source.id} uses the new access key ${accessKeyId}, but Logpoint's fetch at ${signals.lastFetchAttempt ?? '?'} ` +
      `failed: ${signals.fetchStatus ?? 'no reason given'}.${consequence === undefined ? '' : ` ${consequence}`}`,
    { details: { logSourceId: source.id, accessKeyId, fetchStatus: signals.fetchStatus, lastFetchAttempt: signals.lastFetchAttempt } },
  );
}
