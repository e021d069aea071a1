/**
 * State names of the reconciliation workflow (lib/reconcile/reconcile-workflow.ts) and the entry
 * point behind its Lambda task; the local sandbox maps the same names to its handlers.
 */
export const ReconcileTask = {
  FindDrift: 'reconcile/find-drift',
} as const;
export type ReconcileTaskName = keyof typeof ReconcileTask;

export const ReconcileState = {
  RepairNotCollected: 'RepairNotCollected',
  /** The Map's item: StartExecution.sync of the onboarding workflow for one account nothing collects. */
  OnboardMissing: 'OnboardMissing',
  MissingOnboarded: 'MissingOnboarded',
  MissingFailed: 'MissingFailed',
  RepairClosed: 'RepairClosed',
  /** The Map's item: StartExecution.sync of the offboarding workflow for one closed account. */
  OffboardClosed: 'OffboardClosed',
  ClosedOffboarded: 'ClosedOffboarded',
  ClosedFailed: 'ClosedFailed',
  AnyDrift: 'AnyDrift',
  PublishDriftDetected: 'PublishDriftDetected',
  Reconciled: 'Reconciled',
} as const;

/** The event of a reconciliation that found drift: what, where, and what it repaired. */
export const ReconcileEventType = { DriftDetected: 'Fleet Drift Detected' } as const;
