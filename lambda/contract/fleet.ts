import * as z from 'zod';
import { accountIdSchema } from './settings.js';

/**
 * Which of the organization's accounts a fleet run (lib/fleet/) onboards: every ACTIVE account,
 * narrowed by `include` (each given list must match) and then by `exclude` (any match leaves the
 * account out). Organizational units count with everything below them.
 */
const organizationalUnitIdSchema = z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, 'must be an OU id (ou-…) or the root id (r-…)');

const accountSelectionSchema = z.strictObject({
  accountIds: z.array(accountIdSchema).min(1).optional(),
  organizationalUnits: z.array(organizationalUnitIdSchema).min(1).optional(),
  /** Account tags: an account matches when it carries every one of them with exactly that value. */
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
});
export type AccountSelection = z.infer<typeof accountSelectionSchema>;

export const fleetFiltersSchema = z.strictObject({
  include: accountSelectionSchema.default({}),
  exclude: accountSelectionSchema.default({}),
});
export type FleetFilters = z.infer<typeof fleetFiltersSchema>;
export const DEFAULT_FLEET_FILTERS: FleetFilters = { include: {}, exclude: {} };
