import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { awsUnavailable } from '../shared/aws-transient.js';
import { isAwsError } from '../shared/ownership.js';

/** Executions that may still touch the account: running, or failed and waiting to be redriven. */
const ALIVE = new Set(['RUNNING', 'PENDING_REDRIVE']);

/**
 * Whether the lock holder `owner` has ended, for {@link acquireAccountLock}: a workflow run holds
 * the lock under its execution ARN, so Step Functions can say whether it still runs. A holder that
 * is not an execution (a key rotation) or whose state cannot be read counts as alive: its lock
 * then stands until it expires, which is the safe side.
 */
export function executionHasEnded(sfn: SFNClient): (owner: string) => Promise<boolean> {
  return async (owner) => {
    if (!/^arn:[\w-]+:states:[\w-]+:\d{12}:execution:[^:]+:[^:]+$/.test(owner)) return false;
    try {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: owner }));
      return execution.status !== undefined && !ALIVE.has(execution.status);
    } catch (error) {
      if (isAwsError(error, 'ExecutionDoesNotExist')) return true;
      const transient = awsUnavailable(error, 'Reading the state of the run that holds the account lock');
      if (transient) throw transient;
      return false;
    }
  };
}
