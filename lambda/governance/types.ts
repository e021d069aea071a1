/** What the governance code needs from the outside besides DynamoDB: injected, so tests and the bench run it on a simulated clock. */
export interface GovernanceRuntime {
  /** Epoch milliseconds. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for jitter. */
  random: () => number;
}

/** The table that holds the governance items, and its partition key attribute (type S). */
export interface GovernanceTable {
  tableName: string;
  keyAttribute: string;
}
