import { createHash } from 'node:crypto';
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ErrorCode } from '../contract/error-codes.js';
import { OnboardingError } from '../shared/errors.js';
import { executionArnFor } from '../shared/execution-names.js';
import type { WorkflowStarterDependencies } from './start-workflow.js';

/** A fleet run the starter started (or found started) for a deployment. */
export interface StartedFleet {
  status: 'STARTED' | 'ALREADY_STARTED';
  executionName: string;
  executionArn: string;
}

/**
 * Starts the fleet run of a deployment (`fleet.onboardExisting`), named after the deployment's
 * nonce: a repeated request for the same deployment finds the run it already started. Each account
 * of the run takes its own lock in the onboarding workflow, so no per-account check is needed here.
 */
export async function startFleet(deps: WorkflowStarterDependencies, deployNonce: string): Promise<StartedFleet> {
  const stateMachineArn = deps.stateMachines.fleet;
  if (stateMachineArn === undefined) {
    throw new OnboardingError(ErrorCode.CONFIG_INVALID, 'No fleet workflow is deployed with this starter; cannot start a fleet run.');
  }
  const executionName = `fleet-deploy-${createHash('sha256').update(deployNonce).digest('hex').slice(0, 16)}`;
  try {
    const started = await deps.sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify({ trigger: `cdk deploy ${deployNonce}`.slice(0, 100) }) }),
    );
    const outcome: StartedFleet = { status: 'STARTED', executionName, executionArn: started.executionArn ?? executionArnFor(stateMachineArn, executionName) };
    deps.logger?.info('Started the fleet run of this deployment', { ...outcome });
    return outcome;
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    return { status: 'ALREADY_STARTED', executionName, executionArn: executionArnFor(stateMachineArn, executionName) };
  }
}
