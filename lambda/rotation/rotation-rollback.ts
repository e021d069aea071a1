import { removePendingLabel } from '../shared/account-secret-versions.js';
import { deleteReaderAccessKey, listReaderAccessKeyIds } from '../shared/reader-user.js';
import type { RotationRun } from './rotation-run.js';
import type { RotationTarget } from './rotation-target.js';
import type { RotationRollback } from './rotation-types.js';

/**
 * Undoes the rotation, in an order that never leaves Director without a working key: Director
 * back on the current key (when it may hold the new one), then the new key, then the label.
 * Stops at the first problem and says what was left.
 */
export async function rollBack(run: RotationRun, target: RotationTarget): Promise<RotationRollback> {
  const { iam, secretsManager } = run.context;
  const report: RotationRollback = { director: 'not-needed', deletedAccessKeyId: null, pendingLabelRemoved: false, complete: false, problems: [] };
  try {
    const pending = await run.readVersion(target.versionId);
    const current = await run.currentKey();
    if (pending !== null && pending.accessKeyId !== current.accessKeyId) {
      // 'failed' until proven otherwise: an unanswered lookup is as bad as a failed restore.
      report.director = 'failed';
      if (await run.logSource.mayHold(target, pending.accessKeyId)) {
        const order = await run.logSource.edit(target, await run.logSource.require(target), current, 'restore');
        await run.logSource.recordOrder(target, order, current.accessKeyId);
        report.director = 'restored';
      } else {
        report.director = 'not-needed';
      }
      if ((await listReaderAccessKeyIds(iam, target.userName)).includes(pending.accessKeyId)) {
        await deleteReaderAccessKey(iam, target.userName, pending.accessKeyId);
        report.deletedAccessKeyId = pending.accessKeyId;
      }
    }
    // The described labels still hold: setSecret and testSecret, the steps that roll back, move none.
    report.pendingLabelRemoved = await removePendingLabel(secretsManager, target.accountId, target.versionId, {}, target.description);
    report.complete = true;
  } catch (error) {
    report.problems.push(run.describeCause(error).causeMessage);
  }
  run.log(report.complete ? 'info' : 'warn', report.complete ? 'Rotation rolled back' : 'Rotation rollback incomplete', { rollback: report });
  return report;
}
