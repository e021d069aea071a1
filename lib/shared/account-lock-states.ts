import { Choice, Condition, type IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import type { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

export interface AccountLockStatesProps {
  /** The ReleaseLock step; it releases the lock at `$.lock` (set by AcquireLock). */
  release: LambdaInvoke;
  stateNames: { HoldsLock: string; AfterLockRelease: string };
  publishSucceeded: IChainable;
  publishFailed: IChainable;
}

/**
 * The end of a run that holds its account's lock, on both paths through one ReleaseLock state:
 * success → ReleaseLock → the success event; failure report → (if the lock was taken, i.e.
 * `$.lock` is present) ReleaseLock → the failure event. A release that fails never changes the
 * outcome: the lock then expires by itself (see lambda/locking/account-lock.ts). Returns the
 * state that must follow a successful last step, and the one that must follow the failure report.
 */
export function accountLockStates(scope: Construct, props: AccountLockStatesProps): { beforeSuccess: IChainable; beforeFailure: IChainable } {
  const { HoldsLock, AfterLockRelease } = props.stateNames;
  const afterRelease = new Choice(scope, AfterLockRelease, { stateName: AfterLockRelease })
    .when(Condition.isPresent('$.failure'), props.publishFailed)
    .otherwise(props.publishSucceeded);
  props.release.next(afterRelease);
  props.release.addCatch(afterRelease, { errors: ['States.ALL'], resultPath: '$.lockReleaseError' });
  // Without $.lock the run failed before it took the lock (or AcquireLock refused it): nothing to release.
  const holdsLock = new Choice(scope, HoldsLock, { stateName: HoldsLock }).when(Condition.isPresent('$.lock'), props.release).otherwise(props.publishFailed);
  return { beforeSuccess: props.release, beforeFailure: holdsLock };
}
