/**
 * Director rate governance (lambda/governance/) keeps its state as items of a table that another
 * feature owns (the account lock table), next to that table's own items: these are their keys, in
 * the table's partition key attribute. A construct can scope a grant to exactly these items
 * (`dynamodb:LeadingKeys`); none can collide with an account id (12 digits) or an organization id (`o-…`).
 */
export const DirectorGovernanceKey = {
  /** The token bucket of Director requests per second that every Director caller shares. */
  requestBudget: 'director-budget',
  /** Order slot `i` (0 ≤ i < maxConcurrentOrders) is the item `director-order-slot-<i>`. */
  orderSlotPrefix: 'director-order-slot-',
} as const;
