import type { AccessKeyPair } from '../shared/account-secret.js';
import { doublingDelay } from '../shared/backoff.js';
import { OnboardingError } from '../shared/errors.js';
import { checkTrailBucket } from '../shared/trail-bucket.js';
import { ErrorCode } from '../contract/error-codes.js';
import { bucketLocationOf } from './director-log-source.js';
import type { RotationRun } from './rotation-run.js';
import type { RotationTarget } from './rotation-target.js';
import { verifyReaderAccess } from '../shared/reader-access.js';
import type { AccessCheck, BucketFacts } from '../shared/workflow-schemas.js';

/** testSecret's proof that a key works: the trail bucket Director reads, and one log object read with the key. */

/** The facts of the bucket the account's log source reads (the configured trail when Director records none). */
export async function bucketFacts(run: RotationRun, target: RotationTarget): Promise<BucketFacts> {
  const { settings, s3 } = run.context;
  const location = bucketLocationOf(settings.trail, await run.logSource.find(target));
  // The configured prefix belongs to the configured bucket only, as in the onboarding's request.
  const sameBucket = location.bucketName === settings.trail.bucketName;
  return checkTrailBucket(s3, {
    accountId: target.accountId,
    bucketName: location.bucketName,
    bucketRegion: location.bucketRegion,
    trailPrefix: sameBucket ? settings.trail.trailPrefix : undefined,
    organizationId: settings.trail.organizationId,
  });
}

/** verifyReaderAccess, repeated with growing pauses while S3 refuses a key IAM has not propagated yet. */
export async function verifyDuringPropagation(run: RotationRun, key: AccessKeyPair, facts: BucketFacts): Promise<AccessCheck> {
  const { propagationBudgetMs, propagationInitialDelayMs, propagationMaxDelayMs } = run.timeouts;
  const s3 = run.context.s3ForCredentials(key, facts.bucketRegion);
  let waitedMs = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await verifyReaderAccess(s3, facts);
    } catch (error) {
      if (!(error instanceof OnboardingError && error.code === ErrorCode.ACCESS_NOT_YET_EFFECTIVE)) throw error;
      const delayMs = doublingDelay(propagationInitialDelayMs, attempt - 1, propagationMaxDelayMs);
      const pauseMs = Math.min(delayMs, propagationBudgetMs - waitedMs);
      if (pauseMs <= 0) {
        throw new OnboardingError(ErrorCode.ACCESS_NOT_YET_EFFECTIVE, `${error.message} Still refused after ${attempt} attempts over ${waitedMs} ms.`, {
          details: { ...error.details, accessKeyId: key.accessKeyId, attempts: attempt, waitedMs },
        });
      }
      run.log('info', 'S3 does not accept the key yet; waiting for IAM to propagate it', { accessKeyId: key.accessKeyId, attempt, pauseMs });
      await run.sleep(pauseMs);
      waitedMs += pauseMs;
    }
  }
}
