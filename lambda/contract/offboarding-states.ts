/**
 * State names of the offboarding workflow and the entry point behind each Lambda task (`lambda/<value>.handler.ts`). The state
 * machine construct (lib/offboarding/offboarding-workflow.ts) builds from this table, and local runs map the
 * same names to the in-process handlers, so the two can never disagree.
 */
export const OffboardingTask = {
  ValidateOffboardInput: 'offboarding/validate-input',
  FindLogSource: 'offboarding/find-log-source',
  DeleteLogSource: 'offboarding/delete-log-source',
  CheckOrder: 'offboarding/check-order',
  RemoveReader: 'offboarding/remove-reader',
  ScheduleSecretDeletion: 'offboarding/schedule-secret-deletion',
  RecordOffboarded: 'offboarding/record-offboarded',
  DescribeOffboardingFailure: 'offboarding/describe-failure',
  AcquireLock: 'locking/acquire-lock',
  ReleaseLock: 'locking/release-lock',
} as const;

export type OffboardingTaskName = keyof typeof OffboardingTask;

export const OffboardingState = {
  ReadInput: 'ReadOffboardingInput',
  HasLogSource: 'HasLogSource',
  WasDeleteSubmitted: 'WasDeleteSubmitted',
  StartOrderPolling: 'StartOrderPolling',
  WaitForOrder: 'WaitForOrder',
  IsOrderDone: 'IsOrderDone',
  PublishOffboarded: 'PublishOffboarded',
  PublishOffboardingFailed: 'PublishOffboardingFailed',
  Offboarded: 'Offboarded',
  OffboardingFailed: 'OffboardingFailed',
  CleanupFailed: 'CleanupFailed',
  HoldsLock: 'HoldsLock',
  AfterLockRelease: 'AfterLockRelease',
} as const;
