import * as z from 'zod';
import { fleetFiltersSchema } from '../../lambda/contract/fleet.js';

/**
 * `fleet`: onboarding the organization's existing accounts (lib/fleet/): which ones (the filters,
 * lambda/contract/fleet.ts), how many at once, and when (on deploy, on a schedule, or by hand).
 */
/** An EventBridge schedule expression: `rate(1 day)`, `cron(0 3 * * ? *)`. */
export const scheduleExpressionSchema = z
  .string()
  .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/, 'must be an EventBridge schedule expression: rate(…) or cron(…)');

export const fleetConfigSchema = fleetFiltersSchema.extend({
  /** Start a fleet run on every `cdk deploy`. */
  onboardExisting: z.boolean().default(false),
  /** Onboardings the fleet run keeps going at once (the Map state's MaxConcurrency). */
  maxConcurrency: z.int().min(1).max(40).default(10),
  /** An EventBridge schedule expression (`rate(1 day)`, `cron(0 3 * * ? *)`) for recurring fleet runs; none by default. */
  schedule: scheduleExpressionSchema.optional(),
});
export type FleetConfig = z.infer<typeof fleetConfigSchema>;
export const DEFAULT_FLEET_CONFIG: FleetConfig = { include: {}, exclude: {}, onboardExisting: false, maxConcurrency: 10 };
