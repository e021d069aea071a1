import type { Sandbox, SandboxOptions } from './environment.js';
import { SANDBOX_ACCOUNT_ID } from './constants.js';
import { organizationScenarios } from './organization-scenarios.js';
import { fleetScenario, type FleetScenarioParameters } from './fleet-scenario.js';
import { reconcileDriftScenario } from './reconcile-scenario.js';
import { handMadeLogSource } from './hand-made-source.js';
import { sampleInput, type Scenario, type ScenarioContext } from './scenario-types.js';
import type { ExecutionEvent, LocalRunResult } from './state-machine-runner.js';

export type { Scenario } from './scenario-types.js';
const NEVER_ONBOARDED_ACCOUNT_ID = '444455556666';

const accountScenarios: Scenario[] = [
  {
    name: 'onboard',
    summary: 'Onboards the sample account: bucket in the account layout, SSE-S3, a healthy Director.',
    expected: 'SUCCEEDED',
  },
  {
    name: 'no-data-yet',
    summary:
      'Director registers the source, but Logpoint never fetches (no fetcher runs): the run succeeds as REGISTERED_NO_DATA_YET, with a notification and an alarm.',
    expected: 'SUCCEEDED',
    sandbox: { fetcher: false },
  },
  {
    name: 'kms',
    summary: 'The trail bucket is encrypted with SSE-KMS: the reader policy grants kms:Decrypt on that key only.',
    expected: 'SUCCEEDED',
    sandbox: { trail: { encryption: 'SSE-KMS' } },
  },
  {
    name: 'rerun',
    summary: 'Onboards the same account twice: the second run edits (PUT) the existing log source and retires the old key.',
    expected: 'SUCCEEDED',
    play: async ({ onboard, say }) => {
      const first = await onboard(sampleInput);
      say('Running the onboarding of the same account again…');
      const second = await onboard(sampleInput);
      return [first, second];
    },
  },
  {
    name: 'rerun-changed',
    summary: 'Onboards, then the config changes (interval, normalizers, routing) and a re-run edits the same log source with PUT.',
    expected: 'SUCCEEDED',
    play: async ({ sandbox, onboard, say }) => {
      const first = await onboard(sampleInput);
      say('Redeploying with a changed config: 15-minute interval, an extra normalizer, catch-all repo "default"…');
      sandbox.reconfigure({
        logSource: {
          intervalMinutes: 15,
          normalizers: [{ name: 'CloudTrailCompiledNormalizer' }, { name: 'JSONCompiledNormalizer' }],
          routing: { catchAll: 'default', criteria: [] },
        },
      });
      const second = await onboard(sampleInput);
      return [first, second];
    },
  },
  {
    name: 'not-owned',
    summary: "Director already has a hand-made log source with the account's name: NOT_OWNED, it is left untouched, and what the run created is removed.",
    expected: 'FAILED',
    expectedError: 'NOT_OWNED',
    sandbox: { director: { seed: { logSources: [handMadeLogSource(`CloudTrail-${SANDBOX_ACCOUNT_ID}`)] } } },
  },
  {
    name: 'adopt',
    summary:
      "A log source of the account's name made by hand from Logpoint's guide is adopted (the run's \"adopt\": true): edited (PUT) with the product's key and " +
      "marker, its filter date kept, and recorded on the account secret; from then on it is the product's like any other.",
    expected: 'SUCCEEDED',
    sandbox: { director: { seed: { logSources: [handMadeLogSource(`CloudTrail-${SANDBOX_ACCOUNT_ID}`)] } } },
    play: async ({ onboard, say }) => {
      say('Onboarding with "adopt": true: the hand-made source is taken over instead of failing NOT_OWNED…');
      return [await onboard({ ...sampleInput, adopt: true })];
    },
  },
  {
    name: 'rotate',
    summary: 'Onboards, then rotates the reader key: a second key, PUT to Director, verified, promoted; the old key is deleted.',
    expected: 'SUCCEEDED',
    play: async ({ onboard, rotate, say }) => {
      const onboarding = await onboard(sampleInput);
      say('Rotating the account secret now (createSecret → setSecret → testSecret → finishSecret)…');
      return [onboarding, await rotate()];
    },
  },
  {
    name: 'rotate-fails',
    summary: 'Onboards, then a rotation whose Director edit is rejected: the old key stays active, current and in Director; the new key is removed.',
    expected: 'FAILED',
    expectedError: 'ROTATION_FAILED',
    play: async ({ sandbox, onboard, rotate, say }) => {
      const onboarding = await onboard(sampleInput);
      say('Rotating while Director rejects the next order…');
      sandbox.director.faults.failOrders(1, { validationErrors: { access_key: ['The key could not be validated.'] } });
      return [onboarding, await rotate()];
    },
  },
  {
    name: 'offboard',
    summary: 'Onboards, then offboards the account: DELETE of the log source, keys, policy and user removed, secret scheduled for deletion.',
    expected: 'SUCCEEDED',
    play: async ({ onboard, offboard, say }) => {
      const onboarding = await onboard(sampleInput);
      say('The account was closed: offboarding it…');
      return [onboarding, await offboard({ accountId: SANDBOX_ACCOUNT_ID, reason: 'account-closed', trigger: 'sandbox' })];
    },
  },
  {
    name: 'offboard-unknown',
    summary: 'Offboards an account that was never onboarded: succeeds, says so, and touches nothing.',
    expected: 'SUCCEEDED',
    accountId: NEVER_ONBOARDED_ACCOUNT_ID,
    play: async ({ offboard }) => [await offboard({ accountId: NEVER_ONBOARDED_ACCOUNT_ID, reason: 'manual', trigger: 'sandbox' })],
  },
  {
    name: 'bucket-missing',
    summary: 'The configured trail bucket does not exist: fails with BUCKET_NOT_FOUND before creating anything.',
    expected: 'FAILED',
    expectedError: 'BUCKET_NOT_FOUND',
    sandbox: { trail: null },
  },
  {
    name: 'no-logs',
    summary: 'The trail has delivered no log files yet: the check is retried, then fails with NO_CLOUDTRAIL_LOGS.',
    expected: 'FAILED',
    expectedError: 'NO_CLOUDTRAIL_LOGS',
    sandbox: { trail: { withLogs: false } },
  },
  {
    name: 'order-fails',
    summary: 'Director accepts the request but the order fails validation: DIRECTOR_ORDER_FAILED, and the new user, key and secret are removed.',
    expected: 'FAILED',
    expectedError: 'DIRECTOR_ORDER_FAILED',
    play: async ({ sandbox, onboard }) => {
      sandbox.director.faults.failOrders(1, { validationErrors: { 'config.RoutingPolicy.catch_all': ['Repo does not exist.'] } });
      return [await onboard(sampleInput)];
    },
  },
  {
    name: 'order-timeout',
    summary: 'The Director order never finishes: after the deadline the run fails with DIRECTOR_ORDER_TIMEOUT and cleans up.',
    expected: 'FAILED',
    expectedError: 'DIRECTOR_OUTCOME_UNKNOWN',
    sandbox: { config: { orderPolling: { deadlineSeconds: 120 } } },
    play: async ({ sandbox, onboard }) => {
      sandbox.director.faults.neverFinishOrders();
      return [await onboard(sampleInput)];
    },
  },
  {
    name: 'director-down',
    summary: 'Director answers 503 to everything: retried with backoff, then DIRECTOR_UNAVAILABLE, and everything created is removed.',
    expected: 'FAILED',
    expectedError: 'DIRECTOR_UNAVAILABLE',
    play: async ({ sandbox, onboard }) => {
      sandbox.director.faults.failRoute('*', { status: 503, count: Number.POSITIVE_INFINITY });
      return [await onboard(sampleInput)];
    },
  },
];

