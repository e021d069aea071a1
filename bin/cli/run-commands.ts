import { ExitCode, type CliOutput } from './io.js';
import { startAndFollow, type FollowedRun } from './run-follow.js';
import { organizationSourceOf, subjectsOf, type SubjectOptions } from './subjects.js';
import type { ManualStart, Target } from './target.js';

/**
 * `logpoint-onboard onboard --account <id>… | --all [--wait]` and `offboard --account <id>
 * [--wait]`: the product's own workflows, started through its starter function (so a run already
 * in progress for an account is found, not doubled), followed to their end with `--wait`.
 * Exit 1 when a run could not start, or (followed) did not succeed.
 */

export interface RunCommandOptions extends SubjectOptions {
  wait?: boolean | undefined;
}

export async function runOnboard(target: Target, out: CliOutput, options: RunCommandOptions): Promise<number> {
  const subjects = await subjectsOf(target, options);
  return startRuns(target, out, 'onboard', subjects, options.wait === true, organizationSourceOf(target));
}

export async function runOffboard(target: Target, out: CliOutput, options: { account: string[]; wait?: boolean | undefined }): Promise<number> {
  return startRuns(target, out, 'offboard', options.account, options.wait === true, undefined);
}

async function startRuns(
  target: Target,
  out: CliOutput,
  action: ManualStart['action'],
  subjects: string[],
  wait: boolean,
  organizationFirst: string | undefined,
): Promise<number> {
  const { runs, notStarted } = await startAndFollow(target, out, { action, subjects, wait, organizationFirst });
  const followed = runs.every((run) => run.outcome !== null);
  const ok = notStarted.length === 0 && runs.every((run) => run.outcome === null || run.outcome.status === 'SUCCEEDED');
  if (followed) out.say(summaryOf(action, runs, notStarted));
  out.result({ target: target.name, action, waited: followed, ok, runs, notStarted });
  return ok ? ExitCode.ok : ExitCode.failed;
}

function summaryOf(action: string, runs: FollowedRun[], notStarted: string[]): string {
  const succeeded = runs.filter((run) => run.outcome?.status === 'SUCCEEDED').length;
  const failed = runs.length - succeeded;
  return `${action}: ${succeeded} succeeded, ${failed} did not${notStarted.length === 0 ? '' : `, ${notStarted.length} not started`}.`;
}
