import { ErrorCode } from '../contract/error-codes.js';
import type { DataFlowSettings } from '../contract/runtime-settings.js';
import type { DirectorClient } from '../director/index.js';
import { doublingDelay } from '../shared/backoff.js';
import { OnboardingError } from '../shared/errors.js';
import { baselineOf, fetchSignalsOf, fetchVerdictSince, type FetchSignals } from '../shared/fetch-signals.js';
import type { DataPlane } from './workflow-contract.js';

export interface DataFlowInput {
  accountId: string;
  logSourceId: string;
  operation: 'CREATE' | 'EDIT';
  /** The previous look's result (outcome WAITING), or the loop's starting point. */
  dataPlane: DataPlane;
}

/**
 * CheckDataFlow: one look at what Director reports about the registered source, to prove that
 * Logpoint fetches with the key it was given — a registration alone does not (the fetcher may be
 * refused by the bucket, or list a path the reader may not).
 *
 * - A fetch attempt that ended in an error fails the run with FETCH_FAILED and Director's reason.
 * - Logs received, or a successful attempt while logs have been received: ONBOARDED.
 * - Neither by the deadline: REGISTERED_NO_DATA_YET (the run succeeds, with an alarm).
 *
 * A new source's signals are all this key's. An edited source's earlier signals belong to the old
 * key, so the first look of an edit records them as a baseline and only later ones count.
 */
export async function checkDataFlow(director: DirectorClient, settings: DataFlowSettings, input: DataFlowInput, now: Date): Promise<DataPlane> {
  const signals = fetchSignalsOf(await director.getLogSource(input.logSourceId));
  const { watch } = input.dataPlane;
  const attempt = watch.attempt + 1;
  const deadlineAt = watch.deadlineAt ?? new Date(now.getTime() + settings.deadlineSeconds * 1000).toISOString();
  const firstLookOfEdit = input.operation === 'EDIT' && watch.attempt === 0;
  const baseline = firstLookOfEdit ? baselineOf(signals) : watch.baseline;
  const look = (outcome: DataPlane['outcome'], note: string, nextWaitSeconds = 1): DataPlane => ({
    outcome,
    lastLogReceived: signals.lastLogReceived,
    fetchStatus: signals.fetchStatus,
    lastFetchAttempt: signals.lastFetchAttempt,
    note,
    watch: { attempt, nextWaitSeconds, deadlineAt, baseline },
  });

  // The first look of an edit is its own baseline, so nothing counts yet.
  const verdict = fetchVerdictSince(signals, baseline);
  if (verdict.kind === 'fetch-failed') throw fetchFailed(input, signals);
  if (verdict.kind === 'fetched') return look('ONBOARDED', verdict.note);

  const remainingSeconds = Math.floor((Date.parse(deadlineAt) - now.getTime()) / 1000);
  if (remainingSeconds <= 0) {
    return look(
      'REGISTERED_NO_DATA_YET',
      `Director registered the source, but reported no fetch of logs within ${settings.deadlineSeconds} s ` +
        `(last fetch attempt: ${signals.lastFetchAttempt ?? 'none'}, status: ${signals.fetchStatus ?? 'none'}). ` +
        "Check the source's fetch status in Logpoint; the account is registered and its key stays in place.",
    );
  }
  const wait = Math.max(1, Math.min(doublingDelay(settings.initialWaitSeconds, watch.attempt, settings.maxWaitSeconds), remainingSeconds));
  return look('WAITING', 'Waiting for Logpoint to fetch.', wait);
}

function fetchFailed(input: DataFlowInput, signals: FetchSignals): OnboardingError {
  return new OnboardingError(
    ErrorCode.FETCH_FAILED,
    `Director registered log source ${input.logSourceId} for account ${input.accountId}, but Logpoint's fetch at ` +
      `${signals.lastFetchAttempt ?? '?'} failed: ${signals.fetchStatus ?? 'no reason given'}`,
    { details: { logSourceId: input.logSourceId, fetchStatus: signals.fetchStatus, lastFetchAttempt: signals.lastFetchAttempt } },
  );
}
