import { setTimeout as sleep } from 'node:timers/promises';
import { Listr } from 'listr2';
import type { StartedExecution } from '../../lambda/triggers/start-workflow.js';
import type { CliOutput } from './io.js';
import type { ManualStart, RunView, Target } from './target.js';

/** One subject's run as a command reports it: how the start went and, once followed, how the run ended. */
export interface FollowedRun {
  accountId: string;
  /** STARTED; ALREADY_STARTED (this request had started it); ALREADY_RUNNING (another run of the workflow holds the account). */
  start: StartedExecution['status'];
  executionName: string;
  executionArn: string;
  /** How the run ended (with `--wait`, or on a target whose runs end with the command); null when not followed. */
  outcome: RunView | null;
}

/** How often a followed run is looked at: the sandbox runs in this process; Step Functions is asked every few seconds. */
const POLL_MS = { inProcess: 50, remote: 5_000 } as const;

/**
 * Starts the workflow for each subject through the starter, one request key for the whole command
 * (a repeated command with the same key would find the runs it started), and follows them until
 * they end when asked to, or when the target cannot leave them running. In organization mode the
 * organization's own source comes first and is followed to its end before the accounts start: an
 * account is covered only once that source exists.
 */
export async function startAndFollow(
  target: Target,
  out: CliOutput,
  request: { action: ManualStart['action']; subjects: string[]; wait: boolean; organizationFirst?: string | undefined },
): Promise<{ runs: FollowedRun[]; notStarted: string[] }> {
  const idempotencyKey = `cli-${new Date().toISOString()}-${process.pid}`;
  const follow = request.wait || target.runsInProcess;
  if (target.runsInProcess && !request.wait) out.say('The sandbox runs executions inside this command: it ends when they do.');
  const startOne = async (accountId: string): Promise<FollowedRun> => {
    const started = await target.start({ action: request.action, accountId, idempotencyKey, trigger: 'logpoint-onboard' });
    const note = started.status === 'ALREADY_RUNNING' ? ' (another run holds the account: following it)' : '';
    out.say(`${accountId}: ${request.action} ${started.status.toLowerCase().replace('_', ' ')} ${started.executionArn}${note}`);
    return { accountId, start: started.status, executionName: started.executionName, executionArn: started.executionArn, outcome: null };
  };
  const first = request.organizationFirst !== undefined && request.subjects.includes(request.organizationFirst) ? request.organizationFirst : undefined;
  const runs: FollowedRun[] = [];
  if (first !== undefined) {
    const organizationRun = await startOne(first);
    runs.push(organizationRun);
    out.say(`Waiting for the organization source (${first}) before the accounts it covers…`);
    await followAll(target, out, [organizationRun]);
  }
  const rest = request.subjects.filter((candidate) => candidate !== first);
  const organizationOutcome = runs[0]?.outcome;
  if (first !== undefined && organizationOutcome?.status !== 'SUCCEEDED') {
    out.say(`The organization source's run ended ${organizationOutcome?.status ?? 'unseen'}: not starting the ${rest.length} account run(s) it would cover.`);
    return { runs, notStarted: rest };
  }
  for (const subject of rest) runs.push(await startOne(subject));
  if (follow)
    await followAll(
      target,
      out,
      runs.filter((run) => run.outcome === null),
    );
  return { runs, notStarted: [] };
}

/** Follows runs until each has ended, filling in their outcome; a live view on a terminal, a line per change otherwise. */
async function followAll(target: Target, out: CliOutput, runs: FollowedRun[]): Promise<void> {
  const pollMs = target.runsInProcess ? POLL_MS.inProcess : POLL_MS.remote;
  const followed = Date.now();
  const watch = (run: FollowedRun, show: (line: string) => void) =>
    followRun(target, run.executionArn, pollMs, (view) => show(`${run.accountId}: ${describeProgress(view, Date.now() - followed)}`)).then((outcome) => {
      run.outcome = outcome;
      return outcome;
    });
  if (!out.interactive) {
    await Promise.all(runs.map((run) => watch(run, (line) => out.say(line))));
    return;
  }
  const view = new Listr(
    runs.map((run) => ({
      title: `${run.accountId}: starting`,
      task: async (_context: unknown, task: { title: string }) => {
        const outcome = await watch(run, (line) => (task.title = line));
        if (outcome.status !== 'SUCCEEDED') throw new Error(`${run.accountId}: ${describeProgress(outcome, Date.now() - followed)}`);
      },
    })),
    { concurrent: true, exitOnError: false, renderer: 'default', rendererOptions: { collapseErrors: false } },
  );
  await view.run().catch(() => undefined);
}

/** Looks at one run until it has ended; `onChange` hears each new state it enters. */
async function followRun(target: Target, executionArn: string, pollMs: number, onChange: (view: RunView) => void): Promise<RunView> {
  let last = '';
  for (;;) {
    const view = await target.describeRun(executionArn);
    const seen = `${view.status} ${view.currentState ?? ''}`;
    if (seen !== last) onChange(view);
    last = seen;
    if (view.status !== 'RUNNING') return view;
    await sleep(pollMs);
  }
}

/** `RegisterLogSource (running, 12 s)`, `SUCCEEDED in 41 s`, `FAILED (BUCKET_NOT_FOUND: …)`. */
function describeProgress(view: RunView, followedMs: number): string {
  if (view.status === 'RUNNING') return `${view.currentState ?? 'starting'} (running, ${Math.round(followedMs / 1000)} s)`;
  const took = view.stopDate === undefined ? '' : ` in ${Math.round((Date.parse(view.stopDate) - Date.parse(view.startDate)) / 1000)} s`;
  const why = view.error === undefined ? '' : ` (${view.error}${view.cause === undefined ? '' : `: ${view.cause}`})`;
  return `${view.status}${took}${why}`;
}
