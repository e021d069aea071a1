import { randomUUID } from 'node:crypto';
import type { DependenciesProvider } from '../../lambda/shared/runtime/dependencies.js';
import type { StepHandler } from '../../lambda/shared/runtime/workflow-step.js';
import { recordPutEvents, type PublishedEvent } from './event-capture.js';
import { invokeLikeLambda, withCrashes, type CrashSpec } from './lambda-invocation.js';
import { runLocally, type ExecutionEvent, type LocalRunResult, type LocalTaskHandler } from './state-machine-runner.js';
import type { VirtualClock } from './virtual-clock.js';
import type { ExecutionRegistry } from './execution-registry.js';
import { withListedClients } from './listed-clients.js';

/** What a caller of one run may watch (every state entered and left, as it happens) and break. */
export interface RunOptions {
  onEvent?: (event: ExecutionEvent) => void;
  /**
   * Lambda task states of this execution that crash instead of answering (see {@link CrashSpec}):
   * `{ state: 'RegisterLogSource', when: 'after' }` lets the handler register the source, then
   * fails the task with `Sandbox.Timedout`. Only workflow runs take it; `rotate` ignores it.
   */
  crashes?: CrashSpec[];
  /** The execution's name, as StartExecution was given it. Default: `<prefix>-<account>-<8 hex>`. */
  executionName?: string;
}

export interface WorkflowRunnerSpec {
  /** Task state name → entry point `lambda/<file>.handler.ts`. */
  tasks: Record<string, string>;
  /** Further task states → the task (of `tasks`) whose function they run. */
  taskAliases?: Record<string, string>;
  /** Task states that are no Lambda (a nested workflow's StartExecution.sync): their handlers as they are. */
  serviceTasks?: Record<string, LocalTaskHandler>;
  /** EventBridge PutEvents task states: recorded into `events`. */
  publishStates: string[];
  /** Each Wait state of the workflow → the seconds it waits in the definition, read from its input. */
  waitStates: Record<string, (input: unknown) => number>;
  /** Names the executions, and the workflow in the call log's records (`onboard`, `offboard`). */
  prefix: string;
  definitionOf: () => Record<string, unknown> | null;
  provider: DependenciesProvider;
  events: PublishedEvent[];
  clock: VirtualClock;
  waitMs: number;
  /** Where each run is RUNNING, then ended, for DescribeExecution. */
  executions: ExecutionRegistry;
  /** The account and region of the executions' ARNs. */
  accountId: string;
  region: string;
}

/** Runs one execution of a workflow's current definition. */
export type WorkflowRun = (input: Record<string, unknown>, options?: RunOptions) => Promise<LocalRunResult>;

/** Maps a workflow's task states to the real handlers and runs its current definition locally. */
export async function workflowRunner(spec: WorkflowRunnerSpec): Promise<WorkflowRun> {
  const taskHandlers: Record<string, LocalTaskHandler> = {};
  // A state that runs another task's function (`taskAliases`) is that function here too, and its calls are recorded as that task's.
  const aliased = Object.entries(spec.taskAliases ?? {}).map(([state, task]): [string, string] => {
    if (spec.tasks[task] === undefined) throw new Error(`Task state ${state} runs ${task}, which is not a task of the ${spec.prefix} workflow.`);
    return [state, task];
  });
  for (const [state, task] of [...Object.keys(spec.tasks).map((name): [string, string] => [name, name]), ...aliased]) {
    // The handler files are known only at run time; Vite must leave this import to Node.
    const module = (await import(/* @vite-ignore */ `../../lambda/${spec.tasks[task]}.handler.js`)) as {
      createHandler: (deps: DependenciesProvider) => StepHandler;
      awsClients?: object;
    };
    const provider = withListedClients(spec.provider, module.awsClients, task);
    taskHandlers[state] = invokeLikeLambda(module.createHandler(provider), { workflow: spec.prefix, task });
  }
  // Only the Lambda tasks can crash: the PutEvents states are EventBridge, not Lambda.
  const crashable = { ...taskHandlers };
  Object.assign(taskHandlers, spec.serviceTasks ?? {});
  for (const state of spec.publishStates) taskHandlers[state] = (input) => Promise.resolve(recordPutEvents(input, spec.events));

  // Async, so that a bad run option (a crash planned for a state that is no task) rejects the run.
  // Each execution runs on its own clock: runs side by side must not age one another (see VirtualClock).
  return (input, options = {}) =>
    spec.clock.withOwnClock(async () => {
      const definition = spec.definitionOf();
      if (!definition) throw new Error(`The synthesized stack has no ${spec.prefix} workflow (is it disabled in the config?).`);
      const crashes = options.crashes ?? [];
      const executionName =
        options.executionName ?? `${spec.prefix}-${typeof input.accountId === 'string' ? input.accountId : 'unknown'}-${randomUUID().slice(0, 8)}`;
      // The workflow's prefix stands for its state machine's name (the role conformance test maps it to the synthesized one).
      const executionArn = `arn:aws:states:${spec.region}:${spec.accountId}:execution:${spec.prefix}:${executionName}`;
      spec.executions.started(executionArn, spec.clock.now(), input);
      const result = await runLocally(definition, input, {
        taskHandlers: crashes.length === 0 ? taskHandlers : { ...taskHandlers, ...withCrashes(crashable, crashes) },
        startTime: spec.clock.now(),
        executionName,
        executionArn,
        waitOverridesMs: Object.fromEntries(Object.keys(spec.waitStates).map((name) => [name, spec.waitMs])),
        retryOverridesMs: Object.fromEntries(Object.keys(crashable).map((name) => [name, spec.waitMs])),
        onEvent: (event) => {
          // The deadline is measured in the definition's seconds: advance time as if each Wait had
          // lasted that long, so a 30-minute deadline passes in a moment here.
          if (event.kind === 'entered') {
            spec.executions.entered(executionArn, event.state);
            const waitedSeconds = spec.waitStates[event.state];
            if (waitedSeconds) spec.clock.advance(waitedSeconds(event.input) * 1000);
          }
          options.onEvent?.(event);
        },
      }).catch((error: unknown) => {
        spec.executions.ended(executionArn, 'FAILED', spec.clock.now(), {
          error: 'Sandbox.Error',
          cause: error instanceof Error ? error.message : String(error),
        });
        throw error;
      });
      const failure = result.error === null ? undefined : { error: result.error.code, cause: result.error.message };
      spec.executions.ended(executionArn, result.status, spec.clock.now(), failure);
      return { ...result, executionArn };
    });
}

/** The seconds a Wait state's `SecondsPath` names, e.g. `secondsAt('order', 'nextWaitSeconds')` for `$.order.nextWaitSeconds`. */
export function secondsAt(...path: string[]): (input: unknown) => number {
  return (input) => {
    let value: unknown = input;
    for (const key of path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    return typeof value === 'number' ? value : 0;
  };
}
