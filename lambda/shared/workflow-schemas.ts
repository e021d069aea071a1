import * as z from 'zod';

/** Schema pieces both workflow contracts (onboarding and offboarding) are built from. */

/** An ISO-8601 instant with an offset, as Step Functions and the handlers write them. */
export const isoInstant = z.iso.datetime({ offset: true });

/** What a Catch puts at `$.error` (Step Functions' own shape). */
export const caughtErrorSchema = z.looseObject({
  Error: z.string(),
  Cause: z.string().optional(),
});
