import { Choice, Condition, Pass, Result, Wait, WaitTime, type IChainable, type INextable, type State } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { OnboardingState } from '../../lambda/contract/onboarding-states.js';
import type { DataFlowSettings } from '../../lambda/contract/runtime-settings.js';

export interface DataFlowWatchParts<Task extends State & INextable> {
  /** The CheckDataFlow task (its result goes to `$.result.dataPlane`). */
  checkDataFlow: Task;
}

/**
 * After FinalizeOnboarding: StartDataWatch → WaitForData → CheckDataFlow → IsDataFlowing, looping
 * while Director has not yet reported a fetch. The waits come from CheckDataFlow (backing off to
 * `maxWaitSeconds`, never past the deadline), so the loop ends by itself.
 */
export function dataFlowWatch<Task extends State & INextable>(scope: Construct, settings: DataFlowSettings, parts: DataFlowWatchParts<Task>) {
  const start = new Pass(scope, OnboardingState.StartDataWatch, {
    stateName: OnboardingState.StartDataWatch,
    result: Result.fromObject({
      outcome: 'WAITING',
      lastLogReceived: null,
      fetchStatus: null,
      lastFetchAttempt: null,
      note: 'Waiting for Logpoint to fetch.',
      watch: { attempt: 0, nextWaitSeconds: settings.initialWaitSeconds, deadlineAt: null, baseline: null },
    }),
    resultPath: '$.result.dataPlane',
  });
  const waitForData = new Wait(scope, OnboardingState.WaitForData, {
    stateName: OnboardingState.WaitForData,
    time: WaitTime.secondsPath('$.result.dataPlane.watch.nextWaitSeconds'),
  });
  const isDataFlowing = new Choice(scope, OnboardingState.IsDataFlowing, { stateName: OnboardingState.IsDataFlowing });
  return {
    start,
    checkDataFlow: parts.checkDataFlow,
    /** Chains the loop after `start`; `whenDone` follows once the outcome is no longer WAITING. */
    loop: (whenDone: IChainable): IChainable => {
      waitForData
        .next(parts.checkDataFlow)
        .next(isDataFlowing.when(Condition.stringEquals('$.result.dataPlane.outcome', 'WAITING'), waitForData).otherwise(whenDone));
      return waitForData;
    },
  };
}
