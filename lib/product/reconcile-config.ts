import type * as z from 'zod';
import { reconcileSettingsSchema } from '../../lambda/contract/reconcile.js';
import { scheduleExpressionSchema } from './fleet-config.js';

/**
 * `reconcile`: comparing the organization, the account registry and Director (lib/reconcile/):
 * when it runs by itself, when a source's data counts as stopped, and whether it repairs.
 */
export const reconcileConfigSchema = reconcileSettingsSchema.extend({
  /** When reconciliation runs by itself; `null`: only by hand. */
  schedule: scheduleExpressionSchema.nullable().default('rate(1 day)'),
});
export type ReconcileConfig = z.infer<typeof reconcileConfigSchema>;
export const DEFAULT_RECONCILE_CONFIG: ReconcileConfig = { staleAfterHours: 24, repair: true, schedule: 'rate(1 day)' };
