import * as z from 'zod';

/**
 * What a reconciliation (lib/reconcile/) may conclude and do: how old a source's last log may be
 * before its data counts as stopped, and whether it starts the safe repairs itself (an onboarding
 * for an account nothing collects, an offboarding for a closed account still collected) or only
 * reports them.
 */
export const reconcileSettingsSchema = z.strictObject({
  staleAfterHours: z
    .number()
    .positive()
    .max(24 * 90)
    .default(24),
  repair: z.boolean().default(true),
});
export type ReconcileSettings = z.infer<typeof reconcileSettingsSchema>;
export const DEFAULT_RECONCILE_SETTINGS: ReconcileSettings = { staleAfterHours: 24, repair: true };
