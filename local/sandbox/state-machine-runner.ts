import '../polyfills.js';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';

export type LocalTaskHandler = (input: unknown) => Promise<unknown>;

/** One line of what happened, in the order Step Functions would record it. */
export type ExecutionEvent =
  | { kind: 'started'; at: number }
  | { kind: 'entered'; at: number; state: string; stateType: string; input: unknown }
  | { kind: 'exited'; at: number; state: string; stateType: string; output: unknown }
  | { kind: 'failed'; at: number; state: string; error: string; cause: string }
  | { kind: 'retried'; at: number; state: string; attempt: number }
  | { kind: 'caught'; at: number; state: string }
  | { kind: 'succeeded'; at: number; output: unknown }
  | { kind: 'execution-failed'; at: number; error: string; cause: string };

export interface LocalRunOptions {
  /** Task state name → in-process handler (Lambda tasks and service integrations alike). */
  taskHandlers: Record<string, LocalTaskHandler>;
  /** Wait state name → milliseconds actually waited. */
  waitOverridesMs?: Record<string, number>;
  /** State name → milliseconds between retries, replacing the definition's intervals. */
  retryOverridesMs?: Record<string, number>;
  /** `$$.Execution.*` fields the definition reads. */
  executionName: string;
  /** `$$.Execution.Id`. @default an ARN of a `LocalOnboarding` state machine */
  executionArn?: string;
  /**
   * `$$.Execution.StartTime` as the sandbox's clock has it (its handlers read that clock too).
   * aws-local-stepfunctions always sets the real time there, so task inputs that carry it
   * (`executionStartTime`) are given this instead. @default the real time
   */
  startTime?: Date;
  onEvent?: (event: ExecutionEvent) => void;
}

export interface LocalRunResult {
  status: 'SUCCEEDED' | 'FAILED';
  output: unknown;
  error: { code: string; message: string } | null;
  events: ExecutionEvent[];
  /** How many state transitions (states entered) the execution made. */
  transitions: number;
  /** The execution's ARN, when a workflow runner named it. */
  executionArn?: string;
}

/** Runs an Amazon States Language definition locally and reports every state it passes. */
export async function runLocally(definition: Record<string, unknown>, input: unknown, options: LocalRunOptions): Promise<LocalRunResult> {
  const machine = machineFor(definition);
  const startTime = (options.startTime ?? new Date()).toISOString();
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: (options.startTime === undefined ? options.taskHandlers : withStartTime(options.taskHandlers, startTime)) as never,
      waitTimeOverrides: options.waitOverridesMs ?? {},
      retryIntervalOverrides: options.retryOverridesMs ?? {},
    },
    context: {
      Execution: {
        Id: options.executionArn ?? `arn:aws:states:eu-west-1:000000000000:execution:LocalOnboarding:${options.executionName}`,
        Name: options.executionName,
        Input: input as never,
        StartTime: startTime,
        RoleArn: 'arn:aws:iam::000000000000:role/LocalOnboarding',
      },
      StateMachine: { Id: 'arn:aws:states:eu-west-1:000000000000:stateMachine:LocalOnboarding', Name: 'LocalOnboarding' },
    },
  });

  const events: ExecutionEvent[] = [];
  const record = (event: ExecutionEvent): void => {
    events.push(event);
    options.onEvent?.(event);
  };
  const consume = (async () => {
    for await (const raw of execution.eventLogs) {
      const event = translate(raw);
      if (event) record(event);
    }
  })();

  let status: LocalRunResult['status'] = 'SUCCEEDED';
  let output: unknown = null;
  let error: LocalRunResult['error'] = null;
  try {
    output = await execution.result;
  } catch (caught) {
    status = 'FAILED';
    error = failureOf(caught);
  }
  await consume;
  return { status, output, error, events, transitions: events.filter((event) => event.kind === 'entered').length };
}

interface RawEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  retry?: { attempt: number };
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
}

function translate(raw: RawEvent): ExecutionEvent | undefined {
  const at = raw.timestamp;
  const state = raw.state;
  switch (raw.type) {
    case 'ExecutionStarted':
      return { kind: 'started', at };
    case 'ExecutionSucceeded':
      return { kind: 'succeeded', at, output: raw.output };
    case 'ExecutionFailed':
      return { kind: 'execution-failed', at, error: raw.Error ?? 'Unknown', cause: causeText(raw.Cause) };
    case 'StateEntered':
      return state && { kind: 'entered', at, state: state.name, stateType: state.type, input: state.input };
    case 'StateExited':
      return state && { kind: 'exited', at, state: state.name, stateType: state.type, output: state.output };
    case 'StateFailed':
      return state && { kind: 'failed', at, state: state.name, error: raw.Error ?? 'Unknown', cause: causeText(raw.Cause) };
    case 'StateRetried':
      return state && { kind: 'retried', at, state: state.name, attempt: raw.retry?.attempt ?? 0 };
    case 'StateCaught':
      return state && { kind: 'caught', at, state: state.name };
    default:
      return undefined;
  }
}

function causeText(cause: unknown): string {
  return typeof cause === 'string' ? cause : JSON.stringify(cause ?? '');
}

/** The typed error the execution ended with; a Fail state's Error/Cause come through ExecutionError. */
function failureOf(caught: unknown): { code: string; message: string } {
  if (caught instanceof ExecutionError) {
    const inner = (caught as unknown as { cause?: { name?: string; message?: string } }).cause;
    const code = inner?.name ?? caught.name;
    return { code, message: inner?.message ?? caught.message };
  }
  if (caught instanceof Error) return { code: caught.name, message: caught.message };
  return { code: 'Unknown', message: String(caught) };
}

function withStartTime(handlers: Record<string, LocalTaskHandler>, startTime: string): Record<string, LocalTaskHandler> {
  const replace = (input: unknown): unknown =>
    typeof input === 'object' && input !== null && !Array.isArray(input) && 'executionStartTime' in input ? { ...input, executionStartTime: startTime } : input;
  return Object.fromEntries(Object.entries(handlers).map(([state, handler]) => [state, (input: unknown) => handler(replace(input))]));
}

// Building a StateMachine validates the definition against the ASL schema (ajv): a quarter of a
// run's time, and about 250 ms for each new definition. Configs that differ only where the
// workflows do not look synthesize equal definitions: one machine serves them all, by content.
const machines = new Map<string, StateMachine>();

function machineFor(definition: Record<string, unknown>): StateMachine {
  const key = JSON.stringify(definition);
  let machine = machines.get(key);
  if (machine === undefined) {
    // The definition comes from our own synthesized template; the library's types are stricter than JSON.
    machine = new StateMachine(definition as unknown as ConstructorParameters<typeof StateMachine>[0], { validationOptions: { checkArn: false } });
    machines.set(key, machine);
  }
  return machine;
}
