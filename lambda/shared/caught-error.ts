import type * as z from 'zod';
import { ErrorCode } from '../contract/error-codes.js';
import type { caughtErrorSchema } from './workflow-schemas.js';

type CaughtError = z.infer<typeof caughtErrorSchema>;

/**
 * Step Functions hands a Lambda error over as `{Error, Cause}`; on AWS the Cause is the runtime's
 * JSON (`{"errorType","errorMessage",...}`), locally it may be the plain message.
 */
export function caughtError(error: CaughtError | undefined): { code: string; message: string } {
  if (!error) return { code: ErrorCode.INTERNAL, message: 'The workflow failed without an error record.' };
  const cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return { code: error.Error, message: parsed.errorMessage };
  } catch {
    // A plain-text cause: use it as it is.
  }
  return { code: error.Error, message: cause || error.Error };
}
