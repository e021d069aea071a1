import type { LocalTaskHandler, LocalRunResult } from './state-machine-runner.js';
import type { WorkflowRun } from './workflow-runner.js';

/**
 * `states:startExecution.sync:2` in the sandbox: the task runs the child workflow to its end and
 * answers as Step Functions does. Its result is the child's description with `Output` as JSON; a
 * child that failed fails the task with `States.TaskFailed`, whose cause is that description (with
 * the child's own `Error` and `Cause`), which is what a Catch in the parent sees on AWS.
 */
export function startExecutionSync(child: WorkflowRun): LocalTaskHandler {
  return async (input) => {
    const parameters = input as { Input?: unknown; Name?: unknown };
    const childInput = typeof parameters.Input === 'object' && parameters.Input !== null ? (parameters.Input as Record<string, unknown>) : {};
    const run: LocalRunResult = await child(childInput);
    const description = { ExecutionArn: run.executionArn, Name: typeof parameters.Name === 'string' ? parameters.Name : null, Status: run.status };
    if (run.status === 'SUCCEEDED') return { ...description, Output: run.output };
    const failure = new Error(JSON.stringify({ ...description, Error: run.error?.code ?? 'States.TaskFailed', Cause: run.error?.message ?? '' }));
    failure.name = 'States.TaskFailed';
    throw failure;
  };
}
