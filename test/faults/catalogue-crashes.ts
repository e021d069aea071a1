import { OffboardingTask } from '../../lambda/contract/offboarding-states.js';
import { OnboardingTask } from '../../lambda/contract/onboarding-states.js';
import type { CrashSpec, Fault } from './fault-types.js';
import { nothing, offboarding, onboarding } from './fault-types.js';

/**
 * A Lambda that dies before its handler runs (nothing done) or after it did its work (the answer
 * lost), in every task state of the onboarding workflow and the main offboarding ones. A single
 * crash tests the step's retry (if any) or the compensation; a crash on every attempt tests that
 * compensation works from what AWS and Director hold, not from the state object.
 */

/** More crashes than any step has attempts: the step never answers. */
export const EVERY_ATTEMPT = 10;
const COMPENSATING_STATES = new Set(['Compensate', 'DescribeOffboardingFailure']);

/** A crash that leaves no attempt of the compensating step alive (see Fault.killsCompensation). */
export const killsCompensation = (crash: CrashSpec): boolean => COMPENSATING_STATES.has(crash.state) && (crash.times ?? 1) >= EVERY_ATTEMPT;

interface CrashRow {
  crash: CrashSpec;
  path: Fault['path'];
}

function describeCrash(crash: CrashSpec): string {
  const times = crash.times ?? 1;
  const what = crash.when === 'before' ? 'before its handler runs' : 'after its handler did its work';
  const count = times >= EVERY_ATTEMPT ? ', on every attempt' : times > 1 ? `, ${times} times` : '';
  return `${crash.state} crashes ${what} (${crash.error ?? 'Sandbox.Timedout'}${count})`;
}

function nameOf(prefix: string, row: CrashRow): string {
  const times = row.crash.times ?? 1;
  const suffix = [
    row.crash.error === 'Runtime.ExitError' ? 'exit' : null,
    times >= EVERY_ATTEMPT ? 'every-attempt' : null,
    row.path === 'rerun' ? 'rerun' : null,
  ].filter((part) => part !== null);
  return [`${prefix}-${row.crash.when}`, kebab(row.crash.state), ...suffix].join('-');
}

const kebab = (state: string): string => state.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();

const onboardingTasks = Object.keys(OnboardingTask);

const onboardingRows: CrashRow[] = [
  ...onboardingTasks.flatMap((state) => (['before', 'after'] as const).map((when): CrashRow => ({ crash: { state, when }, path: 'first' }))),
  ...['ProvisionReader', 'RegisterLogSource', 'CheckOrder', 'FinalizeOnboarding'].map((state): CrashRow => ({
    crash: { state, when: 'after', times: EVERY_ATTEMPT },
    path: 'first',
  })),
  ...['ProvisionReader', 'RegisterLogSource', 'CheckOrder', 'FinalizeOnboarding'].map((state): CrashRow => ({
    crash: { state, when: 'after' },
    path: 'rerun',
  })),
  { crash: { state: 'RegisterLogSource', when: 'before' }, path: 'rerun' },
  { crash: { state: 'RegisterLogSource', when: 'after', times: EVERY_ATTEMPT }, path: 'rerun' },
  { crash: { state: 'CheckOrder', when: 'after', times: EVERY_ATTEMPT }, path: 'rerun' },
  { crash: { state: 'Compensate', when: 'before', times: EVERY_ATTEMPT }, path: 'first' },
  // A run that cannot give its account lock back: the next run must still get in.
  ...(onboardingTasks.includes('ReleaseLock')
    ? [{ crash: { state: 'ReleaseLock', when: 'before', times: EVERY_ATTEMPT }, path: 'rerun' } satisfies CrashRow]
    : []),
  { crash: { state: 'Compensate', when: 'after', times: EVERY_ATTEMPT }, path: 'rerun' },
  { crash: { state: 'RegisterLogSource', when: 'after', error: 'Runtime.ExitError' }, path: 'first' },
  { crash: { state: 'VerifyAccess', when: 'before', error: 'Runtime.ExitError' }, path: 'first' },
];

const onboardingCrashes: Fault[] = onboardingRows.map((row) => ({
  name: nameOf('crash', row),
  step: row.crash.state,
  injected: `${describeCrash(row.crash)}${row.crash.state === 'Compensate' ? ', after a failed order' : ''}`,
  path: row.path,
  killsCompensation: killsCompensation(row.crash),
  // Compensate runs only after a failure: a failed order gets the run there.
  act: onboarding(row.crash.state === 'Compensate' ? ({ sandbox }) => sandbox.director.faults.failOrders(1) : nothing, [row.crash]),
}));

const offboardingRows: CrashRow[] = [
  { crash: { state: 'FindLogSource', when: 'after' }, path: 'rerun' },
  { crash: { state: 'DeleteLogSource', when: 'after' }, path: 'rerun' },
  { crash: { state: 'DeleteLogSource', when: 'after', times: EVERY_ATTEMPT }, path: 'rerun' },
  { crash: { state: 'CheckOrder', when: 'after' }, path: 'rerun' },
  { crash: { state: 'RemoveReader', when: 'before' }, path: 'rerun' },
  { crash: { state: 'RemoveReader', when: 'after' }, path: 'rerun' },
  { crash: { state: 'ScheduleSecretDeletion', when: 'after' }, path: 'rerun' },
  { crash: { state: 'DescribeOffboardingFailure', when: 'before', times: EVERY_ATTEMPT }, path: 'rerun' },
];

for (const row of offboardingRows) {
  if (!(row.crash.state in OffboardingTask)) throw new Error(`${row.crash.state} is not an offboarding task state`);
}

const offboardingCrashes: Fault[] = offboardingRows.map((row) => ({
  // Every offboarding needs an onboarded account; the `rerun` in the name would say nothing.
  name: nameOf('offboarding-crash', { ...row, path: 'first' }),
  step: row.crash.state,
  injected: `offboarding: ${describeCrash(row.crash)}${row.crash.state === 'DescribeOffboardingFailure' ? ', after a failed DELETE order' : ''}`,
  path: row.path,
  repair: 'offboard',
  killsCompensation: killsCompensation(row.crash),
  // DescribeOffboardingFailure runs only after a failure: a failed DELETE order gets the run there.
  act: offboarding(row.crash.state === 'DescribeOffboardingFailure' ? ({ sandbox }) => sandbox.director.faults.failOrders(1) : nothing, [row.crash]),
}));

export const crashFaults: Fault[] = [...onboardingCrashes, ...offboardingCrashes];
