import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describeAwsError } from '../shared/ownership.js';
import { TagKey } from '../contract/names.js';
import { EVENT_SOURCE, KeyRotationEventType } from '../contract/events.js';
import type { RotationRun } from './rotation-run.js';
import type { RotationTarget } from './rotation-target.js';
import type { RotationDataPlane } from './rotation-types.js';

/** The rotation's EventBridge notifications, their details redacted against every key the run read. */

export async function publishSucceeded(
  run: RotationRun,
  target: RotationTarget,
  facts: { accessKeyId: string; retiredAccessKeyIds: string[]; logSourceId: string | null; dataPlane: RotationDataPlane },
): Promise<void> {
  await publishRotationEvent(run, KeyRotationEventType.Succeeded, {
    accountId: target.accountId,
    secretName: target.secretName,
    versionId: target.versionId,
    accessKeyId: facts.accessKeyId,
    retiredAccessKeyIds: facts.retiredAccessKeyIds,
    logSourceId: facts.logSourceId ?? target.description.tags[TagKey.logSourceId] ?? null,
    dataPlane: { outcome: facts.dataPlane.outcome, lastLogReceived: facts.dataPlane.lastLogReceived, fetchStatus: facts.dataPlane.fetchStatus },
  });
}

/** Events are notifications: a failure to publish is logged, never allowed to change the rotation's outcome. */
export async function publishRotationEvent(run: RotationRun, detailType: string, detail: Record<string, unknown>): Promise<void> {
  const { eventBridge, eventBusName } = run.context;
  try {
    const output = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: EVENT_SOURCE,
            DetailType: detailType,
            Detail: run.redact(JSON.stringify(detail)),
            ...(eventBusName === undefined ? {} : { EventBusName: eventBusName }),
          },
        ],
      }),
    );
    if ((output.FailedEntryCount ?? 0) > 0) {
      run.log('warn', `EventBridge refused the ${detailType} event`, { errorCode: output.Entries?.[0]?.ErrorCode ?? null });
    }
  } catch (error) {
    run.log('warn', `Could not publish the ${detailType} event`, { awsError: describeAwsError(error) });
  }
}
