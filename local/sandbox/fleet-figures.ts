import { fleetSummarySchema } from '../../lambda/fleet/workflow-contract.js';
import type { Sandbox } from './environment.js';
import type { LocalRunResult } from './state-machine-runner.js';

/** The `fleet` summary of `npm start -- --scenario fleet --json`: a contract that checks outside the repository rely on. */
export interface FleetFigures {
  accounts: number;
  succeeded: number;
  failed: number;
  /** Log sources beyond one per account, and accounts onboarded more than once in the run. */
  duplicates: number;
  /** Every request Director answered during the scenario (token, writes, orders, lists, reads). */
  directorRequests: number;
  /** Requests per second over the run's wall time, as a share of `--director-rate`; null without a rate. */
  directorRateUtilization: number | null;
}

export function fleetFiguresOf(run: LocalRunResult, sandbox: Sandbox, directorRate: number | undefined): FleetFigures {
  const parsed = fleetSummarySchema.safeParse(run.output);
  const summary = parsed.success ? parsed.data : null;
  const owners = sandbox.director.logSources().map(ownerOf);
  const onboarded = summary?.onboarded.map((entry) => entry.accountId) ?? [];
  const duplicates = owners.length - new Set(owners).size + (onboarded.length - new Set(onboarded).size);
  const directorRequests = sandbox.director.requests.length;
  const first = run.events[0]?.at;
  const last = run.events.at(-1)?.at;
  const seconds = first === undefined || last === undefined ? 0 : (last - first) / 1000;
  return {
    accounts: summary?.accounts ?? 0,
    succeeded: summary?.succeeded ?? 0,
    failed: summary?.failed ?? 0,
    duplicates,
    directorRequests,
    directorRateUtilization: directorRate === undefined || seconds === 0 ? null : Math.round((directorRequests / seconds / directorRate) * 1000) / 1000,
  };
}

/** The account a source was created for: its ownership marker (`dc_metadata.awsAccountId`), else its name. */
function ownerOf(source: Record<string, unknown>): string {
  const marker = (source.dc_metadata as { awsAccountId?: unknown } | undefined)?.awsAccountId;
  return typeof marker === 'string' ? marker : String(source.name);
}
