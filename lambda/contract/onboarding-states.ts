/**
 * State names of the onboarding workflow and the entry point behind each Lambda task (`lambda/<value>.handler.ts`). The state
 * machine construct builds from this table, and the local sandbox maps the same names to the
 * in-process handlers, so the two can never disagree.
 */
export const OnboardingTask = {
  ValidateInput: 'onboarding/validate-input',
  CheckBucket: 'onboarding/check-bucket',
  ProvisionReader: 'onboarding/provision-reader',
  VerifyAccess: 'onboarding/verify-access',
  RegisterLogSource: 'onboarding/register-log-source',
  CheckOrder: 'onboarding/check-order',
  FinalizeOnboarding: 'onboarding/finalize-onboarding',
  CheckDataFlow: 'onboarding/check-data-flow',
  Compensate: 'onboarding/compensate',
  AcquireLock: 'locking/acquire-lock',
  ReleaseLock: 'locking/release-lock',
} as const;

export type OnboardingTaskName = keyof typeof OnboardingTask;

export const OnboardingState = {
  ReadInput: 'ReadOnboardingInput',
  StartOrderPolling: 'StartOrderPolling',
  WaitForOrder: 'WaitForOrder',
  IsOrderDone: 'IsOrderDone',
  StartDataWatch: 'StartDataWatch',
  WaitForData: 'WaitForData',
  IsDataFlowing: 'IsDataFlowing',
  PublishSucceeded: 'PublishSucceeded',
  PublishFailed: 'PublishFailed',
  Onboarded: 'Onboarded',
  OnboardingFailed: 'OnboardingFailed',
  CleanupFailed: 'CleanupFailed',
  HoldsLock: 'HoldsLock',
  AfterLockRelease: 'AfterLockRelease',
} as const;
