import { KeyRotationEventType, OffboardingEventType, OnboardingEventType } from '../../lambda/contract/events.js';
import type { PublishedEvent } from '../../local/sandbox/event-capture.js';
import type { AccountSnapshot } from './account-snapshot.js';
import type { RunRecord, Workflow } from './fault-types.js';

/**
 * The promises the product makes about an account whatever fault hit it, as checks over a
 * snapshot. Each check names itself, says whether it held, and why not (ids only, no secret).
 */

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The code with which the product says "Director may hold a key; the re-run repairs". */
const OUTCOME_UNKNOWN = 'DIRECTOR_OUTCOME_UNKNOWN';
const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail: ok ? '' : detail });

/** Every key of the reader user is held by the live account secret (any stage) or by Director: nothing stranded. */
function keysReferenced(s: AccountSnapshot): Check {
  const bySecret = s.secret.state === 'live' ? Object.values(s.secret.stages) : [];
  const referenced = new Set([...bySecret, ...s.sources.flatMap((source) => (source.accessKeyId ? [source.accessKeyId] : []))]);
  const stray = s.keys.filter((key) => !referenced.has(key.accessKeyId)).map((key) => key.accessKeyId);
  return check('keys-referenced', stray.length === 0, `key(s) ${stray.join(', ')} held by neither the live secret nor Director`);
}

function atMostTwoKeys(s: AccountSnapshot): Check {
  return check('at-most-two-keys', s.keys.length <= 2, `${s.keys.length} access keys on the reader user`);
}

function atMostOneSource(s: AccountSnapshot): Check {
  return check(
    'at-most-one-source',
    s.sources.length <= 1,
    `${s.sources.length} Director log sources for the account (${s.sources.map((x) => x.id).join(', ')})`,
  );
}

/** Director never holds a key that was deleted or deactivated: its fetches would fail. */
function directorKeysLive(s: AccountSnapshot): Check {
  const active = new Set(s.keys.filter((key) => key.status === 'Active').map((key) => key.accessKeyId));
  const dead = s.sources.filter((source) => source.accessKeyId === null || !active.has(source.accessKeyId));
  return check(
    'director-keys-live',
    dead.length === 0,
    dead.map((source) => `source ${source.id} holds dead key ${source.accessKeyId ?? '(none)'}`).join('; '),
  );
}

/** Why the account is not a complete onboarding, or null when it is one. */
function incompleteBecause(s: AccountSnapshot): string | null {
  if (s.sources.length !== 1) return `${s.sources.length} log sources, expected 1`;
  const [source] = s.sources;
  const current = s.secret.stages.AWSCURRENT;
  if (s.secret.state !== 'live') return `account secret is ${s.secret.state}`;
  if (current === undefined) return 'account secret has no readable AWSCURRENT key pair';
  if (!source?.accessKeyId) return 'log source holds no access key';
  if (!s.keys.some((key) => key.accessKeyId === source.accessKeyId && key.status === 'Active'))
    return `Director's key ${source.accessKeyId} is not an active key`;
  if (source.accessKeyId !== current) return `Director holds ${source.accessKeyId}, AWSCURRENT holds ${current}`;
  if (!source.secretMatchesCurrent) return "Director's stored secret part is not AWSCURRENT's";
  if (!s.secret.currentMatchesIam) return "AWSCURRENT's secret part is not the IAM key's";
  return null;
}

/** Why the account is not empty, or null: no reader keys, no live account secret, no log source. */
function leftoverBecause(s: AccountSnapshot): string | null {
  const left = [
    ...(s.keys.length > 0 ? [`keys ${s.keys.map((key) => key.accessKeyId).join(', ')}`] : []),
    ...(s.secret.state === 'live' ? ['a live account secret'] : []),
    ...(s.sources.length > 0 ? [`log source(s) ${s.sources.map((source) => source.id).join(', ')}`] : []),
  ];
  return left.length === 0 ? null : left.join(', ');
}

function completeOnboarding(s: AccountSnapshot): Check {
  const why = incompleteBecause(s);
  return check('director-key-current', why === null, why ?? '');
}

function nothingLeft(s: AccountSnapshot): Check {
  const why = leftoverBecause(s);
  return check('offboarded-clean', why === null, `still there: ${why ?? ''}`);
}

