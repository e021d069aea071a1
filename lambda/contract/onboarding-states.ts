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
  ConfirmCoverage: 'onboarding/confirm-coverage',
  Compensate: 'onboarding/compensate',
  AcquireLock: 'locking/acquire-lock',
  ReleaseLock: 'locking/release-lock',
} as const;

export type OnboardingTaskName = keyof typeof OnboardingTask;

/** Task states that run another state's function: the coverage path's look for an account's logs is CheckBucket's. */
export const OnboardingTaskAlias = {
  CheckAccountLogs: 'CheckBucket',
} as const satisfies Record<string, OnboardingTaskName>;

export const OnboardingState = {
  ReadInput: 'ReadOnboardingInput',
  StartOrderPolling: 'StartOrderPolling',
  WaitForOrder: 'WaitForOrder',
  IsOrderDone: 'IsOrderDone',
  StartDataWatch: 'StartDataWatch',
  WaitForData: 'WaitForData',
  IsDataFlowing: 'IsDataFlowing',
  IsCoveredByOrganization: 'IsCoveredByOrganization',
  PublishOutcome: 'PublishOutcome',
  PublishCovered: 'PublishCovered',
  PublishSucceeded: 'PublishSucceeded',
  PublishFailed: 'PublishFailed',
  Onboarded: 'Onboarded',
  OnboardingFailed: 'OnboardingFailed',
  CleanupFailed: 'CleanupFailed',
  HoldsLock: 'HoldsLock',
  AfterLockRelease: 'AfterLockRelease',
} as const;
