/**
 * State names of the fleet workflow (lib/fleet/fleet-workflow.ts) and the entry point behind each
 * Lambda task (`lambda/<value>.handler.ts`); the local sandbox maps the same names to its handlers.
 */
export const FleetTask = {
  ListFleetAccounts: 'fleet/list-fleet-accounts',
  SummarizeFleet: 'fleet/summarize-fleet',
} as const;
export type FleetTaskName = keyof typeof FleetTask;

export const FleetState = {
  /** Organization mode: StartExecution.sync of the organization's own source before the accounts. */
  OnboardOrganization: 'OnboardOrganization',
  OnboardAccounts: 'OnboardAccounts',
  /** The Map's item: StartExecution.sync of the onboarding workflow for one account. */
  OnboardAccount: 'OnboardAccount',
  AccountOnboarded: 'AccountOnboarded',
  AccountFailed: 'AccountFailed',
  PublishFleetFinished: 'PublishFleetFinished',
  FleetFinished: 'FleetFinished',
} as const;

/** The fleet run's event: totals and failures, on the product's event source. */
export const FleetEventType = { Finished: 'Fleet Onboarding Finished' } as const;
