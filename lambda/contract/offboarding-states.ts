import { ONBOARDING_EVENT_SOURCE } from './onboarding-states.js';

/**
 * State names of the offboarding workflow and the entry point behind each Lambda task (`lambda/<value>.handler.ts`). The state
 * machine construct (lib/offboarding-workflow.ts) builds from this table, and local runs map the
 * same names to the in-process handlers, so the two can never disagree.
 */
export const OffboardingTask = {
  ValidateOffboardInput: 'offboarding/validate-input',
  FindLogSource: 'offboarding/find-log-source',
  DeleteLogSource: 'offboarding/delete-log-source',
  CheckOrder: 'offboarding/check-order',
  RemoveReader: 'offboarding/remove-reader',
  ScheduleSecretDeletion: 'offboarding/schedule-secret-deletion',
  DescribeOffboardingFailure: 'offboarding/describe-failure',
} as const;

export type OffboardingTaskName = keyof typeof OffboardingTask;

export const OffboardingState = {
  HasLogSource: 'HasLogSource',
  WasDeleteSubmitted: 'WasDeleteSubmitted',
  StartOrderPolling: 'StartOrderPolling',
  WaitForOrder: 'WaitForOrder',
  IsOrderDone: 'IsOrderDone',
  PublishOffboarded: 'PublishOffboarded',
  PublishOffboardingFailed: 'PublishOffboardingFailed',
  Offboarded: 'Offboarded',
  OffboardingFailed: 'OffboardingFailed',
} as const;

/** Same source as the onboarding events: one rule pattern catches the whole lifecycle. */
export const OFFBOARDING_EVENT_SOURCE = ONBOARDING_EVENT_SOURCE;
export const OffboardingEventType = {
  Succeeded: 'Offboarding Succeeded',
  Failed: 'Offboarding Failed',
} as const;

/** Secrets Manager accepts 7-30 days; the product's default is the shortest. */
export const DEFAULT_SECRET_RECOVERY_WINDOW_DAYS = 7;
