/**
 * The account registry: one item per account (and one for the organization's own source), saying
 * how its logs are collected and what the last run left. The table (lib/registry/) and the code
 * that writes it (lambda/registry/) use these names, so neither can key or read an attribute the
 * other does not know. No attribute ever holds a secret: ids, names, states, codes and instants.
 */
export const RegistryAttribute = {
  /** S, the partition key: the account id, or the organization id of the organization source. */
  accountId: 'accountId',
  /** S, `organization` or `per-account`: the collection mode the item was written under. */
  mode: 'mode',
  /** S, one of {@link RegistryState}. */
  state: 'state',
  /** S, `account-source`, `organization-source` or `organization` (lambda/contract/collection.ts). */
  coverage: 'coverage',
  /** S, Director's id of the log source that collects the account (its own, or the organization's). */
  logSourceId: 'logSourceId',
  /** S, the name of that log source. */
  logSourceName: 'logSourceName',
  /** S, the prefix under which the account's logs were found. */
  logPrefix: 'logPrefix',
  /** S, the IAM reader user whose key Director holds (own sources only). */
  readerUserName: 'readerUserName',
  /** S, the id (never the secret) of the access key Director was given last. */
  accessKeyId: 'accessKeyId',
  /** S, `last_log_received` of the source when the item was written. */
  lastLogReceived: 'lastLogReceived',
  /** S, the error code of the last run that failed. */
  lastErrorCode: 'lastErrorCode',
  /** S, that run's error message (redacted like every failure event). */
  lastErrorMessage: 'lastErrorMessage',
  /** S, ISO-8601 instant of that failure. */
  lastErrorAt: 'lastErrorAt',
  /** S, the execution ARN (or rotation token) of the run that wrote the item last. */
  lastRunId: 'lastRunId',
  /** S, the kind of that run: one of {@link RegistryWorkflow}. */
  lastRunWorkflow: 'lastRunWorkflow',
  /** S, the last onboarding's execution ARN. */
  lastOnboardRunId: 'lastOnboardRunId',
  /** S, the last offboarding's execution ARN. */
  lastOffboardRunId: 'lastOffboardRunId',
  /** S, the last key rotation's token (Secrets Manager's ClientRequestToken). */
  lastRotateRunId: 'lastRotateRunId',
  /** S, the last fleet run's execution ARN. */
  lastFleetRunId: 'lastFleetRunId',
  /** S, the last reconciliation's execution ARN. */
  lastReconcileRunId: 'lastReconcileRunId',
  /** S, ISO-8601 instant of the last key rotation. */
  keyRotatedAt: 'keyRotatedAt',
  /** SS, the drift the last reconciliation found ({@link DriftKind}); absent when it found none. */
  drift: 'drift',
  /** S, ISO-8601 instant of the reconciliation that found `drift`. */
  driftDetectedAt: 'driftDetectedAt',
  /** S, why the fleet's filters leave the account out (state EXCLUDED). */
  excludedBecause: 'excludedBecause',
  /** S, ISO-8601 instant of the first write. */
  createdAt: 'createdAt',
  /** S, ISO-8601 instant of the last write: a run never overwrites a newer item. */
  updatedAt: 'updatedAt',
} as const;
export type RegistryAttributeName = keyof typeof RegistryAttribute;

export const RegistryState = {
  /** The account has its own source, and Logpoint has fetched its logs. */
  ONBOARDED: 'ONBOARDED',
  /** The organization source collects the account's logs. */
  COVERED: 'COVERED',
  /** The source is registered, but Director has not yet reported fetching logs. */
  REGISTERED_NO_DATA_YET: 'REGISTERED_NO_DATA_YET',
  /** The last run for the account failed (see lastErrorCode). */
  FAILED: 'FAILED',
  /** The account was closed or left the organization; its logs are no longer collected for it. */
  OFFBOARDED: 'OFFBOARDED',
  /** The fleet's filters leave the account out; nothing was created for it. */
  EXCLUDED: 'EXCLUDED',
} as const;
export type RegistryState = (typeof RegistryState)[keyof typeof RegistryState];

/** The runs that write the registry, each with its own `last…RunId` attribute. */
export const RegistryWorkflow = {
  onboard: 'lastOnboardRunId',
  offboard: 'lastOffboardRunId',
  rotate: 'lastRotateRunId',
  fleet: 'lastFleetRunId',
  reconcile: 'lastReconcileRunId',
} as const satisfies Record<string, RegistryAttributeName>;
export type RegistryWorkflow = keyof typeof RegistryWorkflow;

/** What reconciliation can find wrong with an account or a source. */
export const DriftKind = {
  /** An ACTIVE account the fleet's filters include, that nothing collects. */
  NOT_COLLECTED: 'NOT_COLLECTED',
  /** An account no longer ACTIVE in the organization whose own source still exists. */
  CLOSED_STILL_COLLECTED: 'CLOSED_STILL_COLLECTED',
  /** A source of the product's for an account the organization does not have. */
  SOURCE_WITHOUT_ACCOUNT: 'SOURCE_WITHOUT_ACCOUNT',
  /** A source whose last log is older than the configured staleness limit. */
  DATA_STOPPED: 'DATA_STOPPED',
} as const;
export type DriftKind = (typeof DriftKind)[keyof typeof DriftKind];
