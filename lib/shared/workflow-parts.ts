import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  type Condition,
  DefinitionBody,
  type IChainable,
  JsonPath,
  JitterType,
  LogLevel,
  Pass,
  Result,
  type RetryProps,
  StateMachine,
  type TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { EventBridgePutEvents, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { RuntimeSettings } from '../../lambda/contract/runtime-settings.js';
import { acknowledgeFinding, acknowledgeWildcardResource, NagReason } from './nag-acknowledgements.js';
import { OnboardingFunction } from './onboarding-function.js';
import { ErrorCode } from '../../lambda/contract/error-codes.js';
import { EnvName } from '../../lambda/contract/env-names.js';

/*
 * The building blocks the onboarding and offboarding state machines share, so a retry policy, a
 * state's shape or a log setting is decided once and the two workflows cannot drift apart.
 * (The IAM scopes and grants they share are in resource-scopes.ts.)
 */

/**
 * Retry policies keyed by the typed error codes (exported so tests can assert on them). Every one
 * waits with full jitter, so executions that failed together (a throttled API, a Director that
 * was down) do not all come back at the same moment.
 */
export const RetryPolicy = {
  /** A new account's trail may take a while to deliver its first files. */
  noLogsYet: { errors: [ErrorCode.NO_CLOUDTRAIL_LOGS], interval: Duration.seconds(30), backoffRate: 2, maxAttempts: 5, jitterStrategy: JitterType.FULL },
  /** IAM is eventually consistent: a new key can be refused for a while (about three minutes in all). */
  iamPropagation: {
    errors: [ErrorCode.ACCESS_NOT_YET_EFFECTIVE],
    interval: Duration.seconds(4),
    backoffRate: 1.6,
    maxAttempts: 7,
    jitterStrategy: JitterType.FULL,
  },
  directorUnavailable: {
    errors: [ErrorCode.DIRECTOR_UNAVAILABLE],
    interval: Duration.seconds(5),
    backoffRate: 2,
    maxAttempts: 4,
    jitterStrategy: JitterType.FULL,
  },
  /**
   * Every Director order slot is held (director.maxConcurrentOrders): wait for one, with full
   * jitter so that runs turned away together do not come back together, for up to about half an
   * hour (an order's own deadline), then the run fails DIRECTOR_ORDER_SLOTS_FULL.
   */
  orderSlotsFull: {
    errors: [ErrorCode.DIRECTOR_ORDER_SLOTS_FULL],
    interval: Duration.seconds(10),
    backoffRate: 1.5,
    maxDelay: Duration.seconds(60),
    maxAttempts: 35,
    jitterStrategy: JitterType.FULL,
  },
  /** Throttling or a fault on the AWS side (IAM, Secrets Manager, S3): every step retries it. */
  awsUnavailable: { errors: [ErrorCode.AWS_UNAVAILABLE], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 5, jitterStrategy: JitterType.FULL },
  lambdaService: {
    errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 3,
    jitterStrategy: JitterType.FULL,
  },
  /**
   * The function crashed or ran out of time, perhaps after it did its work: every step may run
   * again, because each one first reads what an earlier attempt left (see DESIGN.md, idempotency).
   */
  lambdaCrashed: {
    errors: ['Sandbox.Timedout', 'Runtime.ExitError', 'Runtime.Unknown', 'States.Timeout'],
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 2,
    jitterStrategy: JitterType.FULL,
  },
  /** The Lambda service schedule for any error: for steps that must not end the run before reporting. */
  anyError: { errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3, jitterStrategy: JitterType.FULL },
} satisfies Record<string, RetryProps>;

/** One row of a workflow's function table. */
export interface StepFunctionSpec {
  description: string;
  /** @default the OnboardingFunction default */
  timeout?: Duration;
}

export interface StepFunctionsOptions<Name extends string> {
  /** The entry point (`lambda/<file>.handler.ts`) behind each step: the workflow's task table. */
  handlerFiles: Readonly<Record<Name, string>>;
  /** Handed to every function through its environment. */
  settings: RuntimeSettings;
  /** The steps that call Director: the only ones that get the CA bundle. */
  directorTasks: readonly NoInfer<Name>[];
  /** Absolute path of a PEM CA bundle for a Director behind a private CA. */
  directorCaBundleFile?: string | undefined;
}

/** A workflow's step functions, and how to invoke one of them as a state. */
export interface WorkflowSteps<Name extends string> {
  functions: Record<Name, OnboardingFunction>;
  /** The state that invokes the function of `name` (its state name too, unless `stateName` says otherwise), see {@link invokeStep}. */
  step: (name: Name, options: InvokeStepOptions) => LambdaInvoke;
}

/** One Lambda per step (construct id `<step>Function` in `scope`), built from the workflow's tables. */
export function workflowSteps<Name extends string>(
  scope: Construct,
  steps: Readonly<Record<NoInfer<Name>, StepFunctionSpec>>,
  options: StepFunctionsOptions<Name>,
): WorkflowSteps<Name> {
  const environment = { [EnvName.SETTINGS]: JSON.stringify(options.settings) };
  const caBundleFile = options.directorCaBundleFile;
  const entries = (Object.entries(steps) as [Name, StepFunctionSpec][]).map(([name, { description, timeout }]) => [
    name,
    new OnboardingFunction(scope, `${name}Function`, {
      handlerFile: options.handlerFiles[name],
      description,
      environment,
      ...(timeout ? { timeout } : {}),
      ...(caBundleFile !== undefined && options.directorTasks.includes(name) ? { caBundleFile } : {}),
    }),
  ]);
  const functions = Object.fromEntries(entries) as Record<Name, OnboardingFunction>;
  return { functions, step: (name, stepOptions) => invokeStep(scope, stepOptions.stateName ?? name, functions[name], stepOptions) };
}

interface InvokeStepOptions {
  /** @default the step's name: set it when one function runs as a second state of the same workflow. */
  stateName?: string;
  /**
   * What the Lambda receives: a path of the state (InputPath) or a built payload.
   * @default the whole state
   */
  input?: { inputPath: string } | { payload: TaskInput } | undefined;
  /** Where the Lambda's result goes in the state. */
  resultPath: string;
  /** Retriers for the step's own typed errors, tried before `finalRetry`. */
  retries?: readonly RetryProps[];
  /** @default RetryPolicy.lambdaService */
  finalRetry?: RetryProps;
}

/** A Lambda step named `name` whose result (the payload only) lands at `resultPath`, retried by policy. */
function invokeStep(scope: Construct, name: string, lambdaFunction: IFunction, options: InvokeStepOptions): LambdaInvoke {
  const invoke = new LambdaInvoke(scope, name, {
    stateName: name,
    lambdaFunction,
    // With payloadResponseOnly the payload becomes Parameters verbatim; a path must go in InputPath.
    ...(options.input ?? {}),
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    resultPath: options.resultPath,
  });
  const retries = [...(options.retries ?? []), RetryPolicy.awsUnavailable, RetryPolicy.lambdaCrashed, options.finalRetry ?? RetryPolicy.lambdaService];
  for (const retry of retries) invoke.addRetry(retry);
  return invoke;
}

/** The state names of the order-polling loop; both workflows' state tables carry them. */
interface OrderPollingStateNames {
  StartOrderPolling: string;
  WaitForOrder: string;
  IsOrderDone: string;
}

export interface OrderPollingProps {
  stateNames: OrderPollingStateNames;
  initialWaitSeconds: number;
  /** The step that reads the order; it sets `$.order` (status, attempt, nextWaitSeconds). */
  checkOrder: LambdaInvoke;
  isDone: Condition;
  whenDone: IChainable;
  /** When the write must be sent again (its answer was lost and it provably did not take): where to. */
  resubmit?: { when: Condition; to: IChainable };
}

/**
 * Polls a Director order: StartOrderPolling sets `$.order` → WaitForOrder waits
 * `$.order.nextWaitSeconds` → CheckOrder → IsOrderDone goes on to `whenDone` or waits again (the
 * order deadline is CheckOrder's to enforce). Returns the loop's entry state.
 */
export function orderPollingLoop(scope: Construct, props: OrderPollingProps): Pass {
  const { StartOrderPolling, WaitForOrder, IsOrderDone } = props.stateNames;
  const startOrderPolling = new Pass(scope, StartOrderPolling, {
    stateName: StartOrderPolling,
    result: Result.fromObject({ attempt: 0, nextWaitSeconds: props.initialWaitSeconds }),
    resultPath: '$.order',
  });
  const waitForOrder = new Wait(scope, WaitForOrder, { stateName: WaitForOrder, time: WaitTime.secondsPath('$.order.nextWaitSeconds') });
  const isOrderDone = new Choice(scope, IsOrderDone, { stateName: IsOrderDone }).when(props.isDone, props.whenDone);
  if (props.resubmit) isOrderDone.when(props.resubmit.when, props.resubmit.to);
  startOrderPolling.next(waitForOrder).next(props.checkOrder).next(isOrderDone.otherwise(waitForOrder));
  return startOrderPolling;
}

export interface PublishEventProps {
  source: string;
  detailType: string;
  detail: TaskInput;
}

/** A state that puts one event on the default bus, keeps the state as it was, and retries any error. */
export function publishEvent(scope: Construct, stateName: string, props: PublishEventProps): EventBridgePutEvents {
  const publish = new EventBridgePutEvents(scope, stateName, {
    stateName,
    entries: [{ source: props.source, detailType: props.detailType, detail: props.detail }],
    resultPath: JsonPath.DISCARD,
  });
  publish.addRetry(RetryPolicy.anyError);
  return publish;
}

export interface WorkflowStateMachineProps {
  definition: IChainable;
  comment: string;
  /** The Director order deadline; the state machine's own timeout is an hour beyond it. */
  orderDeadlineSeconds: number;
  /** The functions the definition invokes (their version wildcards are acknowledged to cdk-nag). */
  invokedFunctions: readonly IFunction[];
  /** @default one year of state machine logs (Control Tower CT.CLOUDWATCH.PR.2 asks for at least a year) */
  logRetention?: RetentionDays | undefined;
}

/**
 * The state machine (construct id `StateMachine`) with X-Ray tracing and its own log group
 * (`StateMachineLogs`: level ALL, but no execution data, so state inputs and outputs stay out of the
 * logs), and the cdk-nag acknowledgements its role needs.
 */
export function workflowStateMachine(scope: Construct, props: WorkflowStateMachineProps): StateMachine {
  const logGroup = new LogGroup(scope, 'StateMachineLogs', {
    retention: props.logRetention ?? RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stateMachine = new StateMachine(scope, 'StateMachine', {
    definitionBody: DefinitionBody.fromChainable(props.definition),
    comment: props.comment,
    tracingEnabled: true,
    // A backstop: the order deadline inside the workflow ends a stuck run long before this.
    timeout: Duration.seconds(props.orderDeadlineSeconds).plus(Duration.hours(1)),
    logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
  });

  const machinePolicy = stateMachine.role.node.findChild('DefaultPolicy');
  acknowledgeFinding(machinePolicy, 'AwsSolutions-IAM5[Resource::*]', NagReason.STATE_MACHINE_XRAY_AND_LOG_DELIVERY);
  for (const workflowFunction of props.invokedFunctions) {
    acknowledgeWildcardResource(machinePolicy, `${workflowFunction.functionArn}:*`, NagReason.LAMBDA_INVOKE_VERSIONS);
  }
  return stateMachine;
}
