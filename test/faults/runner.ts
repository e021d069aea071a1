import { startSandbox, type Sandbox, type SandboxOptions } from '../../local/sandbox/environment.js';
import { SANDBOX_ACCOUNT_ID } from '../../local/sandbox/constants.js';
import { snapshotAccount } from './account-snapshot.js';
import { AwsFaults } from './aws-faults.js';
import { runWorkflow, type Fault, type FaultContext, type RunRecord } from './fault-types.js';
import { afterFaultChecks, afterRepairChecks, type Check } from './invariants.js';
import { captureOutput, findLeaks, secretsOf, type Place } from './leak-scan.js';

/**
 * Runs one fault of the battery: a fresh sandbox (real synthesized state machines, real handlers,
 * stateful fakes, the Director simulator), an optional clean onboarding first, the fault, the
 * invariants, a clean repair run, the invariants again, and the leak search over all of it. The
 * vitest files, the property test and `npm run faults` all report through this.
 */

/** Fast but real: every Wait and Retry takes 1 ms, a Director order 10 ms. */
const BATTERY_SANDBOX = { waitMs: 1, director: { orderDelayMs: 10 } } satisfies SandboxOptions;

export interface FaultReport {
  name: string;
  step: string;
  injected: string;
  path: Fault['path'];
  /** Status of each run of the faulty act, `+`-joined when it started several. */
  status: string;
  /** Codes of the act's failed runs, `+`-joined; null when none failed. */
  failureCode: string | null;
  repair: { workflow: string; status: string; failureCode: string | null; trail: string[] } | null;
  invariants: { checked: number; broken: string[]; details: Record<string, string> };
  leaks: string[];
  /** What the fault did to the runs: each failed state attempt (`ProvisionReader: Sandbox.Timedout`), in order. */
  trail: string[];
  /** Director requests of the act not answered 2xx (`POST /LogSources → 0` for a dropped connection). */
  directorErrors: string[];
  /** Planned AWS failures that never fired: the fault missed what it aims at (or, for one on every attempt, the attempts ran out first). */
  unfired: number;
  /** Something outside the product failed (the sandbox, the clean onboarding before the fault). */
  harnessError: string | null;
  held: boolean;
  durationMs: number;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function sandboxOptionsFor(fault: Fault): SandboxOptions {
  const own = fault.sandbox ?? {};
  return { ...BATTERY_SANDBOX, ...own, director: { ...BATTERY_SANDBOX.director, ...own.director } };
}

const codesOf = (runs: readonly RunRecord[]): string | null =>
  runs.some((run) => run.result.status === 'FAILED') ? runs.map((run) => run.result.error?.code ?? '-').join('+') : null;

/** The states that failed in the act's runs, with their error codes: proof the fault fired, and where. */
function trailOf(runs: readonly RunRecord[]): string[] {
  return runs.flatMap((run, index) =>
    run.result.events.flatMap((event) => (event.kind === 'failed' ? [`${runs.length > 1 ? `#${index} ` : ''}${event.state}: ${event.error}`] : [])),
  );
}

const shortPath = (path: string): string =>
  path.replace(/^\/(config|monitor)api(\/v1)?\/[0-9a-f]{32}\/[0-9a-f]{32}/, '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>');

function placesOf(sandbox: Sandbox, output: string, runs: readonly RunRecord[]): Place[] {
  return [
    { label: 'the captured stdout/stderr/console output', content: output },
    ...runs.flatMap((run, index) => [
      { label: `run #${index} (${run.workflow}) execution events`, content: run.result.events },
      { label: `run #${index} (${run.workflow}) output`, content: run.result.output },
      { label: `run #${index} (${run.workflow}) error`, content: run.result.error },
    ]),
    { label: 'the published EventBridge events', content: sandbox.events },
  ];
}

/** What one fault did, as far as it got: the runs, and the checks after the fault and after the repair. */
interface Play {
  phases: { phase: string; checks: Check[] }[];
  actRuns: RunRecord[];
  /** Every run, the clean onboarding before a re-run fault and the repair included: all are searched for secrets. */
  allRuns: RunRecord[];
  repair: RunRecord | null;
  directorErrors: string[];
  unfired: number;
}

/** The clean onboarding (for a re-run fault), the fault, the checks, the repair run, the checks again. */
async function play(fault: Fault, sandbox: Sandbox, aws: AwsFaults, settle: () => Promise<void>, done: Play): Promise<void> {
  const accountId = SANDBOX_ACCOUNT_ID;
  const context: FaultContext = { sandbox, accountId, input: { accountId, trigger: 'fault-battery' }, aws };
  if (fault.path === 'rerun') {
    const baseline = await runWorkflow(context, 'onboard');
    done.allRuns.push(baseline);
    if (baseline.result.status !== 'SUCCEEDED')
      throw new Error(`the clean onboarding before the fault ended ${baseline.result.error?.code ?? baseline.result.status}`);
  }

  const eventsBefore = sandbox.events.length;
  const requestsBefore = sandbox.director.requests.length;
  done.actRuns = await fault.act(context);
  done.allRuns.push(...done.actRuns);
  done.unfired = aws.pending();
  done.directorErrors = sandbox.director.requests
    .slice(requestsBefore)
    .filter((request) => request.status < 200 || request.status >= 300)
    .map((request) => `${request.method} ${shortPath(request.path)} → ${request.status}`);
  await settle();
  const afterFault = afterFaultChecks(snapshotAccount(sandbox, accountId), done.actRuns, sandbox.events.slice(eventsBefore), {
    compensationKilled: fault.killsCompensation === true,
  });
  done.phases.push({ phase: 'after-fault', checks: afterFault });

  sandbox.director.faults.clear();
  aws.clear();
  const repairEventsBefore = sandbox.events.length;
  done.repair = await runWorkflow(context, fault.repair ?? 'onboard');
  done.allRuns.push(done.repair);
  await settle();
  done.phases.push({
    phase: 'after-repair',
    checks: afterRepairChecks(snapshotAccount(sandbox, accountId), done.repair, sandbox.events.slice(repairEventsBefore)),
  });
}

export async function runFault(fault: Fault): Promise<FaultReport> {
  const started = Date.now();
  const options = sandboxOptionsFor(fault);
  // Orders still in flight land before a snapshot: the state that counts is the one they leave.
  const settle = (): Promise<void> => delay((options.director?.orderDelayMs ?? 10) + 15);
  const done: Play = { phases: [], actRuns: [], allRuns: [], repair: null, directorErrors: [], unfired: 0 };
  let harnessError: string | null = null;
  let sandbox: Sandbox | undefined;
  let aws: AwsFaults | undefined;

  const capture = captureOutput();
  let output = '';
  try {
    sandbox = await startSandbox(options);
    aws = new AwsFaults(sandbox);
    aws.install();
    await play(fault, sandbox, aws, settle, done);
  } catch (error) {
    harnessError = error instanceof Error ? error.message : String(error);
  } finally {
    output = capture.stop();
    aws?.uninstall();
  }
  const leaks = sandbox ? findLeaks(placesOf(sandbox, output, done.allRuns), await secretsOf(sandbox)) : [];
  await sandbox?.stop();

  const checks = done.phases.flatMap(({ phase, checks: list }) => list.map((item) => ({ ...item, name: `${phase}:${item.name}` })));
  // A fault the harness could not play through has checked nothing: that counts as broken.
  if (harnessError !== null) checks.push({ name: 'harness', ok: false, detail: harnessError });
  const broken = checks.filter((item) => !item.ok);
  const { actRuns, repair } = done;
  return {
    name: fault.name,
    step: fault.step,
    injected: fault.injected,
    path: fault.path,
    status: actRuns.map((run) => run.result.status).join('+') || 'NOT-RUN',
    failureCode: codesOf(actRuns),
    repair: repair && { workflow: repair.workflow, status: repair.result.status, failureCode: repair.result.error?.code ?? null, trail: trailOf([repair]) },
    invariants: {
      checked: checks.length,
      broken: broken.map((item) => item.name),
      details: Object.fromEntries(broken.map((item) => [item.name, item.detail])),
    },
    leaks,
    trail: trailOf(actRuns),
    directorErrors: done.directorErrors,
    unfired: done.unfired,
    harnessError,
    held: broken.length === 0 && leaks.length === 0,
    durationMs: Date.now() - started,
  };
}

/** `FAULT=<name>[,<name>…]` (a `*` matches anything) selects faults; unset selects all. */
export function isSelected(name: string, filter = process.env.FAULT): boolean {
  if (filter === undefined || filter.trim() === '') return true;
  return filter
    .split(',')
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern !== '')
    .some((pattern) => new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`).test(name));
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface BatterySummary {
  injected: number;
  held: number;
  checked: number;
  broken: number;
  leaks: number;
}

export function summarize(reports: readonly FaultReport[]): BatterySummary {
  return {
    injected: reports.length,
    held: reports.filter((report) => report.held).length,
    checked: reports.reduce((sum, report) => sum + report.invariants.checked, 0),
    broken: reports.reduce((sum, report) => sum + report.invariants.broken.length, 0),
    leaks: reports.reduce((sum, report) => sum + report.leaks.length, 0),
  };
}

export function summaryLine(summary: BatterySummary): string {
  return `faults: ${summary.injected} injected, ${summary.held} held; invariants: ${summary.checked} checked, ${summary.broken} broken; leaks: ${summary.leaks}`;
}

/** A report in a few lines, for a failing test's message. Ids and codes only: no secret. */
export function describeReport(report: FaultReport): string {
  const lines = [
    `${report.name} (${report.path}, ${report.step}): ${report.injected}`,
    `  trail: ${report.trail.join(', ') || '-'}; Director errors: ${report.directorErrors.join(', ') || '-'}`,
    `  run: ${report.status}${report.failureCode ? ` ${report.failureCode}` : ''}; repair: ${report.repair ? `${report.repair.status} ${report.repair.failureCode ?? ''} (${report.repair.trail.join(', ') || 'no failed state'})` : 'not run'}`,
    ...Object.entries(report.invariants.details).map(([name, detail]) => `  broken ${name}: ${detail}`),
    ...report.leaks.map((leak) => `  leak: ${leak}`),
    ...(report.unfired > 0 ? [`  note: ${report.unfired} planned AWS failure(s) never fired`] : []),
  ];
  return lines.join('\n');
}