/** Every scenario: the account-level ones first, then the organization trail's, then the fleet run (with its defaults) and the reconciliation. */
export const scenarios: Scenario[] = [...accountScenarios, ...organizationScenarios, fleetScenario(), reconcileDriftScenario()];

/** The sandbox a scenario runs in, against the named Director profile (its own simulator settings kept). */
export function scenarioSandboxOptions(scenario: Scenario, directorProfile?: string): SandboxOptions | undefined {
  if (directorProfile === undefined) return scenario.sandbox;
  return { ...scenario.sandbox, director: { ...scenario.sandbox?.director, profile: directorProfile } };
}

/** The scenario of that name; `fleet` is built for the given parameters (`--accounts`, `--director-rate`). */
export function findScenario(name: string, fleet: FleetScenarioParameters = {}): Scenario | undefined {
  if (name === 'fleet') return fleetScenario(fleet);
  return scenarios.find((scenario) => scenario.name === name);
}

/** Runs a scenario's executions in a sandbox that is already started. */
export async function playScenario(
  scenario: Scenario,
  sandbox: Sandbox,
  hooks: { onEvent?: (event: ExecutionEvent) => void; say?: (line: string) => void } = {},
): Promise<LocalRunResult[]> {
  const runOptions = hooks.onEvent ? { onEvent: hooks.onEvent } : {};
  // The summary's call counts are the scenario's own, whatever ran in this sandbox before.
  sandbox.resetAwsCalls();
  const context: ScenarioContext = {
    sandbox,
    onboard: (input = sampleInput, options = {}) => {
      const { onEvent } = options;
      if (onEvent === undefined) return sandbox.run(input, runOptions);
      return sandbox.run(input, {
        onEvent: (event) => {
          hooks.onEvent?.(event);
          onEvent(event);
        },
      });
    },
    offboard: (input = { accountId: SANDBOX_ACCOUNT_ID, trigger: 'sandbox' }) => sandbox.offboard(input, runOptions),
    fleet: (input = { trigger: 'sandbox' }) => sandbox.fleet(input, runOptions),
    reconcile: (input = { trigger: 'sandbox' }) => sandbox.reconcile(input, runOptions),
    rotate: (accountId = SANDBOX_ACCOUNT_ID) => sandbox.rotate(accountId, runOptions),
    say: hooks.say ?? (() => undefined),
  };
  return scenario.play ? scenario.play(context) : [await context.onboard(sampleInput)];
}
