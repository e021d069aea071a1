/**
 * The account registry: one item per account (and one for the organization's own source), saying
 * how its logs are collected and what the last run left. The table (lib/registry/) and the code
 * that writes it (lambda/registry/) use these names, so neither can key or read an attribute the
 * other does not know. No attribute ever holds a secret: ids, names, states and instants only.
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
  /** S, the prefix under which the account's logs were found. */
  logPrefix: 'logPrefix',
  /** S, `last_log_received` of that source when the item was written. */
  lastLogReceived: 'lastLogReceived',
  /** S, the execution ARN of the run that wrote the item. */
  lastRunId: 'lastRunId',
  /** S, ISO-8601 instant of the write: a run never overwrites a newer item. */
  updatedAt: 'updatedAt',
} as const;

export const RegistryState = {
  /** The organization source collects the account's logs. */
  COVERED: 'COVERED',
  /** The account was closed or left the organization; its logs are no longer collected for it. */
  OFFBOARDED: 'OFFBOARDED',
} as const;
export type RegistryState = (typeof RegistryState)[keyof typeof RegistryState];
