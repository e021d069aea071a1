import { Choice, Condition, Fail, type IChainable, JsonPath, Pass } from 'aws-cdk-lib/aws-stepfunctions';
import type { EventBridgePutEvents, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { ErrorCode } from '../../lambda/contract/error-codes.js';

export interface FailurePathProps {
  /** Every step whose error (at `$.error`) goes to `describeFailure`. */
  catchFrom: readonly LambdaInvoke[];
  /** The step that turns `$.error` into the failure report at `$.failure` (code, message …). */
  describeFailure: LambdaInvoke;
  /** Publishes the failure event. */
  publishFailed: EventBridgePutEvents;
  failedStateName: string;
  /**
   * When `describeFailure` itself fails for good: the name of the states that stand in for it, and
   * the fields of `$.failure` beside code, message and accountId (all of the workflow's failure
   * report, with empty values), so that the failure event is still published.
   */
  undescribed: { stateName: string; fields: Record<string, unknown> };
  /** What runs between the failure report and `publishFailed` (e.g. releasing the account lock). @default publishFailed */
  afterDescribe?: IChainable;
}

/**
 * The failure path: any step's error → describeFailure → publishFailed → a Fail state with the
 * typed error code and message of `$.failure`.
 */
export function failurePath(scope: Construct, props: FailurePathProps): Fail {
  const failed = new Fail(scope, props.failedStateName, {
    stateName: props.failedStateName,
    errorPath: '$.failure.code',
    causePath: '$.failure.message',
  });
  // Even if publishing the failure event fails, the execution must still end in the typed error.
  props.publishFailed.addCatch(failed, { errors: ['States.ALL'], resultPath: JsonPath.DISCARD });
  props.publishFailed.next(failed);
  const afterDescribe = props.afterDescribe ?? props.publishFailed;
  props.describeFailure.next(afterDescribe);
  for (const step of props.catchFrom) step.addCatch(props.describeFailure, { errors: ['States.ALL'], resultPath: '$.error' });

  const { stateName, fields } = props.undescribed;
  const failure = {
    ...withNulls(fields),
    code: ErrorCode.CLEANUP_FAILED,
    'message.$':
      "States.Format('The run failed and its cleanup did not finish ({}): see the execution history; a re-run repairs what was left.', $.cleanupError.Error)",
  };
  const withAccount = new Pass(scope, `${stateName}WithAccount`, { parameters: { ...failure, 'accountId.$': '$.request.accountId' }, resultPath: '$.failure' });
  const withoutAccount = new Pass(scope, `${stateName}WithoutAccount`, {
    parameters: { ...failure, ...withNulls({ accountId: null }) },
    resultPath: '$.failure',
  });
  const hasAccount = new Choice(scope, stateName, { stateName })
    .when(Condition.isPresent('$.request.accountId'), withAccount.next(afterDescribe))
    .otherwise(withoutAccount.next(afterDescribe));
  props.describeFailure.addCatch(hasAccount, { errors: ['States.ALL'], resultPath: '$.cleanupError' });
  return failed;
}

/** CDK drops null values from a state's Parameters; an intrinsic keeps them (the failure event names every field). */
function withNulls(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => (value === null ? [`${key}.$`, "States.StringToJson('null')"] : [key, value])));
}
