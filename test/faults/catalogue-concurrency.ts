import type { Fault } from './fault-types.js';
import { together } from './fault-types.js';

/**
 * Runs for one account that overlap: two triggers at once, a re-run racing an offboarding, a
 * scheduled rotation racing a re-run. Started together (`Promise.all`), straight on the state
 * machines, as an operator's StartExecution or a list-then-start race would start them.
 */
export const concurrencyFaults: Fault[] = [
  {
    name: 'concurrent-first-onboardings',
    step: 'StartExecution',
    injected: 'two onboardings of a new account started at once',
    path: 'first',
    act: together(['onboard', 'onboard']),
  },
  {
    name: 'concurrent-reruns',
    step: 'StartExecution',
    injected: 'two re-runs of an onboarded account started at once',
    path: 'rerun',
    act: together(['onboard', 'onboard']),
  },
  {
    name: 'concurrent-first-onboardings-create-answer-lost',
    step: 'RegisterLogSource',
    injected: 'two onboardings of a new account at once; the first POST is applied but its answer dropped',
    path: 'first',
    act: together(['onboard', 'onboard'], ({ sandbox }) => sandbox.director.faults.dropAfterApply(1, 'POST /LogSources')),
  },
  {
    name: 'rerun-vs-offboarding',
    step: 'StartExecution',
    injected: 'a re-run and an offboarding of an onboarded account started at once',
    path: 'rerun',
    act: together(['onboard', 'offboard']),
  },
  {
    name: 'rotation-vs-rerun',
    step: 'KeyRotation',
    injected: 'a key rotation and a re-run of an onboarded account started at once',
    path: 'rerun',
    act: together(['rotate', 'onboard']),
  },
  {
    name: 'rotation-vs-offboarding',
    step: 'KeyRotation',
    injected: 'a key rotation and an offboarding of an onboarded account started at once',
    path: 'rerun',
    repair: 'offboard',
    act: together(['rotate', 'offboard']),
  },
  {
    name: 'concurrent-reruns-director-rotates-secret-key',
    step: 'RegisterLogSource',
    injected: 'two re-runs at once, tokens expired, Director issuing a new secretKey on every refresh',
    path: 'rerun',
    sandbox: { director: { rotateSecretKeyOnRefresh: true } },
    act: together(['onboard', 'onboard'], ({ sandbox }) => sandbox.director.faults.expireAllTokens()),
  },
];
