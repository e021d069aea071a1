import { Fn, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { IntegrationPattern, JsonPath, Map as MapState, Pass, type IStateMachine, type StateMachine, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { FleetFilters } from '../../lambda/contract/fleet.js';
import { acknowledgeFinding, acknowledgeWildcardResource, NagReason } from './nag-acknowledgements.js';

export interface ChildRunsMapProps {
  /** State names: the Map, its StartExecution item, and the two Passes that record an item's outcome. */
  names: { map: string; run: string; succeeded: string; failed: string };
  /** The workflow each item runs, to its end (StartExecution.sync:2). */
  child: IStateMachine;
  /** Items of `{accountId, executionName}`: the execution names make a retried item start no second run. */
  itemsPath: string;
  maxConcurrency: number;
  /** Who started the children, as their `trigger` says. */
  trigger: string;
  resultPath: string;
}

/**
 * An inline Map that runs a child workflow per account, at most `maxConcurrency` at once, and
 * records each outcome (`{accountId, status: SUCCEEDED, executionArn}` or `{accountId, status:
 * FAILED, error, cause}`): one account's failure is its own, and the others go on.
 */
export function childRunsMap(scope: Construct, props: ChildRunsMapProps): MapState {
  const { names } = props;
  const run = new StepFunctionsStartExecution(scope, names.run, {
    stateName: names.run,
    stateMachine: props.child,
    integrationPattern: IntegrationPattern.RUN_JOB,
    name: JsonPath.stringAt('$.executionName'),
    input: TaskInput.fromObject({ 'accountId.$': '$.accountId', 'trigger.$': '$.trigger' }),
    resultPath: '$.run',
  });
  const succeeded = new Pass(scope, names.succeeded, {
    stateName: names.succeeded,
    parameters: { 'accountId.$': '$.accountId', status: 'SUCCEEDED', 'executionArn.$': '$.run.ExecutionArn' },
  });
  const failed = new Pass(scope, names.failed, {
    stateName: names.failed,
    parameters: { 'accountId.$': '$.accountId', status: 'FAILED', 'error.$': '$.error.Error', 'cause.$': '$.error.Cause' },
  });
  run.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
  const map = new MapState(scope, names.map, {
    stateName: names.map,
    itemsPath: props.itemsPath,
    maxConcurrency: props.maxConcurrency,
    itemSelector: {
      'accountId.$': '$$.Map.Item.Value.accountId',
      'executionName.$': '$$.Map.Item.Value.executionName',
      'trigger.$': `States.Format('${props.trigger} {}', $$.Execution.Name)`,
    },
    resultPath: props.resultPath,
  });
  map.itemProcessor(run.next(succeeded));
  return map;
}

/**
 * StartExecution.sync watches a child through a rule Step Functions manages, and stops it if the
 * parent is stopped: the grant CDK adds for that names `execution:<child machine name>*`.
 */
export function acknowledgeChildExecutions(parent: StateMachine, child: IStateMachine): void {
  const stack = Stack.of(parent);
  const childExecutions = `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${Fn.select(6, Fn.split(':', child.stateMachineArn))}*`;
  acknowledgeWildcardResource(parent.role.node.findChild('DefaultPolicy'), childExecutions, NagReason.FLEET_CHILD_EXECUTIONS);
}

/**
 * Organizations' list actions accept no resource-level scope that is known before the listing
 * (ListAccounts none at all), so they are granted on "*"; each only when the filters use it.
 */
export function grantOrganizationsListing(fn: LambdaFunction, filters: FleetFilters): void {
  const actions = ['organizations:ListAccounts'];
  if (filters.include.organizationalUnits || filters.exclude.organizationalUnits) {
    actions.push('organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent');
  }
  if (filters.include.tags || filters.exclude.tags) actions.push('organizations:ListTagsForResource');
  fn.addToRolePolicy(new PolicyStatement({ sid: 'ListOrganizationAccounts', actions, resources: ['*'] }));
  acknowledgeFinding(fn.role?.node.findChild('DefaultPolicy') ?? fn, 'AwsSolutions-IAM5[Resource::*]', NagReason.ORGANIZATIONS_LISTING);
}
