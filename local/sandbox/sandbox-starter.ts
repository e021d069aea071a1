import { createHandler as createStarterHandler, type StarterDependenciesProvider } from '../../lambda/triggers/start-execution.handler.js';
import type { AwsSandbox } from '../aws/index.js';
import type { AwsCallLog } from './aws-call-log.js';
import type { ExecutionRegistry } from './execution-registry.js';
import { invokeLikeLambda } from './lambda-invocation.js';
import type { LocalTaskHandler } from './state-machine-runner.js';
import type { VirtualClock } from './virtual-clock.js';

export interface SandboxStarterSpec {
  aws: AwsSandbox;
  executions: ExecutionRegistry;
  clock: VirtualClock;
  callLog: AwsCallLog;
  /** Which workflows the deployed stack has now (offboarding and the fleet run can be disabled). */
  workflows: () => { offboard: boolean; fleet: boolean };
}

/**
 * The product's starter function (lambda/triggers/start-execution.handler.ts), invoked as an
 * operator's `aws lambda invoke` would: it reads the account's lock in the sandbox's lock table and
 * starts executions through the sandbox's Step Functions (ExecutionRegistry), which runs them in
 * this process. So a start from the CLI obeys the one-run-per-account rule as on AWS.
 */
export function sandboxStarter(spec: SandboxStarterSpec): LocalTaskHandler {
  const { executions, aws, clock, callLog } = spec;
  const dependencies: StarterDependenciesProvider = () => {
    const { offboard, fleet } = spec.workflows();
    return {
      sfn: callLog.recording(executions.client, 'SFN'),
      stateMachines: {
        onboard: executions.stateMachineArn('onboard'),
        offboard: offboard ? executions.stateMachineArn('offboard') : undefined,
        fleet: fleet ? executions.stateMachineArn('fleet') : undefined,
      },
      locks: { dynamo: callLog.recording(aws.dynamo, 'DynamoDB'), tableName: aws.accountLockTable },
      now: () => clock.now(),
      sendCustomResourceResponse: () => Promise.reject(new Error('The sandbox has no CloudFormation to answer.')),
    };
  };
  return invokeLikeLambda(createStarterHandler(dependencies), { workflow: 'starter', task: 'StartExecution' });
}