/** A failed onboarding leaves a complete onboarding (new or the previous one) or nothing at all. */
function completePreviousOrNothing(s: AccountSnapshot): Check {
  const incomplete = incompleteBecause(s);
  const leftover = leftoverBecause(s);
  return check('failed-run-state', incomplete === null || leftover === null, `neither complete (${incomplete ?? ''}) nor empty (left: ${leftover ?? ''})`);
}

/** A failed offboarding compensates nothing, but a log source still there must still work. */
function remainingSourceWorks(s: AccountSnapshot): Check {
  const incomplete = s.sources.length === 0 ? null : incompleteBecause(s);
  return check('failed-offboarding-state', incomplete === null, `a log source remains but ${incomplete ?? ''}`);
}

const FAILED_EVENT: Record<Workflow, string> = {
  onboard: OnboardingEventType.Failed,
  offboard: OffboardingEventType.Failed,
  rotate: KeyRotationEventType.Failed,
};

/**
 * One failure event per failed run, for this account; onboarding and offboarding events carry the
 * run's code (the rotation's event carries the cause, the run ROTATION_FAILED).
 */
function failureEvents(runs: readonly RunRecord[], events: readonly PublishedEvent[], accountId: string): Check {
  const unused = [...events];
  const missing: string[] = [];
  for (const run of runs.filter((candidate) => candidate.result.status === 'FAILED' && !candidate.refused)) {
    const code = run.result.error?.code ?? null;
    const index = unused.findIndex(
      (event) =>
        event.detailType === FAILED_EVENT[run.workflow] &&
        event.detail.accountId === accountId &&
        (run.workflow === 'rotate' || event.detail.errorCode === code),
    );
    if (index === -1) missing.push(`${run.workflow} failed with ${code ?? '?'} but no "${FAILED_EVENT[run.workflow]}" event says so`);
    else unused.splice(index, 1);
  }
  return check('failure-event', missing.length === 0, missing.join('; '));
}

const failedRuns = (runs: readonly RunRecord[]): RunRecord[] => runs.filter((run) => run.result.status === 'FAILED' && !run.refused);

/**
 * The checks after the faulty act, which ran one or more workflows (concurrently, for some faults).
 * `compensationKilled`: the fault crashed the compensating step on every attempt, so nothing could
 * compensate and the end state is the repair run's to fix; every other check still applies.
 */
export function afterFaultChecks(
  s: AccountSnapshot,
  runs: readonly RunRecord[],
  events: readonly PublishedEvent[],
  options: { compensationKilled?: boolean } = {},
): Check[] {
  const decisive = runs.filter((run) => !run.refused);
  const checks = [directorKeysLive(s), atMostTwoKeys(s)];
  if (failedRuns(runs).length > 0) checks.push(failureEvents(runs, events, s.accountId));
  // The product kept a key Director may use and said so: only liveness and the key limit hold until the re-run.
  if (decisive.some((run) => run.result.error?.code === OUTCOME_UNKNOWN)) return checks;
  checks.push(keysReferenced(s), atMostOneSource(s));
  if (options.compensationKilled === true) return checks;

  const kinds = new Set(decisive.map((run) => (run.workflow === 'offboard' ? 'offboard' : 'onboard')));
  const succeeded = decisive.some((run) => run.result.status === 'SUCCEEDED');
  if (kinds.size === 1 && kinds.has('onboard')) checks.push(succeeded ? completeOnboarding(s) : completePreviousOrNothing(s));
  else if (kinds.size === 1 && kinds.has('offboard')) checks.push(succeeded ? nothingLeft(s) : remainingSourceWorks(s));
  else checks.push(completePreviousOrNothing(s));
  return checks;
}

/** The checks after the clean repair run: it succeeds and leaves the strict end state of its workflow. */
export function afterRepairChecks(s: AccountSnapshot, repair: RunRecord, events: readonly PublishedEvent[]): Check[] {
  const code = repair.result.error?.code ?? '';
  const checks = [
    check('repair-succeeded', repair.result.status === 'SUCCEEDED', `the clean ${repair.workflow} re-run ended ${repair.result.status} ${code}`),
    directorKeysLive(s),
    atMostTwoKeys(s),
    keysReferenced(s),
    atMostOneSource(s),
    repair.workflow === 'offboard' ? nothingLeft(s) : completeOnboarding(s),
  ];
  if (failedRuns([repair]).length > 0) checks.push(failureEvents([repair], events, s.accountId));
  return checks;
}
