import * as z from 'zod';
import { accountIdSchema, awsRegionSchema, organizationIdSchema } from '../../lambda/contract/settings.js';

/**
 * `triggers.forwardFrom`: the organization's management account, whose account events this
 * product's stack receives by forwarding (lib/org-events/). Setting it adds the bus policy that lets
 * that account put events on the stack's default bus, and the forwarder stacks bin/app.ts
 * synthesizes for the management account.
 */
export const forwardFromSchema = z.strictObject({
  /** The account AWS Organizations and Control Tower report account lifecycle events in. */
  managementAccountId: accountIdSchema,
  /** When set, the bus policy also requires the sender to belong to this organization (`aws:PrincipalOrgID`). */
  organizationId: organizationIdSchema.optional(),
  /** The Control Tower home region; leave it out without Control Tower, and no Control Tower event is forwarded. */
  controlTowerHomeRegion: awsRegionSchema.optional(),
});
export type ForwardFrom = z.infer<typeof forwardFromSchema>;

/** The parts of the app config the forwarding settings depend on. */
interface ForwardingConfig {
  env?: { account?: string | undefined; region?: string | undefined } | undefined;
  triggers: { forwardFrom?: ForwardFrom | undefined };
}

/**
 * The checks across fields: forwarded events go to the default bus of the stack's own account and
 * region, so both must be known when the config is read (synth makes no look-ups).
 */
export function checkForwardFrom(config: ForwardingConfig, context: z.RefinementCtx): void {
  if (config.triggers.forwardFrom === undefined) return;
  for (const field of ['account', 'region'] as const) {
    if (config.env?.[field] !== undefined) continue;
    context.addIssue({
      code: 'custom',
      path: ['env', field],
      message: `is required with triggers.forwardFrom: the management account forwards its events to the default event bus of this stack's account and region`,
    });
  }
}
