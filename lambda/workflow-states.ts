/**
 * State names of the onboarding workflow and the handler file behind each Lambda task. The state
 * machine construct builds from this table, and the local sandbox maps the same names to the
 * in-process handlers, so the two can never disagree.
 */
export const OnboardingTask = {
  ValidateInput: 'validate-input',
  CheckBucket: 'check-bucket',
  ProvisionReader: 'provision-reader',
  VerifyAccess: 'verify-access',
  RegisterLogSource: 'register-log-source',
  CheckOrder: 'check-order',
  FinalizeOnboarding: 'finalize-onboarding',
  Compensate: 'compensate',
} as const;

export type OnboardingTaskName = keyof typeof OnboardingTask;

export const OnboardingState = {
  StartOrderPolling: 'StartOrderPolling',
  WaitForOrder: 'WaitForOrder',
  IsOrderDone: 'IsOrderDone',
  PublishSucceeded: 'PublishSucceeded',
  PublishFailed: 'PublishFailed',
  Onboarded: 'Onboarded',
  OnboardingFailed: 'OnboardingFailed',
} as const;

export const ONBOARDING_EVENT_SOURCE = 'logpoint.onboarding';
export const OnboardingEventType = {
  Succeeded: 'Onboarding Succeeded',
  Failed: 'Onboarding Failed',
} as const;
